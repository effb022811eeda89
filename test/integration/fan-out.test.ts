import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog } from '../../src/relay/event-log';
import { createFanOut, fanOutShare, type FanOut } from '../../src/relay/fan-out';
import { openFileEventLog } from '../../src/relay/file-event-log';
import {
  createEventFrames,
  type SharedBatch,
  type StreamConnection,
} from '../../src/relay/stream-connection';
import { makeTempDir } from '../support/temp-dir';
import { webhookBody } from '../support/webhooks';

let temp: ReturnType<typeof makeTempDir>;
let eventLog: EventLog;
let fanOut: FanOut;
afterEach(async () => {
  fanOut.stop();
  await eventLog.close();
  temp.remove();
});

/** A subscriber that takes `costMs` of the relay's time for each batch, as writing to many sockets does. */
function subscriber(costMs: number) {
  const batches: { at: number; batch: SharedBatch }[] = [];
  const connection: StreamConnection = {
    deliverNew(batch) {
      batches.push({ at: performance.now(), batch });
      const until = performance.now() + costMs;
      while (performance.now() < until) {
        // Busy, as a fan-out to hundreds of sockets is.
      }
    },
    drainAndClose: () => Promise.resolve(),
  };
  return { connection, batches };
}

/** Appends `count` webhooks, one every `everyMs`, scheduling a fan-out after each is stored. */
async function appendSteadily(count: number, everyMs: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await eventLog.append({
      body: webhookBody({ account_id: `a-${i}` }),
      signature: 'sig',
      receivedAt: new Date().toISOString(),
      event: 'account.updated',
      originOwnerId: 'acme',
    });
    fanOut.schedule();
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

describe('fan-out to subscribers', () => {
  it('sends every event once, in order, and widens its window when fan-outs get slow', async () => {
    temp = makeTempDir('fan-out');
    eventLog = openFileEventLog({ dataDir: temp.path });
    const slow = subscriber(6);
    fanOut = createFanOut({
      eventLog,
      eventFrame: createEventFrames(),
      connections: new Set([slow.connection]),
      windowMs: 5,
      maxWindowMs: 50,
    });
    await appendSteadily(150, 2);
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Contiguous: each batch starts where the one before ended, through the last event.
    const batches = slow.batches.map((entry) => entry.batch);
    batches.forEach((batch, i) =>
      expect(batch.afterSeq).toBe(i === 0 ? 0 : batches[i - 1]?.lastSeq),
    );
    expect(batches.at(-1)?.lastSeq).toBe(150);
    expect(batches.reduce((sum, batch) => sum + batch.count, 0)).toBe(150);

    // 6 ms per fan-out: the window has grown from 5 ms towards 6 / share (15 ms), and is applied:
    // the last fan-outs are that far apart, less up to 2 ms of timer rounding.
    expect(fanOut.windowMs()).toBeGreaterThan(0.75 * (6 / fanOutShare));
    const starts = slow.batches.map((entry) => entry.at);
    const lastGaps = starts
      .slice(-4)
      .map((at, i, all) => (i === 0 ? Infinity : at - (all[i - 1] ?? 0)));
    expect(Math.min(...lastGaps)).toBeGreaterThan(0.75 * (6 / fanOutShare) - 2);
  });

  it('keeps its minimum window while fan-outs are cheap', async () => {
    temp = makeTempDir('fan-out');
    eventLog = openFileEventLog({ dataDir: temp.path });
    const cheap = subscriber(0);
    fanOut = createFanOut({
      eventLog,
      eventFrame: createEventFrames(),
      connections: new Set([cheap.connection]),
      windowMs: 5,
      maxWindowMs: 50,
    });
    await appendSteadily(100, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // At its 5 ms minimum, or just above if the test runner took the CPU away mid-fan-out.
    expect(fanOut.windowMs()).toBeLessThan(8);
    const starts = cheap.batches.map((entry) => entry.at);
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? 0));
    expect(gaps.length).toBeGreaterThan(10);
    // Never closer than the window, less up to 2 ms: Node's timers count from the event loop's
    // clock, read once per turn of the loop.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3);
    expect(cheap.batches.at(-1)?.batch.lastSeq).toBe(100);
  });
});
