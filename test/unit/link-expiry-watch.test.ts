import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchLinkExpiries } from '../../src/main/link-expiry-watch';
import type { LinkToFollowUp } from '../../src/main/links-to-follow-up';

const start = Date.parse('2026-12-04T09:00:00.000Z');
const minute = 60_000;
const day = 24 * 60 * minute;
const at = (ms: number) => new Date(start + ms).toISOString();
/** A link to link new accounts, or to re-link the account named, expiring `ms` from the start. */
const unused = (ms: number): LinkToFollowUp => ({ expiresAt: at(ms), relinks: null, kind: null });
const relinking = (ms: number, accountName: string): LinkToFollowUp => ({
  expiresAt: at(ms),
  relinks: accountName,
  kind: null,
});

describe('watchLinkExpiries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(start);
  });
  afterEach(() => vi.useRealTimers());

  const watching = () => {
    const toldLinks: [string, LinkToFollowUp[]][] = [];
    const watch = watchLinkExpiries({
      onExpired: (customerId, links) => toldLinks.push([customerId, links]),
    });
    return {
      /** Each customer told of so far, with how many of their links. */
      told: () => toldLinks.map(([customerId, links]) => [customerId, links.length]),
      toldLinks,
      watch,
    };
  };

  it('tells of a link as it expires, not before, and once', () => {
    const { told, watch } = watching();
    watch.update('acme', [unused(3 * day)]);
    vi.advanceTimersByTime(3 * day - 1);
    expect(told()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(told()).toEqual([['acme', 1]]);
    vi.advanceTimersByTime(7 * day);
    expect(told()).toEqual([['acme', 1]]);
  });

  it('says nothing of links that had expired before it watched', () => {
    const { told, watch } = watching();
    watch.update('acme', [unused(-minute), unused(-2 * day)]);
    vi.advanceTimersByTime(7 * day);
    expect(told()).toEqual([]);
  });

  it('says nothing of a link that got something linked, or was forgotten, before it expired', () => {
    const { told, watch } = watching();
    watch.update('acme', [unused(minute)]);
    watch.update('globex', [unused(minute), unused(2 * minute)]);
    watch.update('acme', []);
    watch.update('globex', [unused(2 * minute)]);
    vi.advanceTimersByTime(minute);
    expect(told()).toEqual([]);
    vi.advanceTimersByTime(minute);
    expect(told()).toEqual([['globex', 1]]);
  });

  it("counts a customer's links that expire together, and tells each customer of theirs", () => {
    const { told, watch } = watching();
    watch.update('acme', [unused(minute), unused(minute), unused(minute), unused(day)]);
    watch.update('globex', [unused(minute)]);
    vi.advanceTimersByTime(minute);
    expect(told()).toEqual([
      ['acme', 3],
      ['globex', 1],
    ]);
    vi.advanceTimersByTime(day);
    expect(told().at(-1)).toEqual(['acme', 1]);
  });

  it('tells of links to re-link as they expire, the account named, until it is re-linked', () => {
    const { toldLinks, watch } = watching();
    watch.update('acme', [
      relinking(minute, 'BambooHR'),
      relinking(day, 'HiBob'),
      relinking(day, 'Personio'),
      unused(minute),
    ]);
    vi.advanceTimersByTime(minute);
    expect(toldLinks).toEqual([['acme', [relinking(minute, 'BambooHR'), unused(minute)]]]);
    // HiBob re-linked meanwhile.
    watch.update('acme', [relinking(minute, 'BambooHR'), relinking(day, 'Personio')]);
    vi.advanceTimersByTime(day);
    expect(toldLinks.at(-1)).toEqual(['acme', [relinking(day, 'Personio')]]);
    expect(toldLinks).toHaveLength(2);
  });

  it('tells at once of a link given after its expiry passed but before it was told of', () => {
    const { told, watch } = watching();
    vi.setSystemTime(start + 2 * minute);
    watch.update('acme', [unused(minute)]);
    vi.advanceTimersByTime(0);
    expect(told()).toEqual([['acme', 1]]);
  });

  it('waits past the longest delay a timer takes', () => {
    const { told, watch } = watching();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    watch.update('acme', [unused(30 * day)]);
    // A longer delay would fire at once (Node takes it as 1 ms), and again, and again.
    expect(timers).toHaveBeenLastCalledWith(expect.any(Function), 2 ** 31 - 1);
    vi.advanceTimersByTime(30 * day - 1);
    expect(told()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(told()).toEqual([['acme', 1]]);
  });

  it('says nothing once stopped', () => {
    const { told, watch } = watching();
    watch.update('acme', [unused(minute)]);
    watch.stop();
    watch.update('acme', [unused(2 * minute)]);
    vi.advanceTimersByTime(day);
    expect(told()).toEqual([]);
  });
});
