import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog } from '../../src/relay/event-log';
import { createFanOut, fanOutShare, type FanOut } from '../../src/relay/fan-out';
import { openFileEventLog } from '../../src/relay/file-event-log';
import {
  highWaterBytes,
  type SharedBatch,
  type StreamConnection,
} from '../../src/relay/stream-connection';
import { createStreamEvents } from '../../src/relay/stream-events';
import { makeTempDir } from '../support/temp-dir';
import { logEvent } from '../support/webhooks';

let temp: ReturnType<typeof makeTempDir>;
let eventLog: EventLog;
let fanOut: FanOut;
/** The seqs reported sent, in the order the fan-out reported them. */
let reportedSent: number[];
afterEach(async () => {
  fanOut.stop();
  await eventLog.close();
  temp.remove();
});

/**
 * A fan-out over a real event log (5 ms window, growing up to 50 ms) to one subscriber that takes
 * `costMs` of the relay's time per batch, as writing to hundreds of sockets does. Returns the
 * batches the subscriber got, with when each fan-out reached it.
 */
function startFanOut(costMs: number): { at: number; batch: SharedBatch }[] {
  temp = makeTempDir('fan-out');
  eventLog = openFileEventLog({ dataDir: temp.path });
  return startFanOutOver(eventLog, costMs);
}

/** As `startFanOut`, over a log the test has opened. */
function startFanOutOver(log: EventLog, costMs: number): { at: number; batch: SharedBatch }[] {
  reportedSent = [];
  const received: { at: number; batch: SharedBatch }[] = [];
  const connection: StreamConnection = {
    client: 'fan-out-test',
    deliverNew(batch) {
      received.push({ at: performance.now(), batch });
      const until = performance.now() + costMs;
      while (performance.now() < until) {
        // Busy, as the relay is while it writes.
      }
    },
    drainAndClose: () => Promise.resolve(true),
    queuedBytes: () => 0,
  };
  fanOut = createFanOut({
    commits: createStreamEvents(log),
    connections: new Set([connection]),
    windowMs: 5,
    maxWindowMs: 50,
    onSent: (events) => reportedSent.push(...events.map((event) => event.seq)),
  });
  return received;
}

/** Appends `count` webhooks, one every `everyMs`; then lets the last fan-out run. */
async function appendSteadily(count: number, everyMs: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await eventLog.append(logEvent({ account_id: `a-${i}` }));
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The ms between consecutive fan-outs. */
const gapsBetween = (received: { at: number }[]) =>
  received.slice(1).map((entry, i) => entry.at - (received[i]?.at ?? 0));

describe('fan-out to subscribers', () => {
  it('sends every event once, in order, and widens its window when fan-outs get slow', async () => {
    const received = startFanOut(6);
    await appendSteadily(150, 2);

    // Contiguous: each batch starts where the one before ended, through the last event.
    const batches = received.map((entry) => entry.batch);
    batches.forEach((batch, i) =>
      expect(batch.afterSeq).toBe(i === 0 ? 0 : batches[i - 1]?.lastSeq),
    );
    expect(batches.at(-1)?.lastSeq).toBe(150);
    expect(batches.reduce((sum, batch) => sum + batch.count, 0)).toBe(150);
    // Each event is reported sent once, after its batch went out (for the relay's delay metric).
    expect(reportedSent).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));

    // 6 ms per fan-out: the window has grown from 5 ms towards 6 / share (15 ms), and is applied:
    // the last fan-outs are that far apart, less up to 2 ms of timer rounding.
    expect(fanOut.windowMs()).toBeGreaterThan(0.75 * (6 / fanOutShare));
    expect(Math.min(...gapsBetween(received).slice(-3))).toBeGreaterThan(
      0.75 * (6 / fanOutShare) - 2,
    );
  });

  it('keeps its minimum window while fan-outs are cheap', async () => {
    const received = startFanOut(0);
    await appendSteadily(100, 1);
    expect(received.at(-1)?.batch.lastSeq).toBe(100);
    // At its 5 ms minimum, or just above if the test runner took the CPU away mid-fan-out.
    expect(fanOut.windowMs()).toBeLessThan(8);
    const gaps = gapsBetween(received);
    expect(gaps.length).toBeGreaterThan(10);
    // Never closer than the window, less up to 2 ms: Node's timers count from the event loop's
    // clock, read once per turn of the loop.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3);
  });

  it('sends a burst of large events as several writes of at most a socket limit each', async () => {
    const received = startFanOut(0);
    // 10 events of 300 KB, stored in one commit and so sent by one fan-out: 3 MB in all.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        eventLog.append(logEvent({ account_id: `large-${i}`, padding: 'l'.repeat(300_000) })),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));

    const batches = received.map((entry) => entry.batch);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const batch of batches) expect(batch.frames.length).toBeLessThanOrEqual(highWaterBytes);
    batches.forEach((batch, i) =>
      expect(batch.afterSeq).toBe(i === 0 ? 0 : batches[i - 1]?.lastSeq),
    );
    expect(batches.reduce((sum, batch) => sum + batch.count, 0)).toBe(10);
    expect(reportedSent).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('sends a commit of more events than one batch takes as batches of at most 1,024', async () => {
    const received = startFanOut(0);
    await Promise.all(
      Array.from({ length: 1500 }, (_, i) =>
        eventLog.append(logEvent({ account_id: `many-${i}` })),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));

    const batches = received.map((entry) => entry.batch);
    expect(batches.map((batch) => batch.count)).toEqual([1024, 476]);
    expect(batches.map((batch) => [batch.afterSeq, batch.lastSeq])).toEqual([
      [0, 1024],
      [1024, 1500],
    ]);
    expect(reportedSent).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
  });

  it('sends what is committed after it starts, and stops listening to the log once stopped', async () => {
    temp = makeTempDir('fan-out');
    eventLog = openFileEventLog({ dataDir: temp.path });
    await eventLog.append(logEvent({ account_id: 'before' }));
    // The log as the fan-out sees it, counting the commit listeners it holds.
    let listeners = 0;
    const log = eventLog;
    const countingLog: EventLog = {
      ...log,
      onCommit(listener) {
        listeners += 1;
        const stopCalls = log.onCommit(listener);
        return () => {
          listeners -= 1;
          stopCalls();
        };
      },
    };
    const received = startFanOutOver(countingLog, 0);
    expect(listeners).toBe(1);
    await appendSteadily(3, 1);
    expect(received[0]?.batch.afterSeq).toBe(1);
    expect(received.at(-1)?.batch.lastSeq).toBe(4);
    expect(reportedSent).toEqual([2, 3, 4]);

    fanOut.stop();
    expect(listeners).toBe(0);
    const batchesBeforeStop = received.length;
    await appendSteadily(2, 1);
    expect(received).toHaveLength(batchesBeforeStop);
    expect(reportedSent).toEqual([2, 3, 4]);
  });
});
