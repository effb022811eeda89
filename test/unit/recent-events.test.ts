import { describe, expect, it } from 'vitest';
import { outgoingEventBytes, type OutgoingEvent } from '../../src/relay/outgoing-event';
import { createRecentEvents } from '../../src/relay/recent-events';
import { outgoingEvent as outgoing } from '../support/webhooks';

const range = (from: number, to: number): OutgoingEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => outgoing(from + i));
const seqs = (events: readonly OutgoingEvent[] | null) => events?.map((event) => event.seq) ?? null;

describe('recent events', () => {
  it('gives the events after a cursor it holds everything after, up to a limit, and none at the newest', () => {
    const recent = createRecentEvents(100);
    recent.add(range(11, 15));
    recent.add(range(16, 20));
    expect(seqs(recent.after(10, 100))).toEqual([...Array(10).keys()].map((i) => 11 + i));
    expect(seqs(recent.after(14, 3))).toEqual([15, 16, 17]);
    expect(seqs(recent.after(19, 100))).toEqual([20]);
    expect(recent.after(20, 100)).toEqual([]);
  });

  it('leaves to the log a cursor before what it holds, one past the newest, and everything while empty', () => {
    const recent = createRecentEvents(100);
    expect(recent.after(0, 10)).toBeNull();
    recent.add(range(11, 20));
    expect(recent.after(9, 10)).toBeNull();
    expect(recent.after(21, 10)).toBeNull();
  });

  it('holds at most its number of events and about its bytes, the newest always', () => {
    const byCount = createRecentEvents(4);
    byCount.add(range(1, 10));
    expect(byCount.after(5, 100)).toBeNull();
    expect(seqs(byCount.after(6, 100))).toEqual([7, 8, 9, 10]);

    const oneEventBytes = outgoingEventBytes(outgoing(10));
    const byBytes = createRecentEvents(100, oneEventBytes * 3);
    byBytes.add(range(1, 10));
    expect(byBytes.after(6, 100)).toBeNull();
    expect(seqs(byBytes.after(7, 100))).toEqual([8, 9, 10]);
    byBytes.add([outgoing(11, 'x'.repeat(oneEventBytes * 5))]);
    expect(byBytes.after(9, 100)).toBeNull();
    expect(seqs(byBytes.after(10, 100))).toEqual([11]);
  });

  it('keeps serving across many commits as it drops the oldest', () => {
    const recent = createRecentEvents(8);
    for (let seq = 1; seq <= 1000; seq += 3) recent.add(range(seq, seq + 2));
    expect(seqs(recent.after(994, 100))).toEqual([995, 996, 997, 998, 999, 1000, 1001, 1002]);
    expect(recent.after(993, 100)).toBeNull();
  });

  it('starts over where what it is given does not follow on from the newest it holds', () => {
    const recent = createRecentEvents(100);
    recent.add(range(1, 10));
    recent.add(range(15, 16));
    expect(recent.after(10, 100)).toBeNull();
    expect(seqs(recent.after(14, 100))).toEqual([15, 16]);
  });
});
