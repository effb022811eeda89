import { describe, expect, it } from 'vitest';
import {
  describeMachineCosts,
  measureMachineCosts,
  measureReadCost,
  measureWakeUpRoundTrip,
} from '../../scripts/bench-relay/machine-costs';

describe("the benchmark's machine costs", () => {
  it('measures a system call from JavaScript, and a wake-up round trip as dearer than one', async () => {
    const readUs = measureReadCost(3, 5_000);
    expect(readUs).toBeGreaterThan(0);
    // Even a VM where system calls are dear takes microseconds, not a millisecond.
    expect(readUs).toBeLessThan(1_000);

    const { p50, p99 } = await measureWakeUpRoundTrip(500);
    // Each round trip is two futex wake-ups, two waits and the switches between the threads.
    expect(p50).toBeGreaterThan(readUs);
    expect(p99).toBeGreaterThanOrEqual(p50);
  });

  it('says a wake-up round trip was not measured where a thread takes too long to answer, and goes on', async () => {
    // 0 ms: the worker cannot have answered the first wake-up by the time this thread waits.
    const costs = await measureMachineCosts(0);
    expect(costs.readUs).toBeGreaterThan(0);
    expect(costs.wakeUpRoundTripUs).toEqual({
      notMeasured: 'a worker thread did not answer a wake-up within 0 ms',
    });
    expect(describeMachineCosts(costs)).toMatch(
      /a wake-up round trip between two threads not measured \(a worker thread did not answer a wake-up within 0 ms\)$/,
    );
  });

  it('says what was measured in one line', () => {
    expect(
      describeMachineCosts({ readUs: 1.7449, wakeUpRoundTripUs: { p50: 24.44, p99: 110.78 } }),
    ).toBe(
      'machine costs, measured before the run: a 1-byte read from JavaScript 1.74 us, ' +
        'a wake-up round trip between two threads p50 24.4 us (p99 110.8 us)',
    );
  });
});
