import { describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../src/relay/outgoing-event';
import { createSharedReads } from '../../src/relay/shared-reads';
import { outgoingEvent as outgoing } from '../support/webhooks';

/**
 * A log of events 1..head over IPC, as the stream process sees the main process's: each read is
 * recorded, answers later, and stops where a segment file ends (`segmentEnds`) as the file event
 * log's reads do.
 */
function fakeLog(head: number, segmentEnds: number[] = []) {
  const log = {
    head,
    reads: [] as { cursor: number; limit: number }[],
    failNext: false,
    read(cursor: number, limit: number): Promise<readonly OutgoingEvent[]> {
      log.reads.push({ cursor, limit });
      const fail = log.failNext;
      log.failNext = false;
      const segmentEnd = segmentEnds.find((end) => end > cursor) ?? Infinity;
      const last = Math.min(log.head, segmentEnd, cursor + limit);
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
    read: (cursor, limit) => log.read(cursor, limit),
    headSeq: () => log.head,
    batchEvents: 8,
    ...options,
  });

describe('shared reads of older events', () => {
  it('reads a stretch once for every subscriber near it, each getting what follows its own position', async () => {
    const log = fakeLog(100);
    const readAfter = readerOf(log);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => readAfter(8 + (i % 8), 8)),
    );
    expect(log.reads).toEqual([{ cursor: 8, limit: 8 }]);
    results.forEach((events, i) => {
      const position = 8 + (i % 8);
      expect(seqs(events)).toEqual(range(position + 1, 16));
    });
    // Kept for those still behind it.
    expect(seqs(await readAfter(12, 8))).toEqual([13, 14, 15, 16]);
    expect(log.reads).toHaveLength(1);
  });

  it('has a subscriber within a stretch of the head read alone, as a live one does: nothing more than it needs', async () => {
    const log = fakeLog(20);
    const readAfter = readerOf(log);
    expect(seqs(await readAfter(16, 8))).toEqual([17, 18, 19, 20]);
    expect(await readAfter(20, 8)).toEqual([]);
    log.head = 22;
    expect(seqs(await readAfter(20, 8))).toEqual([21, 22]);
    expect(log.reads).toEqual([
      { cursor: 16, limit: 8 },
      { cursor: 20, limit: 8 },
      { cursor: 20, limit: 8 },
    ]);
  });

  it('keeps no stretch cut short where a segment file ends, and has a subscriber past its end read on alone', async () => {
    const log = fakeLog(100, [20]);
    const readAfter = readerOf(log);
    expect(seqs(await readAfter(16, 8))).toEqual([17, 18, 19, 20]);
    expect(seqs(await readAfter(17, 8))).toEqual([18, 19, 20]);
    expect(seqs(await readAfter(20, 8))).toEqual([21, 22, 23, 24, 25, 26, 27, 28]);
    expect(log.reads).toEqual([
      { cursor: 16, limit: 8 },
      { cursor: 16, limit: 8 },
      { cursor: 16, limit: 8 },
      { cursor: 20, limit: 8 },
    ]);
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
      [0, 1, 2].map((cursor) => readAfter(cursor, 8).then(() => turn)),
    );
    ticking = false;
    expect(log.reads).toHaveLength(1);
    expect(new Set(turnsGiven).size).toBe(3);
  });

  it('keeps a bounded number of reads, the least recently used going first', async () => {
    const log = fakeLog(1000);
    const readAfter = readerOf(log, { keptBatches: 2 });
    await readAfter(0, 8);
    await readAfter(8, 8);
    await readAfter(0, 8);
    await readAfter(16, 8);
    expect(log.reads).toHaveLength(3);
    // 8's went (0 was used since); 0 is still kept.
    await readAfter(0, 8);
    expect(log.reads).toHaveLength(3);
    await readAfter(8, 8);
    expect(log.reads).toHaveLength(4);
  });

  it('keeps no failed read: every subscriber that joined it is told, and the next reads again', async () => {
    const log = fakeLog(100);
    const readAfter = readerOf(log);
    log.failNext = true;
    const joined = [readAfter(0, 8), readAfter(3, 8)];
    for (const read of joined)
      await expect(read).rejects.toThrow('the event log could not be read');
    expect(seqs(await readAfter(3, 8))).toEqual([4, 5, 6, 7, 8]);
    expect(log.reads).toHaveLength(2);
  });
});
