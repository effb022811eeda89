import type { EventLog, StoredEvent } from './event-log';
import { toOutgoingEvents, type OutgoingEvent } from './outgoing-event';
import { createRecentEvents } from './recent-events';
import { createSharedReads } from './shared-reads';

/**
 * The committed events the stream side is given: the event log itself, or (in the stream process)
 * the main process's feed of its commits and its answers to reads, over IPC, which is why a read
 * may be asynchronous.
 */
export interface CommittedEvents extends Pick<EventLog, 'headSeq' | 'oldestSeq' | 'onCommit'> {
  /** As EventLog.readAfter, `maxBytes` given. */
  readAfter(
    cursor: number,
    limit: number,
    maxBytes: number,
  ): readonly StoredEvent[] | Promise<readonly StoredEvent[]>;
}

/** Where stream connections and the fan-out take events from, each framed once as it came in. */
export interface StreamEvents extends Pick<EventLog, 'headSeq' | 'oldestSeq'> {
  /**
   * Up to `limit` events after `cursor`; those read from the log come to at most about `maxBytes`
   * (EventLog.readAfter), the newest events held in memory to `limit` alone.
   */
  readAfter(
    cursor: number,
    limit: number,
    maxBytes: number,
  ): readonly OutgoingEvent[] | Promise<readonly OutgoingEvent[]>;
  /** As the event log's: after each commit, the events it stored. */
  onCommit(listener: (events: readonly OutgoingEvent[]) => void): () => void;
}

/**
 * Frames each committed event once, as it comes in, and serves subscribers' reads: from the newest
 * events committed where a subscriber is just behind the head (recent-events.ts), otherwise from
 * reads shared by the subscribers catching up at once (shared-reads.ts). The newest events are
 * kept while anything listens for commits (the fan-out does, for the stream hub's life).
 */
export function createStreamEvents(committed: CommittedEvents): StreamEvents {
  let recentEvents = createRecentEvents();
  const sharedReads = createSharedReads({
    read: async (cursor, limit, maxBytes) =>
      toOutgoingEvents(await committed.readAfter(cursor, limit, maxBytes)),
    headSeq: () => committed.headSeq(),
  });
  const listeners = new Set<(events: readonly OutgoingEvent[]) => void>();
  let stopListening: (() => void) | null = null;

  function frameCommitted(events: readonly StoredEvent[]): void {
    const outgoing = toOutgoingEvents(events);
    recentEvents.add(outgoing);
    for (const listener of listeners) listener(outgoing);
  }

  return {
    headSeq: () => committed.headSeq(),
    oldestSeq: () => committed.oldestSeq(),
    readAfter: (cursor, limit, maxBytes) =>
      recentEvents.after(cursor, limit) ?? sharedReads(cursor, limit, maxBytes),
    onCommit(listener) {
      listeners.add(listener);
      stopListening ??= committed.onCommit(frameCommitted);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        stopListening?.();
        stopListening = null;
        // Not fed from here on, they would soon be behind the head.
        recentEvents = createRecentEvents();
      };
    },
  };
}
