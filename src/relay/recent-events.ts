import { approximateEventBytes, type StoredEvent } from './event-log';

export interface RecentEvents {
  /** Adds a commit's events, in seq order, each one after the newest held. */
  add(events: readonly StoredEvent[]): void;
  /**
   * Up to `limit` events after `cursor`, oldest first (none where it is the newest added), where
   * every event after it up to the newest added is held here; otherwise null: read the log.
   */
  after(cursor: number, limit: number): StoredEvent[] | null;
}

/**
 * The newest committed events, as the stream process is sent them to fan out: a subscriber just
 * behind the head (one that drained, or resumed from a recent cursor, or caught up to within a
 * read of the head) reads them here rather than asking the main process, which would read them
 * from the log and send them over IPC again. Holds at most `maxEvents` of them, and about
 * `maxBytes` (always the newest one, however large).
 *
 * The defaults hold twice the stretch of the head within which a subscriber is not given a shared
 * read (256 events, shared-reads.ts), and at 1,000 webhooks/s half a second: each event held also
 * keeps its encoded frame, and the stream process's memory counts towards the relay's target.
 */
export function createRecentEvents(maxEvents = 512, maxBytes = 1024 * 1024): RecentEvents {
  /** Oldest first; those dropped are let go of at once (undefined) and cut off now and then. */
  let held: (StoredEvent | undefined)[] = [];
  /** Where the oldest one still held is, in `held`. */
  let start = 0;
  let heldBytes = 0;

  function drop(): void {
    while (held.length - start > 1 && (held.length - start > maxEvents || heldBytes > maxBytes)) {
      heldBytes -= approximateEventBytes(held[start] as StoredEvent);
      held[start] = undefined;
      start++;
    }
    if (start > maxEvents) {
      held = held.slice(start);
      start = 0;
    }
  }

  return {
    add(events) {
      for (const event of events) {
        const newest = held[held.length - 1];
        // A gap in what was sent (not expected): what is held no longer runs on to the head.
        if (newest !== undefined && event.seq !== newest.seq + 1) {
          held = [];
          start = 0;
          heldBytes = 0;
        }
        held.push(event);
        heldBytes += approximateEventBytes(event);
      }
      drop();
    },
    after(cursor, limit) {
      const oldest = held[start];
      const newest = held[held.length - 1];
      if (oldest === undefined || newest === undefined) return null;
      if (cursor === newest.seq) return [];
      if (cursor < oldest.seq - 1 || cursor > newest.seq) return null;
      const from = start + (cursor - oldest.seq + 1);
      return held.slice(from, from + limit) as StoredEvent[];
    },
  };
}
