import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEventIndex, dedupeKeyBytes, type IndexEntry } from '../../src/relay/event-index';

const keyOf = (text: string) =>
  createHash('sha256').update(text).digest().subarray(0, dedupeKeyBytes);

const entry = (seq: number): IndexEntry => ({
  seq,
  segment: Math.floor(seq / 100),
  offset: (seq % 100) * 700,
  size: 600 + (seq % 7),
  receivedMs: 1_700_000_000_000 + seq * 1000,
  key: keyOf(`body-${seq}`),
});

describe('event index', () => {
  it('gives back each entry by position and finds the first after a cursor, across seq gaps', () => {
    const index = createEventIndex();
    const seqs = [3, 4, 5, 9, 10, 20];
    for (const seq of seqs) index.append(entry(seq));

    expect(index.length).toBe(6);
    seqs.forEach((seq, position) => {
      const expected = entry(seq);
      expect(index.seq(position)).toBe(seq);
      expect(index.segment(position)).toBe(expected.segment);
      expect(index.offset(position)).toBe(expected.offset);
      expect(index.size(position)).toBe(expected.size);
      expect(index.receivedMs(position)).toBe(expected.receivedMs);
    });
    expect(index.firstAfter(0)).toBe(0);
    expect(index.firstAfter(3)).toBe(1);
    expect(index.firstAfter(6)).toBe(3);
    expect(index.firstAfter(10)).toBe(5);
    expect(index.firstAfter(20)).toBe(6);
  });

  it('finds a seq by dedupe key, and no longer once the entry is dropped', () => {
    const index = createEventIndex();
    for (let seq = 1; seq <= 10; seq++) index.append(entry(seq));

    expect(index.seqOfKey(keyOf('body-7'))).toBe(7);
    expect(index.seqOfKey(keyOf('body-11'))).toBeUndefined();
    index.dropOldest(7);
    expect(index.length).toBe(3);
    expect(index.seq(0)).toBe(8);
    expect(index.seqOfKey(keyOf('body-7'))).toBeUndefined();
    expect(index.seqOfKey(keyOf('body-3'))).toBeUndefined();
    expect(index.seqOfKey(keyOf('body-8'))).toBe(8);
  });

  it('tells apart keys that share the bytes it hashes on', () => {
    const index = createEventIndex();
    const first = Buffer.alloc(dedupeKeyBytes, 1);
    const second = Buffer.alloc(dedupeKeyBytes, 1);
    second[dedupeKeyBytes - 1] = 2;
    index.append({ ...entry(1), key: first });
    index.append({ ...entry(2), key: second });

    expect(index.seqOfKey(first)).toBe(1);
    expect(index.seqOfKey(second)).toBe(2);
    index.dropOldest(1);
    expect(index.seqOfKey(first)).toBeUndefined();
    expect(index.seqOfKey(second)).toBe(2);
  });

  it('stays exact through growth, compaction and table rebuilds over a sliding window', () => {
    const index = createEventIndex();
    // A plain model of what it should hold: the last `window` seqs appended.
    const window = 3_000;
    let oldest = 1;
    const check = (newest: number) => {
      expect(index.length).toBe(newest - oldest + 1);
      for (const seq of [oldest, Math.floor((oldest + newest) / 2), newest]) {
        const position = seq - oldest;
        expect(index.seq(position)).toBe(seq);
        expect(index.offset(position)).toBe(entry(seq).offset);
        expect(index.receivedMs(position)).toBe(entry(seq).receivedMs);
        expect(index.seqOfKey(keyOf(`body-${seq}`))).toBe(seq);
        expect(index.firstAfter(seq - 1)).toBe(position);
      }
      if (oldest > 1) expect(index.seqOfKey(keyOf(`body-${oldest - 1}`))).toBeUndefined();
    };
    for (let seq = 1; seq <= 40_000; seq++) {
      index.append(entry(seq));
      if (seq - oldest + 1 > window && seq % 250 === 0) {
        const drop = seq - oldest + 1 - window;
        index.dropOldest(drop);
        oldest += drop;
      }
      if (seq % 4_999 === 0) check(seq);
    }
    check(40_000);
    // The room fits the window (4,096 for 3,000), not twice it.
    expect(index.capacity).toBeLessThan(window * 1.5);
    // Every key held is found, and every key dropped is not.
    for (let seq = oldest - 2_000; seq <= 40_000; seq++)
      expect(index.seqOfKey(keyOf(`body-${seq}`))).toBe(seq >= oldest ? seq : undefined);
  });

  it('refuses entries out of order, keys of the wrong size and positions it does not hold', () => {
    const index = createEventIndex();
    index.append(entry(5));
    expect(() => index.append(entry(5))).toThrow(/seq 5 does not follow/);
    expect(() => index.append(entry(4))).toThrow(/seq 4 does not follow/);
    expect(() => index.append({ ...entry(6), key: Buffer.alloc(8) })).toThrow(/16 bytes, got 8/);
    // Stored in 32 bits: a larger offset is refused, not wrapped round to a wrong place on disk.
    expect(() => index.append({ ...entry(6), offset: 2 ** 32 })).toThrow(/offset must fit 32 bits/);
    expect(() => index.seq(1)).toThrow(/no index entry at 1 \(1 held\)/);
    expect(() => index.size(-1)).toThrow(RangeError);
    index.dropOldest(5);
    expect(index.length).toBe(0);
    expect(index.firstAfter(0)).toBe(0);
    index.append(entry(6));
    expect(index.seq(0)).toBe(6);
  });
});
