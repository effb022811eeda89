import { describe, expect, it } from 'vitest';
import {
  describeMachineCosts,
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

  it('says what was measured in one line', () => {
    expect(
      describeMachineCosts({ readUs: 1.7449, wakeUpRoundTripUs: { p50: 24.44, p99: 110.78 } }),
    ).toBe(
      'machine costs, measured before the run: a 1-byte read from JavaScript 1.74 us, ' +
        'a wake-up round trip between two threads p50 24.4 us (p99 110.8 us)',
    );
  });
});
