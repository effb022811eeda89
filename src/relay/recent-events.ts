import { outgoingEventBytes, type OutgoingEvent } from './outgoing-event';

export interface RecentEvents {
  /** Adds a commit's events, in seq order, each one after the newest held. */
  add(events: readonly OutgoingEvent[]): void;
  /**
   * Up to `limit` events after `cursor`, oldest first (none where it is the newest added), where
   * every event after it up to the newest added is held here; otherwise null: read the log.
   */
  after(cursor: number, limit: number): OutgoingEvent[] | null;
}

/**
 * The newest committed events, as the stream side is given them to fan out: a subscriber just
 * behind the head (one that drained, or resumed from a recent cursor, or caught up to within a
 * read of the head) reads them here rather than from the log (in the stream process, by asking the
 * main process, which would read them and send them over IPC again: 200 subscribers catching up at
 * once made about 1,300 such reads, which held it up as it stored webhooks; docs/
 * relay-benchmark-log.md, "2026-12-06, afternoon"). Holds at most `maxEvents` of them, and about
 * `maxBytes` (always the newest one, however large).
 *
 * The defaults hold twice the stretch of the head within which a subscriber is not given a shared
 * read (256 events, shared-reads.ts), and at 1,000 webhooks/s half a second: the stream process's
 * memory counts towards the relay's target.
 */
export function createRecentEvents(maxEvents = 512, maxBytes = 1024 * 1024): RecentEvents {
  /** Oldest first; those dropped are let go of at once (undefined) and cut off now and then. */
  let held: (OutgoingEvent | undefined)[] = [];
  /** Where the oldest one still held is, in `held`. */
  let start = 0;
  let heldBytes = 0;

  function drop(): void {
    while (held.length - start > 1 && (held.length - start > maxEvents || heldBytes > maxBytes)) {
      heldBytes -= outgoingEventBytes(held[start] as OutgoingEvent);
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
        heldBytes += outgoingEventBytes(event);
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
      return held.slice(from, from + limit) as OutgoingEvent[];
    },
  };
}
