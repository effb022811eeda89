import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/relay/event-log';
import { createStreamEvents, type CommittedEvents } from '../../src/relay/stream-events';
import { storedEvent } from '../support/webhooks';

/** Room for a whole read of the tests' events. */
const roomy = 10 * 1024 * 1024;
const range = (from: number, to: number): StoredEvent[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => storedEvent(from + i));

/** Events 1..head, more committed by `commit`, each read of them recorded (the main process's). */
function committedEvents(head: number) {
  const listeners = new Set<(events: readonly StoredEvent[]) => void>();
  const source = {
    head,
    reads: [] as number[],
    readAfter: (cursor: number, limit: number, _maxBytes: number) => {
      source.reads.push(cursor);
      return Promise.resolve(range(cursor + 1, Math.min(source.head, cursor + limit)));
    },
    headSeq: () => source.head,
    oldestSeq: () => 1,
    onCommit(listener: (events: readonly StoredEvent[]) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    commit(count: number) {
      const events = range(source.head + 1, source.head + count);
      source.head += count;
      for (const listener of listeners) listener(events);
    },
    listening: () => listeners.size,
  };
  return source satisfies CommittedEvents;
}

describe("the stream side's events", () => {
  it('frames each committed event once: a subscriber just behind the head gets the frame the fan-out got, without a read', async () => {
    const source = committedEvents(1_000);
    const events = createStreamEvents(source);
    const fannedOut: Buffer[] = [];
    events.onCommit((committed) => fannedOut.push(...committed.map((event) => event.frame)));
    source.commit(10);
    const behind = await events.readAfter(1_004, 100, roomy);
    expect(behind.map((event) => event.seq)).toEqual([1_005, 1_006, 1_007, 1_008, 1_009, 1_010]);
    expect(behind.every((event, i) => event.frame === fannedOut[4 + i])).toBe(true);
    expect(await events.readAfter(1_010, 100, roomy)).toEqual([]);
    expect(source.reads).toEqual([]);
  });

  it('has subscribers further behind share reads of the log, and the frames in them', async () => {
    const source = committedEvents(5_000);
    const events = createStreamEvents(source);
    const [first, second] = await Promise.all([
      events.readAfter(300, 100, roomy),
      events.readAfter(310, 100, roomy),
    ]);
    expect(source.reads).toEqual([300]);
    expect(first?.[10]?.seq).toBe(311);
    expect(first?.[10]).toBe(second?.[0]);
  });

  it('stops listening to commits once nothing listens, and lets the newest events go', async () => {
    const source = committedEvents(1_000);
    const events = createStreamEvents(source);
    const stopFirst = events.onCommit(() => undefined);
    const stopSecond = events.onCommit(() => undefined);
    expect(source.listening()).toBe(1);
    source.commit(10);
    stopFirst();
    expect(source.listening()).toBe(1);
    stopSecond();
    expect(source.listening()).toBe(0);
    source.commit(10);
    // Not fed any more, what was kept would end short of the head: the log is read instead.
    expect((await events.readAfter(1_004, 100, roomy)).map((event) => event.seq).at(-1)).toBe(
      1_020,
    );
    expect(source.reads).toEqual([1_004]);
  });
});
