import type { OutgoingEvent } from './outgoing-event';
import { highWaterBytes, type SharedBatch, type StreamConnection } from './stream-connection';
import type { StreamEvents } from './stream-events';
import { joinAdjacentFrames } from './websocket-frame';

const maxBatchEvents = 1024;

export interface FanOut {
  /** The current window, in ms: the minimum, or more while fan-outs are slow. */
  windowMs(): number;
  stop(): void;
}

/**
 * Sends newly committed events to every subscriber, as the event log hands them over after each
 * commit. The first commit after a quiet spell goes out at once; after that at most one fan-out
 * runs per window, so under load each subscriber gets one socket write per window carrying every
 * event committed in it, encoded once for all. The window adapts to what a fan-out costs (see
 * `nextWindowMs`).
 */
export function createFanOut(options: {
  /** Where committed events come from, framed (stream-events.ts). */
  commits: Pick<StreamEvents, 'onCommit'>;
  connections: ReadonlySet<StreamConnection>;
  windowMs: number;
  /** The window grows up to this when fan-outs get slow (default: no growth). */
  maxWindowMs?: number;
  /** Called with each batch of events once it is written to every subscriber. */
  onSent?: (events: readonly OutgoingEvent[]) => void;
}): FanOut {
  const { commits, connections, windowMs } = options;
  const maxWindowMs = Math.max(windowMs, options.maxWindowMs ?? windowMs);
  let currentWindowMs = windowMs;
  /** Committed events not sent yet, oldest first. Held for one window at most. */
  let unsent: OutgoingEvent[] = [];
  let lastRunAt = -Infinity;
  let pending: { cancel(): void } | null = null;
  let stopped = false;

  function run(): void {
    pending = null;
    lastRunAt = performance.now();
    const events = unsent;
    unsent = [];
    // Subscribers that connect later catch up from the log by themselves.
    if (connections.size === 0) return;
    for (let from = 0; from < events.length;) {
      const frames = framesUpToBytes(events, from, maxBatchEvents);
      const count = frames.length;
      const runs = joinAdjacentFrames(frames);
      const sent = events.slice(from, from + count);
      const first = sent[0] as OutgoingEvent;
      const batch: SharedBatch = {
        // A subscriber is sent the batch only if it has had exactly the events before it.
        afterSeq: first.seq - 1,
        lastSeq: (sent.at(-1) as OutgoingEvent).seq,
        count,
        // One buffer for one write per subscriber; the frames of one commit (side by side) are
        // written as they are, not copied.
        frames: runs.length === 1 ? (runs[0] as Buffer) : Buffer.concat(runs),
        events: sent,
      };
      for (const connection of connections) connection.deliverNew(batch);
      options.onSent?.(sent);
      from += count;
    }
    currentWindowMs = nextWindowMs(currentWindowMs, performance.now() - lastRunAt, {
      minMs: windowMs,
      maxMs: maxWindowMs,
    });
  }

  function schedule(): void {
    if (pending !== null || stopped) return;
    const wait = lastRunAt + currentWindowMs - performance.now();
    // setImmediate lets the commit's appends be answered before this fan-out runs.
    if (wait <= 0) {
      const immediate = setImmediate(run);
      pending = { cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(run, wait);
      pending = { cancel: () => clearTimeout(timer) };
    }
  }

  const stopListening = commits.onCommit((events) => {
    for (const event of events) unsent.push(event);
    schedule();
  });

  return {
    windowMs: () => currentWindowMs,
    stop() {
      stopped = true;
      stopListening();
      pending?.cancel();
      pending = null;
      unsent = [];
    },
  };
}

/**
 * The frames of `events` from `from` on, at most `limit` of them and (beyond the first) no more
 * than `highWaterBytes` in all, so that a burst of large events goes out as several writes the
 * subscribers' limits apply to.
 */
function framesUpToBytes(events: readonly OutgoingEvent[], from: number, limit: number): Buffer[] {
  const frames: Buffer[] = [];
  let bytes = 0;
  for (let i = from; i < events.length && frames.length < limit; i++) {
    const { frame } = events[i] as OutgoingEvent;
    bytes += frame.length;
    if (bytes > highWaterBytes && frames.length > 0) break;
    frames.push(frame);
  }
  return frames;
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
