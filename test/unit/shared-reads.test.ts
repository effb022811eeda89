import { describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../src/relay/outgoing-event';
import { createSharedReads } from '../../src/relay/shared-reads';
import { outgoingEvent as outgoing } from '../support/webhooks';

/** What each of the fake log's events comes to. */
const eventBytes = outgoing(1).frame.length;
/** Room for any read of the tests' (their `batchEvents` is 8). */
const roomy = 100 * eventBytes;

/**
 * A log of events 1..head over IPC, as the stream process sees the main process's: each read is
 * recorded, answers later, stops where a segment file ends (`segmentEnds`) as the file event
 * log's reads do, and brings no more than `maxBytes` (at least one event).
 */
function fakeLog(head: number, segmentEnds: number[] = []) {
  const log = {
    head,
    reads: [] as { cursor: number; limit: number }[],
    failNext: false,
    read(cursor: number, limit: number, maxBytes: number): Promise<readonly OutgoingEvent[]> {
      log.reads.push({ cursor, limit });
      const fail = log.failNext;
      log.failNext = false;
      const segmentEnd = segmentEnds.find((end) => end > cursor) ?? Infinity;
      const fitting = Math.max(1, Math.floor(maxBytes / eventBytes));
      const last = Math.min(log.head, segmentEnd, cursor + limit, cursor + fitting);
      const events = Array.from({ length: Math.max(0, last - cursor) }, (_, i) =>
        outgoing(cursor + 1 + i),
      );
      return new Promise((resolve, reject) =>
        setTimeout(
          () => (fail ? reject(new Error('the event log could not be read')) : resolve(events)),
          1,
        ),
      );
    },
  };
  return log;
}

const seqs = (events: readonly OutgoingEvent[]) => events.map((event) => event.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const readerOf = (log: ReturnType<typeof fakeLog>, options: { keptBatches?: number } = {}) =>
  createSharedReads({
    read: (cursor, limit, maxBytes) => log.read(cursor, limit, maxBytes),
    headSeq: () => log.head,
    batchEvents: 8,
    ...options,
  });

describe('shared reads of older events', () => {
  it('reads a stretch once for every subscriber near it, each getting what follows its own position', async () => {
    const log = fakeLog(100);
    const readAfter = readerOf(log);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => readAfter(8 + (i % 8), 8, roomy)),
    );
    expect(log.reads).toEqual([{ cursor: 8, limit: 8 }]);
    results.forEach((events, i) => {
      const position = 8 + (i % 8);
      expect(seqs(events)).toEqual(range(position + 1, 16));
    });
    // Kept for those still behind it.
    expect(seqs(await readAfter(12, 8, roomy))).toEqual([13, 14, 15, 16]);
    expect(log.reads).toHaveLength(1);
  });

  it('has a subscriber within a stretch of the head read alone, as a live one does: nothing more than it needs', async () => {
    const log = fakeLog(20);
    const readAfter = readerOf(log);
    expect(seqs(await readAfter(16, 8, roomy))).toEqual([17, 18, 19, 20]);
    expect(await readAfter(20, 8, roomy)).toEqual([]);
    log.head = 22;
    expect(seqs(await readAfter(20, 8, roomy))).toEqual([21, 22]);
    expect(log.reads).toEqual([
      { cursor: 16, limit: 8 },
      { cursor: 20, limit: 8 },
      { cursor: 20, limit: 8 },
    ]);
  });

  it('keeps a stretch cut short where a segment file ends, and has a subscriber past its end read from its own position', async () => {
    const log = fakeLog(100, [20]);
    const readAfter = readerOf(log);
    expect(seqs(await readAfter(16, 8, roomy))).toEqual([17, 18, 19, 20]);
    expect(seqs(await readAfter(17, 8, roomy))).toEqual([18, 19, 20]);
    expect(seqs(await readAfter(20, 8, roomy))).toEqual(range(21, 28));
    expect(log.reads).toEqual([
      { cursor: 16, limit: 8 },
      { cursor: 20, limit: 8 },
    ]);
  });

  it('reads no more than the subscriber that starts a read has room for, and has those past its end read from their own positions', async () => {
    const log = fakeLog(1000);
    const readAfter = readerOf(log);
    const [first, second, third] = await Promise.all([
      readAfter(100, 8, 3 * eventBytes),
      readAfter(102, 8, roomy),
      readAfter(104, 8, roomy),
    ]);
    expect(seqs(first ?? [])).toEqual([101, 102, 103]);
    expect(seqs(second ?? [])).toEqual([103]);
    // It joined the read under way, which ended before its position.
    expect(seqs(third ?? [])).toEqual(range(105, 112));
    expect(log.reads).toEqual([
      { cursor: 100, limit: 8 },
      { cursor: 104, limit: 8 },
    ]);
    // Those at where the first ended share a read from there.
    const atEnd = await Promise.all([readAfter(103, 8, roomy), readAfter(103, 8, roomy)]);
    expect(atEnd.map(seqs)).toEqual([range(104, 111), range(104, 111)]);
    expect(log.reads).toHaveLength(3);
  });

  it('has a subscriber whose stretch is no longer kept read from its own position, not again from where that stretch began', async () => {
    const log = fakeLog(1000);
    const readAfter = readerOf(log, { keptBatches: 1 });
    expect(seqs(await readAfter(0, 8, 3 * eventBytes))).toEqual([1, 2, 3]);
    // Another subscriber's read, far from it, takes the one place.
    await readAfter(500, 8, roomy);
    expect(seqs(await readAfter(2, 8, roomy))).toEqual(range(3, 10));
    expect(log.reads.map((read) => read.cursor)).toEqual([0, 500, 2]);
  });

  it('hands a shared read to each subscriber in an event loop turn of its own', async () => {
    const log = fakeLog(100);
    const readAfter = readerOf(log);
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const turnsGiven = await Promise.all(
      [0, 1, 2].map((cursor) => readAfter(cursor, 8, roomy).then(() => turn)),
    );
    ticking = false;
    expect(log.reads).toHaveLength(1);
    expect(new Set(turnsGiven).size).toBe(3);
  });

  it('keeps a bounded number of reads, the least recently used going first', async () => {
    const log = fakeLog(1000);
    const readAfter = readerOf(log, { keptBatches: 2 });
    await readAfter(0, 8, roomy);
    await readAfter(8, 8, roomy);
    await readAfter(0, 8, roomy);
    await readAfter(16, 8, roomy);
    expect(log.reads).toHaveLength(3);
    // 8's went (0 was used since); 0 is still kept.
    await readAfter(0, 8, roomy);
    expect(log.reads).toHaveLength(3);
    await readAfter(8, 8, roomy);
    expect(log.reads).toHaveLength(4);
  });

  it('keeps no failed read: every subscriber that joined it is told, and the next reads again', async () => {
    const log = fakeLog(100);
    const readAfter = readerOf(log);
    log.failNext = true;
    const joined = [readAfter(0, 8, roomy), readAfter(3, 8, roomy)];
    for (const read of joined)
      await expect(read).rejects.toThrow('the event log could not be read');
    expect(seqs(await readAfter(3, 8, roomy))).toEqual(range(4, 11));
    expect(log.reads).toHaveLength(2);
  });
});
