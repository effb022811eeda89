import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchUnusedLinkExpiries } from '../../src/main/unused-link-expiry-watch';

const start = Date.parse('2026-12-04T09:00:00.000Z');
const minute = 60_000;
const day = 24 * 60 * minute;
const at = (ms: number) => new Date(start + ms).toISOString();

describe('watchUnusedLinkExpiries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(start);
  });
  afterEach(() => vi.useRealTimers());

  const watching = () => {
    const told: [string, number][] = [];
    const watch = watchUnusedLinkExpiries({
      onExpired: (customerId, count) => told.push([customerId, count]),
    });
    return { told, watch };
  };

  it('tells of a link as it expires, not before, and once', () => {
    const { told, watch } = watching();
    watch.update('acme', [at(3 * day)]);
    vi.advanceTimersByTime(3 * day - 1);
    expect(told).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(told).toEqual([['acme', 1]]);
    vi.advanceTimersByTime(7 * day);
    expect(told).toEqual([['acme', 1]]);
  });

  it('says nothing of links that had expired before it watched', () => {
    const { told, watch } = watching();
    watch.update('acme', [at(-minute), at(-2 * day)]);
    vi.advanceTimersByTime(7 * day);
    expect(told).toEqual([]);
  });

  it('says nothing of a link that got something linked, or was forgotten, before it expired', () => {
    const { told, watch } = watching();
    watch.update('acme', [at(minute)]);
    watch.update('globex', [at(minute), at(2 * minute)]);
    watch.update('acme', []);
    watch.update('globex', [at(2 * minute)]);
    vi.advanceTimersByTime(minute);
    expect(told).toEqual([]);
    vi.advanceTimersByTime(minute);
    expect(told).toEqual([['globex', 1]]);
  });

  it("counts a customer's links that expire together, and tells each customer of theirs", () => {
    const { told, watch } = watching();
    watch.update('acme', [at(minute), at(minute), at(day)]);
    watch.update('globex', [at(minute)]);
    vi.advanceTimersByTime(minute);
    expect(told).toEqual([
      ['acme', 2],
      ['globex', 1],
    ]);
    vi.advanceTimersByTime(day);
    expect(told.at(-1)).toEqual(['acme', 1]);
  });

  it('tells at once of a link given after its expiry passed but before it was told of', () => {
    const { told, watch } = watching();
    vi.setSystemTime(start + 2 * minute);
    watch.update('acme', [at(minute)]);
    vi.advanceTimersByTime(0);
    expect(told).toEqual([['acme', 1]]);
  });

  it('waits past the longest delay a timer takes', () => {
    const { told, watch } = watching();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    watch.update('acme', [at(30 * day)]);
    // A longer delay would fire at once (Node takes it as 1 ms), and again, and again.
    expect(timers).toHaveBeenLastCalledWith(expect.any(Function), 2 ** 31 - 1);
    vi.advanceTimersByTime(30 * day - 1);
    expect(told).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(told).toEqual([['acme', 1]]);
  });

  it('says nothing once stopped', () => {
    const { told, watch } = watching();
    watch.update('acme', [at(minute)]);
    watch.stop();
    watch.update('acme', [at(2 * minute)]);
    vi.advanceTimersByTime(day);
    expect(told).toEqual([]);
  });
});
