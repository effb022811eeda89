/**
 * What a system call and a wake-up cost on this machine, measured before a run. The relay's work
 * per webhook is mostly the kernel's (socket writes and reads, durable writes, processes woken by
 * each other), so two machines with the same CPU model can give very different figures: on a VM
 * nested under PVM both cost several times what they commonly cost on others
 * (docs/relay-benchmark-log.md, "2026-12-02, late night"). Printed with the machine's line, they say
 * which kind of machine a run's figures came from.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { percentile } from './percentile';

export interface MachineCosts {
  /** A 1-byte read of /dev/zero from JavaScript (Node's binding included), µs: the best batch's mean. */
  readUs: number;
  /**
   * One thread waking another and being woken back (two futex wake-ups), µs; or why not measured
   * (a machine so loaded that a thread took over the time allowed to answer).
   */
  wakeUpRoundTripUs: { p50: number; p99: number } | { notMeasured: string };
}

const elapsedUs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1000;

/** The mean cost of a 1-byte read in the least disturbed of `batches` batches, µs. */
export function measureReadCost(batches = 5, readsPerBatch = 50_000): number {
  const fd = openSync('/dev/zero', 'r');
  const byte = Buffer.alloc(1);
  let best = Infinity;
  try {
    for (let batch = 0; batch < batches; batch++) {
      const start = process.hrtime.bigint();
      for (let read = 0; read < readsPerBatch; read++) {
        if (readSync(fd, byte, 0, 1, null) !== 1) throw new Error('/dev/zero gave no byte');
      }
      best = Math.min(best, elapsedUs(start) / readsPerBatch);
    }
  } finally {
    closeSync(fd);
  }
  return best;
}

// The worker waits for the shared word to become "asked", sets it back to "idle" and wakes the
// main thread; "stop" ends it. It counts its answers in the second word. Each side waits until
// the word has changed, not merely until it is woken: a notify can arrive late, meant for the
// wake-up before (one taken for a new "asked" made the worker answer 3,001 of 3,000).
const idle = 0;
const asked = 1;
const stop = 2;
const answeringWorker = `
const { workerData } = require('node:worker_threads');
const words = new Int32Array(workerData);
for (;;) {
  while (Atomics.load(words, 0) === ${idle}) Atomics.wait(words, 0, ${idle});
  if (Atomics.load(words, 0) === ${stop}) break;
  Atomics.add(words, 1, 1);
  Atomics.store(words, 0, ${idle});
  Atomics.notify(words, 0);
}`;

/**
 * p50 and p99 of `roundTrips` wake-up round trips between this thread and a worker, µs. Throws
 * when the worker takes over `answerWithinMs` to answer one.
 */
export async function measureWakeUpRoundTrip(
  roundTrips = 3_000,
  answerWithinMs = 1_000,
): Promise<{ p50: number; p99: number }> {
  const shared = new SharedArrayBuffer(8);
  const words = new Int32Array(shared);
  const worker = new Worker(answeringWorker, { eval: true, workerData: shared });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('online', resolve);
      worker.once('error', reject);
    });
    const times = new Float64Array(roundTrips);
    for (let trip = 0; trip < roundTrips; trip++) {
      const start = process.hrtime.bigint();
      const deadline = performance.now() + answerWithinMs;
      Atomics.store(words, 0, asked);
      Atomics.notify(words, 0);
      // Until the worker has answered this wake-up, not the one before (see answeringWorker).
      while (Atomics.load(words, 0) === asked) {
        const left = Math.max(0, deadline - performance.now());
        if (Atomics.wait(words, 0, asked, left) === 'timed-out')
          throw new Error(`a worker thread did not answer a wake-up within ${answerWithinMs} ms`);
      }
      times[trip] = elapsedUs(start);
    }
    Atomics.store(words, 0, stop);
    Atomics.notify(words, 0);
    if (Atomics.load(words, 1) !== roundTrips)
      throw new Error(`the worker answered ${Atomics.load(words, 1)} of ${roundTrips} wake-ups`);
    times.sort();
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  } finally {
    await worker.terminate();
  }
}

/** A wake-up round trip not measured is said so, and the run goes on. */
export async function measureMachineCosts(answerWithinMs?: number): Promise<MachineCosts> {
  const readUs = measureReadCost();
  try {
    return { readUs, wakeUpRoundTripUs: await measureWakeUpRoundTrip(undefined, answerWithinMs) };
  } catch (error) {
    return { readUs, wakeUpRoundTripUs: { notMeasured: (error as Error).message } };
  }
}

export function describeMachineCosts(costs: MachineCosts): string {
  const { readUs, wakeUpRoundTripUs: wakeUp } = costs;
  return (
    `machine costs, measured before the run: a 1-byte read from JavaScript ${readUs.toFixed(2)} us, ` +
    `a wake-up round trip between two threads ` +
    ('notMeasured' in wakeUp
      ? `not measured (${wakeUp.notMeasured})`
      : `p50 ${wakeUp.p50.toFixed(1)} us (p99 ${wakeUp.p99.toFixed(1)} us)`)
  );
}
