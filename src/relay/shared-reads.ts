import { outgoingEventBytes, type OutgoingEvent } from './outgoing-event';

export interface SharedReadsOptions {
  /**
   * Reads up to `limit` events after `cursor`, of about `maxBytes` at most (over IPC from the main
   * process, or the log).
   */
  read(cursor: number, limit: number, maxBytes: number): Promise<readonly OutgoingEvent[]>;
  /** The newest seq known here to be committed. */
  headSeq(): number;
  /** Events per read (default 256). */
  batchEvents?: number;
  /** Whole reads kept for subscribers still behind them: at most this many (default 64) ... */
  keptBatches?: number;
  /** ... and about this many bytes (default 8 MiB). */
  keptBytes?: number;
}

interface Batch {
  /** The cursor it was read after. */
  after: number;
  /** Its newest event's seq, once it is read. */
  lastSeq: number | null;
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
 * A subscriber joins a read under way from a position at most `batchEvents` before its own, or is
 * given its part of a read done (kept, the most recently used last) that holds the event after
 * its position; otherwise it reads from its own position, for itself and those that come after.
 * A read is as large as the subscriber that starts it asks for (its socket's room): read larger,
 * the rest was wanted only once that socket drained, and with many subscribers behind at positions
 * far apart it was no longer kept by then, and read again (docs/relay-benchmark-log.md,
 * "2026-12-06, late night"). A subscriber within a stretch of the head reads alone, as a live one
 * just drained does (the stream side serves those from the newest events it keeps,
 * stream-events.ts, before asking here).
 */
export function createSharedReads(
  options: SharedReadsOptions,
): (cursor: number, limit: number, maxBytes: number) => Promise<readonly OutgoingEvent[]> {
  const batchEvents = options.batchEvents ?? 256;
  const keptBatches = options.keptBatches ?? 64;
  const keptBytes = options.keptBytes ?? 8 * 1024 * 1024;
  /** By the cursor each was read after, reads under way too; oldest used first. */
  const batches = new Map<number, Batch>();
  let heldBytes = 0;

  function forget(batch: Batch): void {
    if (batches.get(batch.after) !== batch) return;
    batches.delete(batch.after);
    heldBytes -= batch.bytes;
  }

  function use(batch: Batch): Batch {
    batches.delete(batch.after);
    batches.set(batch.after, batch);
    return batch;
  }

  /** A read under way or kept that has, or is likely to have, the event after `cursor`. */
  function holding(cursor: number): Batch | undefined {
    for (const batch of batches.values()) {
      if (batch.after > cursor) continue;
      if (batch.lastSeq === null ? cursor - batch.after < batchEvents : cursor < batch.lastSeq)
        return batch;
    }
    return undefined;
  }

  /** Starts a read of the events after `cursor`, kept for others to join. */
  function startRead(cursor: number, maxBytes: number): Batch {
    const batch: Batch = {
      after: cursor,
      lastSeq: null,
      events: options.read(cursor, batchEvents, maxBytes),
      bytes: 0,
    };
    batches.set(cursor, batch);
    batch.events.then(
      (events) => {
        if (batches.get(cursor) !== batch) return;
        const last = events.at(-1);
        if (last === undefined) {
          forget(batch);
          return;
        }
        batch.lastSeq = last.seq;
        batch.bytes = events.reduce((sum, event) => sum + outgoingEventBytes(event), 0);
        heldBytes += batch.bytes;
        for (const oldest of batches.values()) {
          if ((heldBytes <= keptBytes && batches.size <= keptBatches) || oldest === batch) break;
          forget(oldest);
        }
      },
      () => forget(batch),
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

  return async (cursor, limit, maxBytes) => {
    if (options.headSeq() - cursor <= batchEvents) return options.read(cursor, limit, maxBytes);
    const joined = holding(cursor);
    let shared = joined === undefined ? [] : await use(joined).events;
    let from = shared.findIndex((event) => event.seq > cursor);
    if (from === -1) {
      // None, or the read joined ended before this position (cut short by its size, or where a
      // segment file ends): a read from here has the event after it, if there is one.
      shared = await use(batches.get(cursor) ?? startRead(cursor, maxBytes)).events;
      from = shared.findIndex((event) => event.seq > cursor);
      if (from === -1) return [];
    }
    await ownTurn();
    return shared.slice(from, from + limit);
  };
}
