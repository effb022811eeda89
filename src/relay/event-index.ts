/** Bytes of a dedupe key: the first 128 bits of the body's SHA-256. */
export const dedupeKeyBytes = 16;

export interface IndexEntry {
  seq: number;
  /** The number of the segment file that holds the record. */
  segment: number;
  offset: number;
  size: number;
  receivedMs: number;
  /** `dedupeKeyBytes` bytes. */
  key: Uint8Array;
}

/**
 * The event log's index of retained events, oldest first: each one's seq, where its record lies,
 * when it was received, and its dedupe key, with a hash table from key to entry. It is held in
 * typed arrays, not in JavaScript arrays, strings and a Map: about 70 bytes an event outside the
 * JavaScript heap instead of about 200 inside it, and nothing per event for the garbage collector
 * to trace or move (100,000 retained events are the default).
 *
 * Positions run from 0 (the oldest entry) to `length - 1`.
 */
export interface EventIndex {
  readonly length: number;
  /** Entries its columns have room for: what its memory is sized by. */
  readonly capacity: number;
  append(entry: IndexEntry): void;
  seq(position: number): number;
  segment(position: number): number;
  offset(position: number): number;
  size(position: number): number;
  receivedMs(position: number): number;
  /** The position of the first entry with seq > cursor; `length` when there is none. */
  firstAfter(cursor: number): number;
  /** The seq of the entry with this dedupe key, if one is held. */
  seqOfKey(key: Uint8Array): number | undefined;
  /** Forgets the `count` oldest entries. */
  dropOldest(count: number): void;
}

const initialCapacity = 1024;
/** Fields kept in 32 bits: out of range, they would wrap round to a wrong place on disk. */
const uint32Fields = ['segment', 'offset', 'size'] as const;

export function createEventIndex(): EventIndex {
  let capacity = initialCapacity;
  let seqs = new Float64Array(capacity);
  let segments = new Uint32Array(capacity);
  let offsets = new Uint32Array(capacity);
  let sizes = new Uint32Array(capacity);
  let receivedMs = new Float64Array(capacity);
  let keys = new Uint8Array(capacity * dedupeKeyBytes);
  /** Where the oldest entry is in the columns, and how many entries there are. */
  let first = 0;
  let length = 0;
  /** Entries ever appended before the oldest one held: an entry's ordinal less this is its position. */
  let dropped = 0;

  // Open addressing with linear probing. A slot holds 0 (empty) or the entry's ordinal less
  // `tableBase`, plus 1. Dropped entries are not removed: a slot whose entry is gone is passed
  // over, and the table is rebuilt from the entries held once half its slots have been used.
  let table = new Int32Array(initialCapacity * 4);
  let tableBase = 0;
  let usedSlots = 0;

  const column = (position: number) => {
    if (!Number.isInteger(position) || position < 0 || position >= length)
      throw new RangeError(`no index entry at ${position} (${length} held)`);
    return first + position;
  };
  // Keys are hash output already, so their first 32 bits serve as the slot hash.
  const slotOf = (bytes: Uint8Array, from: number, mask: number) =>
    ((bytes[from] as number) |
      ((bytes[from + 1] as number) << 8) |
      ((bytes[from + 2] as number) << 16) |
      ((bytes[from + 3] as number) << 24)) &
    mask;

  function keyMatches(at: number, key: Uint8Array): boolean {
    const from = at * dedupeKeyBytes;
    for (let i = 0; i < dedupeKeyBytes; i++) if (keys[from + i] !== key[i]) return false;
    return true;
  }

  /** Puts the entry at this place in the columns, whose key is already there, in the table. */
  function insert(at: number): void {
    const mask = table.length - 1;
    const ordinal = dropped + at - first;
    let slot = slotOf(keys, at * dedupeKeyBytes, mask);
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = ordinal - tableBase + 1;
    usedSlots++;
  }

  function rebuildTable(): void {
    let size = initialCapacity * 4;
    while (size < length * 4) size *= 2;
    table = new Int32Array(size);
    tableBase = dropped;
    usedSlots = 0;
    for (let at = first; at < first + length; at++) insert(at);
  }

  /**
   * Makes room for one more entry at the end of the columns: doubles the room when the entries
   * held fill 7/8 of it, else moves them to the start. A full log holds the same number of entries
   * from one commit to the next, so the room must fit that number, not twice it: 100,000 entries
   * fit in 131,072, where doubling unless dropped entries had left half the room took it to
   * 262,144 (about 6 MB more). A move copies the entries held, and at least an eighth of the room
   * is appended between two moves.
   */
  function makeRoom(): void {
    if (first + length < capacity) return;
    const grown = length * 8 >= capacity * 7 ? capacity * 2 : capacity;
    const move = <T extends Float64Array | Uint32Array | Uint8Array>(
      old: T,
      make: (size: number) => T,
      width = 1,
    ): T => {
      if (grown === capacity) {
        old.copyWithin(0, first * width, (first + length) * width);
        return old;
      }
      const next = make(grown * width);
      next.set(old.subarray(first * width, (first + length) * width));
      return next;
    };
    seqs = move(seqs, (n) => new Float64Array(n));
    segments = move(segments, (n) => new Uint32Array(n));
    offsets = move(offsets, (n) => new Uint32Array(n));
    sizes = move(sizes, (n) => new Uint32Array(n));
    receivedMs = move(receivedMs, (n) => new Float64Array(n));
    keys = move(keys, (n) => new Uint8Array(n), dedupeKeyBytes);
    capacity = grown;
    first = 0;
  }

  return {
    get length() {
      return length;
    },
    get capacity() {
      return capacity;
    },
    append(entry) {
      if (entry.key.length !== dedupeKeyBytes)
        throw new RangeError(`a dedupe key is ${dedupeKeyBytes} bytes, got ${entry.key.length}`);
      for (const field of uint32Fields)
        if (!Number.isInteger(entry[field]) || entry[field] < 0 || entry[field] > 0xffffffff)
          throw new RangeError(`an index entry's ${field} must fit 32 bits, got ${entry[field]}`);
      if (length > 0 && entry.seq <= (seqs[first + length - 1] as number))
        throw new RangeError(`seq ${entry.seq} does not follow the newest held`);
      makeRoom();
      const at = first + length;
      seqs[at] = entry.seq;
      segments[at] = entry.segment;
      offsets[at] = entry.offset;
      sizes[at] = entry.size;
      receivedMs[at] = entry.receivedMs;
      keys.set(entry.key, at * dedupeKeyBytes);
      length++;
      if ((usedSlots + 1) * 2 > table.length) rebuildTable();
      else insert(at);
    },
    seq: (position) => seqs[column(position)] as number,
    segment: (position) => segments[column(position)] as number,
    offset: (position) => offsets[column(position)] as number,
    size: (position) => sizes[column(position)] as number,
    receivedMs: (position) => receivedMs[column(position)] as number,
    firstAfter(cursor) {
      let low = 0;
      let high = length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((seqs[first + mid] as number) <= cursor) low = mid + 1;
        else high = mid;
      }
      return low;
    },
    seqOfKey(key) {
      const mask = table.length - 1;
      for (let slot = slotOf(key, 0, mask); table[slot] !== 0; slot = (slot + 1) & mask) {
        const position = tableBase + (table[slot] as number) - 1 - dropped;
        if (position >= 0 && keyMatches(first + position, key))
          return seqs[first + position] as number;
      }
      return undefined;
    },
    dropOldest(count) {
      const drop = Math.min(count, length);
      first += drop;
      length -= drop;
      dropped += drop;
      if (length === 0) first = 0;
    },
  };
}
