import { describe, expect, it } from 'vitest';
import { highWaterBytes, queueLimitBytes } from '../../src/relay/stream-connection';

describe("a subscriber's socket queue limit", () => {
  it('is 1 MiB while the queues of all subscribers stay within 16 MiB, then a share of that', () => {
    expect(queueLimitBytes(0)).toBe(highWaterBytes);
    expect(queueLimitBytes(1)).toBe(highWaterBytes);
    expect(queueLimitBytes(16)).toBe(highWaterBytes);
    expect(queueLimitBytes(17)).toBeLessThan(highWaterBytes);
    expect(queueLimitBytes(200) * 200).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(queueLimitBytes(200) * 201).toBeGreaterThan(16 * 1024 * 1024);
  });

  it('is never below 64 KiB, however many subscribers there are', () => {
    expect(queueLimitBytes(1_024)).toBe(64 * 1024);
    expect(queueLimitBytes(100_000)).toBe(64 * 1024);
  });
});
