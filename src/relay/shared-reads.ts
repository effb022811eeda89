import { outgoingEventBytes, type OutgoingEvent } from './outgoing-event';

export interface SharedReadsOptions {
  /** Reads up to `limit` events after `cursor` (over IPC from the main process, or the log). */
  read(cursor: number, limit: number): Promise<readonly OutgoingEvent[]>;
  /** The newest seq known here to be committed. */
  headSeq(): number;
  /** Events per read: reads start at multiples of it (default 256). */
  batchEvents?: number;
  /** Whole reads kept for subscribers still behind them: at most this many (default 64) ... */
  keptBatches?: number;
  /** ... and about this many bytes (default 8 MiB). */
  keptBytes?: number;
}

interface Batch {
  events: Promise<readonly OutgoingEvent[]>;
  bytes: number;
}

/**
 * Reads of older events shared by subscribers catching up at the same time. Every subscriber
 * that falls behind at once (a network that stopped carrying the relay's traffic for a while)
 * leaves the shared fan-out and reads from the log on its own: without sharing, 200 of them made
 * the main process read, and the stream process decode, each stretch of the log 200 times, and
 * the main process's queue of reads for this process grew by tens of MB; in one process, they
 * read it on the event loop that answers webhooks, holding the 200s up for seconds.
 *
 * Reads start at multiples of `batchEvents`, so subscribers at nearby positions ask for the same
 * stretch: a read under way is joined, and one done is kept (the most recently used last) for
 * those still behind it, if whole. A subscriber within a stretch of the head reads alone, as a
 * live one just drained does (a shared read would fetch events before its position; the stream
 * side serves those from the newest events it keeps, stream-events.ts, before asking here), and so
 * does one past where a shared read ends (a segment file's end).
 */
export function createSharedReads(
  options: SharedReadsOptions,
): (cursor: number, limit: number) => Promise<readonly OutgoingEvent[]> {
  const batchEvents = options.batchEvents ?? 256;
  const keptBatches = options.keptBatches ?? 64;
  const keptBytes = options.keptBytes ?? 8 * 1024 * 1024;
  /** By the cursor each was read after; oldest used first. */
  const batches = new Map<number, Batch>();
  let heldBytes = 0;

  function forget(start: number, batch: Batch): void {
    if (batches.get(start) !== batch) return;
    batches.delete(start);
    heldBytes -= batch.bytes;
  }

  function batchAfter(start: number): Batch {
    const known = batches.get(start);
    if (known !== undefined) {
      batches.delete(start);
      batches.set(start, known);
      return known;
    }
    const batch: Batch = { events: options.read(start, batchEvents), bytes: 0 };
    batches.set(start, batch);
    batch.events.then(
      (events) => {
        if (batches.get(start) !== batch) return;
        if (events.length < batchEvents) {
          forget(start, batch);
          return;
        }
        batch.bytes = events.reduce((sum, event) => sum + outgoingEventBytes(event), 0);
        heldBytes += batch.bytes;
        for (const [oldestStart, oldest] of batches) {
          if ((heldBytes <= keptBytes && batches.size <= keptBatches) || oldest === batch) break;
          forget(oldestStart, oldest);
        }
      },
      () => forget(start, batch),
    );
    return batch;
  }

  /**
   * Subscribers given a shared read, each waiting for a turn of the event loop of its own to send
   * it in. Given it together, 200 of them sent their reads in one turn, and on in the same turn
   * from kept reads (870 ms), while live events, and heartbeats' answers, waited.
   */
  const turns: (() => void)[] = [];
  const giveNextTurn = () => {
    turns.shift()?.();
    // An immediate set from an immediate runs in the event loop's next turn, after its I/O.
    if (turns.length > 0) setImmediate(giveNextTurn);
  };
  const ownTurn = () =>
    new Promise<void>((resolve) => {
      turns.push(resolve);
      if (turns.length === 1) setImmediate(giveNextTurn);
    });

  return async (cursor, limit) => {
    if (options.headSeq() - cursor <= batchEvents) return options.read(cursor, limit);
    const shared = await batchAfter(cursor - (cursor % batchEvents)).events;
    const from = shared.findIndex((event) => event.seq > cursor);
    if (from === -1) return options.read(cursor, limit);
    await ownTurn();
    return shared.slice(from, from + limit);
  };
}
