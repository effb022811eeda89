import { describe, expect, it } from 'vitest';
import { createStallRecord } from '../../scripts/bench-relay/stall-record';

/** Ticks every `periodUs` from `fromUs` up to `toUs`, as a timer that is never late would. */
function tickSteadily(
  record: ReturnType<typeof createStallRecord>,
  fromUs: number,
  toUs: number,
  periodUs: number,
): void {
  for (let at = fromUs; at <= toUs; at += periodUs) record.tick(at);
}

describe('the benchmark stall record', () => {
  it('reports the longest stall beyond the period within a window, and how many were over a bound', () => {
    const record = createStallRecord(2, 2);
    tickSteadily(record, 0, 100_000, 2_000);
    record.tick(150_000); // 50 ms since the last tick: 48 ms late
    tickSteadily(record, 152_000, 300_000, 2_000);
    record.tick(314_000); // 12 ms late
    tickSteadily(record, 316_000, 400_000, 2_000);

    expect(record.within(0, 400_000, 10)).toEqual({ worstMs: 48, over: 2 });
    // A window holds the stalls that ended in it.
    expect(record.within(200_000, 400_000, 10)).toEqual({ worstMs: 12, over: 1 });
    expect(record.within(0, 149_999, 10)).toEqual({ worstMs: 0, over: 0 });
    expect(record.within(0, 400_000, 20)).toEqual({ worstMs: 48, over: 1 });
  });

  it('keeps no lateness at or under the floor, and forgets what ended before a time', () => {
    const record = createStallRecord(2, 2);
    record.tick(0);
    record.tick(4_000); // 2 ms late: not kept
    record.tick(9_000); // 3 ms late
    expect(record.within(0, 10_000, 0)).toEqual({ worstMs: 3, over: 1 });

    record.tick(39_000); // 28 ms late
    record.forget(9_001);
    expect(record.within(0, 40_000, 0)).toEqual({ worstMs: 28, over: 1 });
    record.forget(40_000);
    expect(record.within(0, 40_000, 0)).toEqual({ worstMs: 0, over: 0 });
  });
});
