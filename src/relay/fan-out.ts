import type { EventLog } from './event-log';
import type { EventFrames, SharedBatch, StreamConnection } from './stream-connection';

const maxBatchEvents = 1024;

export interface FanOut {
  /** Events were committed: send them to subscribers now, or when the current window ends. */
  schedule(): void;
  stop(): void;
}

/**
 * Sends newly committed events to every subscriber. The first commit after a quiet spell goes out
 * at once; after that at most one fan-out runs per window, so under load each subscriber gets one
 * socket write per window carrying every event committed in it, encoded once for all.
 */
export function createFanOut(options: {
  eventLog: EventLog;
  eventFrame: EventFrames;
  connections: ReadonlySet<StreamConnection>;
  windowMs: number;
}): FanOut {
  const { eventLog, eventFrame, connections, windowMs } = options;
  // Subscribers that connect later catch up by themselves; fan-out only carries what is new.
  let sentThrough = eventLog.headSeq();
  let lastRunAt = -Infinity;
  let pending: { cancel(): void } | null = null;
  let stopped = false;

  function run(): void {
    pending = null;
    lastRunAt = performance.now();
    if (connections.size === 0) {
      sentThrough = eventLog.headSeq();
      return;
    }
    for (;;) {
      const events = eventLog.readAfter(sentThrough, maxBatchEvents);
      const last = events.at(-1);
      if (last === undefined) return;
      const batch: SharedBatch = {
        afterSeq: sentThrough,
        lastSeq: last.seq,
        count: events.length,
        frames: Buffer.concat(events.map(eventFrame)),
      };
      for (const connection of connections) connection.deliverNew(batch);
      sentThrough = last.seq;
    }
  }

  return {
    schedule() {
      if (pending !== null || stopped) return;
      const wait = lastRunAt + windowMs - performance.now();
      // setImmediate lets every append resolved by the same commit join this fan-out.
      if (wait <= 0) {
        const immediate = setImmediate(run);
        pending = { cancel: () => clearImmediate(immediate) };
      } else {
        const timer = setTimeout(run, wait);
        pending = { cancel: () => clearTimeout(timer) };
      }
    },
    stop() {
      stopped = true;
      pending?.cancel();
      pending = null;
    },
  };
}
