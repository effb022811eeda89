import type { EventLog, StoredEvent } from './event-log';
import {
  highWaterBytes,
  joinFrames,
  type EventFrames,
  type SharedBatch,
  type StreamConnection,
} from './stream-connection';

const maxBatchEvents = 1024;

export interface FanOut {
  /** Events were committed: send them to subscribers now, or when the current window ends. */
  schedule(): void;
  /** The current window, in ms: the minimum, or more while fan-outs are slow. */
  windowMs(): number;
  stop(): void;
}

/**
 * Sends newly committed events to every subscriber. The first commit after a quiet spell goes out
 * at once; after that at most one fan-out runs per window, so under load each subscriber gets one
 * socket write per window carrying every event committed in it, encoded once for all. The window
 * adapts to what a fan-out costs (see `nextWindowMs`).
 */
export function createFanOut(options: {
  eventLog: EventLog;
  eventFrame: EventFrames;
  connections: ReadonlySet<StreamConnection>;
  windowMs: number;
  /** The window grows up to this when fan-outs get slow (default: no growth). */
  maxWindowMs?: number;
  /** Called with each batch of events once it is written to every subscriber. */
  onSent?: (events: readonly StoredEvent[]) => void;
}): FanOut {
  const { eventLog, eventFrame, connections, windowMs } = options;
  const maxWindowMs = Math.max(windowMs, options.maxWindowMs ?? windowMs);
  let currentWindowMs = windowMs;
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
      const { events, frames } = framesUpToBytes(
        eventLog.readAfter(sentThrough, maxBatchEvents),
        eventFrame,
      );
      const last = events.at(-1);
      if (last === undefined) break;
      const batch: SharedBatch = {
        afterSeq: sentThrough,
        lastSeq: last.seq,
        count: events.length,
        frames: joinFrames(frames),
      };
      for (const connection of connections) connection.deliverNew(batch);
      sentThrough = last.seq;
      options.onSent?.(events);
    }
    currentWindowMs = nextWindowMs(currentWindowMs, performance.now() - lastRunAt, {
      minMs: windowMs,
      maxMs: maxWindowMs,
    });
  }

  return {
    schedule() {
      if (pending !== null || stopped) return;
      const wait = lastRunAt + currentWindowMs - performance.now();
      // setImmediate lets every append resolved by the same commit join this fan-out.
      if (wait <= 0) {
        const immediate = setImmediate(run);
        pending = { cancel: () => clearImmediate(immediate) };
      } else {
        const timer = setTimeout(run, wait);
        pending = { cancel: () => clearTimeout(timer) };
      }
    },
    windowMs: () => currentWindowMs,
    stop() {
      stopped = true;
      pending?.cancel();
      pending = null;
    },
  };
}

/**
 * The first of `events` whose frames come to at most `highWaterBytes` (at least one), with their
 * frames, so that a burst of large events goes out as several writes the subscribers' limits
 * apply to.
 */
function framesUpToBytes(
  events: StoredEvent[],
  eventFrame: EventFrames,
): { events: StoredEvent[]; frames: Buffer[] } {
  const frames: Buffer[] = [];
  let bytes = 0;
  for (const event of events) {
    const frame = eventFrame(event);
    bytes += frame.length;
    if (bytes > highWaterBytes && frames.length > 0) break;
    frames.push(frame);
  }
  return {
    events: frames.length === events.length ? events : events.slice(0, frames.length),
    frames,
  };
}

/** The share of the relay's time that fan-out may take before the window grows. */
export const fanOutShare = 0.4;

/**
 * The next fan-out window: long enough that a fan-out taking `tookMs` fills at most `fanOutShare`
 * of it, between `minMs` and `maxMs`, moving a fifth of the way there each time so that one slow
 * run (the relay losing its core mid-loop) does not swing it. When the machine is short of CPU
 * (more subscribers, a slower host), events then wait a little longer for fewer, larger writes
 * instead of queueing behind writes the relay cannot keep up with.
 */
export function nextWindowMs(
  currentMs: number,
  tookMs: number,
  limits: { minMs: number; maxMs: number },
): number {
  const wantedMs = tookMs / fanOutShare;
  const movedMs = currentMs + (wantedMs - currentMs) / 5;
  return Math.min(limits.maxMs, Math.max(limits.minMs, movedMs));
}
