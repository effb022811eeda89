import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
} from 'node:fs';
import { statfs, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  eventLogNotOwnedCode,
  type AppendResult,
  type EventLog,
  type NewEvent,
  type StoredEvent,
} from './event-log';
import { lockDataDir } from './data-dir-lock';
import { syncDirectory, writeFileDurably, writeFully } from './durable-files';
import { createEventIndex, dedupeKeyBytes } from './event-index';
import { readOrMakeLogId } from './log-id';
import { encodeRecord, scanRecords } from './log-record';

export interface FileEventLogOptions {
  dataDir: string;
  /** Events older than this are dropped from replay, with their files (`defaultRetention`). */
  retentionMs?: number;
  /** At most this many events are kept for replay (default: `defaultRetention`). */
  maxEvents?: number;
  /**
   * At most this many bytes of records are kept for replay (default: `defaultRetention`). Files on
   * disk can exceed it by up to one segment: a segment is deleted once none of its events is
   * retained.
   */
  maxBytes?: number;
  /** A new segment file starts once the current one reaches this size (`defaultSegmentMib`). */
  segmentBytes?: number;
  /**
   * The newest events kept decoded in memory for subscribers just behind; older ones are read
   * from disk (default 64). Live subscribers do not read here: the fan-out gets each commit's
   * events (`onCommit`). Kept few on purpose: decoded events that outlive two of V8's young
   * collections (about 200 ms at 1,000 webhooks/s) move to the old generation and bring on full
   * collections, which pause the relay; 1,024 of them doubled what the relay promoted.
   */
  memoryEvents?: number;
  /**
   * And no more than this many bytes of them (default 16 MiB), so that large webhooks (up to the
   * relay's body limit) cannot fill the heap.
   */
  memoryBytes?: number;
  now?: () => number;
  /**
   * Writes bytes durably at a file position, or throws; tests replace it to simulate a failing
   * disk.
   */
  writeAt?: (fd: number, bytes: Buffer, position: number) => void;
  /** Deletes an expired segment file; tests replace it to simulate a failing disk. */
  removeFile?: (path: string) => Promise<void>;
  /**
   * Makes a new segment file durably (the file, then its name in the directory) and returns its
   * descriptor, or throws; tests replace it to simulate a disk that will not make one.
   */
  createSegmentFile?: (path: string) => number;
  /**
   * Called where the data directory's lock is found to be no longer this log's (`lockDataDir`'s
   * `onLost`): another relay may be writing here, so the caller should stop at once.
   */
  onLockLost?: () => void;
  /**
   * Called where a full segment's successor cannot be made (the disk full, out of file
   * descriptors), once until one is made: batches go on the current segment meanwhile, and it is
   * tried again after each.
   */
  onSegmentNotStarted?: (error: unknown) => void;
  /** How often the lock is renewed (`lockDataDir`'s `renewEveryMs`); tests shorten it. */
  lockRenewEveryMs?: number;
}

/** Bytes recovery could not read as records, kept in a file of their own (see `setAside`). */
export interface SetAsideBytes {
  segment: string;
  fromByte: number;
  bytes: number;
  keptAs: string;
}

export interface FileEventLog extends EventLog {
  /**
   * What recovery set aside on open: the bytes of each segment from its first torn or corrupt
   * record on. Empty after a clean shutdown.
   */
  readonly setAside: readonly SetAsideBytes[];
}

interface Pending {
  event: NewEvent;
  dedupeKey: Buffer;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

interface Segment {
  /** Segments are numbered in the order they were opened; the index refers to them by number. */
  number: number;
  path: string;
  fd: number;
  /** Bytes of whole records; the next batch is written here. */
  bytes: number;
}

/** One read of older events from disk stops at about this many bytes (replays of large webhooks). */
const maxReadBytes = 4 * 1024 * 1024;

const segmentPattern = /^events-(\d{16})\.log$/;
const segmentName = (firstSeq: number) => `events-${String(firstSeq).padStart(16, '0')}.log`;
/** The single file earlier versions wrote; it is taken over as the first segment. */
const legacyLogName = 'events.log';
// O_DSYNC: a write returns only once its bytes (and the file's new size) are on disk, so one
// system call both writes and syncs a batch.
const appendFlags = constants.O_RDWR | constants.O_CREAT | constants.O_DSYNC;

/** How long, how many and how many MiB of events are kept for replay unless told (CLI too). */
export const defaultRetention = { hours: 168, events: 100_000, mib: 1024 } as const;
/** The size at which a new segment file is started unless told, in MiB. */
export const defaultSegmentMib = 16;

/**
 * The relay's event log on local disk: segment files of framed records (length, CRC-32, JSON).
 *
 * - Appends made in the same turn of the event loop share one durable write (group commit).
 * - On open, a torn or corrupt record and what follows it are set aside in a file of their own,
 *   and cut off the last segment, so the log always reopens and loses no bytes.
 * - Memory holds an index entry per retained event (seq, place on disk, age, dedupe key) and
 *   only the newest events themselves; replay of older ones reads them from disk.
 * - Retention drops events by age, count and bytes, and deletes a segment file once all of it is
 *   gone.
 */
export function openFileEventLog(options: FileEventLogOptions): FileEventLog {
  const { dataDir } = options;
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? defaultRetention.hours * 3600 * 1000;
  const maxEvents = options.maxEvents ?? defaultRetention.events;
  const maxBytes = options.maxBytes ?? defaultRetention.mib * 1024 * 1024;
  const segmentBytes = options.segmentBytes ?? defaultSegmentMib * 1024 * 1024;
  const memoryEvents = options.memoryEvents ?? 64;
  const memoryBytes = options.memoryBytes ?? 16 * 1024 * 1024;
  const writeAt = options.writeAt ?? writeFully;
  const removeFile = options.removeFile ?? unlink;
  const createSegmentFile = options.createSegmentFile ?? createSegmentFileDurably;
  makeDataDir(dataDir);
  const lock = lockDataDir(dataDir, {
    ...(options.onLockLost && { onLost: options.onLockLost }),
    ...(options.lockRenewEveryMs !== undefined && { renewEveryMs: options.lockRenewEveryMs }),
  });
  const logId = readOrMakeLogId(dataDir);

  const index = createEventIndex();
  /** The sum of the retained events' record sizes. */
  let retainedBytes = 0;
  /** The newest events, decoded: the last `recent.length` entries of the index. */
  const recent: StoredEvent[] = [];
  /** The sum of their record sizes. */
  let recentBytes = 0;
  const segments: Segment[] = [];
  let segmentsOpened = 0;
  const segmentNumbered = (number: number) =>
    segments[number - (segments[0] as Segment).number] as Segment;
  let head = 0;

  function addToIndex(
    event: StoredEvent,
    key: Buffer,
    segment: Segment,
    offset: number,
    bytes: number,
  ): void {
    index.append({
      seq: event.seq,
      segment: segment.number,
      offset,
      size: bytes,
      receivedMs: Date.parse(event.receivedAt),
      key,
    });
    retainedBytes += bytes;
    recent.push(event);
    recentBytes += bytes;
    forgetRecent(0);
    head = event.seq;
  }

  /** Drops the oldest decoded events: `count` of them, then more while over the memory limits. */
  function forgetRecent(count: number): void {
    let drop = count;
    const firstRecent = index.length - recent.length;
    let bytes = 0;
    for (let i = 0; i < drop; i++) bytes += index.size(firstRecent + i);
    // The newest event always stays: a subscriber just behind (one resuming after its socket
    // drained) reads it from here next.
    while (
      drop < recent.length - 1 &&
      (recent.length - drop > memoryEvents || recentBytes - bytes > memoryBytes)
    ) {
      bytes += index.size(firstRecent + drop);
      drop++;
    }
    if (drop === 0) return;
    recent.splice(0, drop);
    recentBytes -= bytes;
  }

  // Recovery: every segment in order; a record that fails its length, CRC or parse ends what is
  // read of its segment. The bytes from there on are kept in a file beside it first: after a
  // crash they are a torn write nobody was answered 200 for, but after damage to the disk they
  // may hold events that were. Only the last segment is then cut back, to append after its last
  // whole record; older ones are never written again and stay as they are.
  const setAside: SetAsideBytes[] = [];
  if (existsSync(join(dataDir, legacyLogName))) {
    renameSync(join(dataDir, legacyLogName), join(dataDir, segmentName(0)));
    syncDirectory(dataDir);
  }
  const names = readdirSync(dataDir)
    .filter((name) => segmentPattern.test(name))
    .sort();
  names.forEach((name, i) => {
    const path = join(dataDir, name);
    const isLast = i === names.length - 1;
    // Older segments are only read from now on.
    const fd = openSync(path, isLast ? appendFlags : constants.O_RDONLY);
    const data = readFileSync(path);
    const { records, validBytes } = scanRecords(data);
    if (validBytes < data.length) {
      const keptAs = `${path}.from-byte-${validBytes}`;
      writeFileDurably(keptAs, data.subarray(validBytes));
      setAside.push({
        segment: path,
        fromByte: validBytes,
        bytes: data.length - validBytes,
        keptAs,
      });
      if (isLast) {
        ftruncateSync(fd, validBytes);
        fsyncSync(fd);
      }
    }
    const segment: Segment = { number: segmentsOpened++, path, fd, bytes: validBytes };
    segments.push(segment);
    for (const record of records) {
      if (record.event.seq > head)
        addToIndex(
          record.event,
          dedupeKeyOf(record.event.body),
          segment,
          record.offset,
          record.bytes,
        );
    }
    // A segment is named after the first seq it was opened for: seqs never go back, even when
    // every event before it has been deleted.
    head = Math.max(head, Number(segmentPattern.exec(name)?.[1] ?? 0) - 1);
  });
  if (segments.length === 0) startSegment();

  function active(): Segment {
    return segments[segments.length - 1] as Segment;
  }

  function startSegment(): void {
    const path = join(dataDir, segmentName(head + 1));
    segments.push({ number: segmentsOpened++, path, fd: createSegmentFile(path), bytes: 0 });
  }

  function prune(): void {
    const cutoff = now() - retentionMs;
    let drop = Math.max(0, index.length - maxEvents);
    let droppedBytes = 0;
    for (let i = 0; i < drop; i++) droppedBytes += index.size(i);
    // The byte limit never drops the newest event, however large: it has just been answered 200
    // and live subscribers have yet to get it.
    while (
      drop < index.length &&
      (index.receivedMs(drop) < cutoff ||
        (retainedBytes - droppedBytes > maxBytes && drop < index.length - 1))
    ) {
      droppedBytes += index.size(drop);
      drop++;
    }
    if (drop > 0) dropOldest(drop, droppedBytes);
    // Events lie in segment order, so a segment before the one holding the oldest retained
    // event holds none. The active segment (the last) is never deleted.
    while (
      segments.length > 1 &&
      (index.length === 0 || index.segment(0) !== (segments[0] as Segment).number)
    ) {
      const expired = segments.shift() as Segment;
      closeSync(expired.fd);
      for (const path of undeleted.splice(0)) deleteExpired(path);
      deleteExpired(expired.path);
    }
  }

  const deletions = new Set<Promise<void>>();
  /** Expired segment files whose deletion failed: tried again when the next one expires. */
  const undeleted: string[] = [];
  /**
   * Deletes an expired segment file in Node's thread pool, not on the event loop: deleting a 16
   * MiB file took 14-17 ms on the benchmark machine (ext4 mounted with `discard`), a stall every
   * half minute at 1,000 webhooks/s. A file left by a crash meanwhile is expired again on open.
   */
  function deleteExpired(path: string): void {
    const deletion: Promise<void> = removeFile(path)
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') undeleted.push(path);
      })
      .finally(() => deletions.delete(deletion));
    deletions.add(deletion);
  }

  /** Drops the `count` oldest events, whose records come to `bytes`. */
  function dropOldest(count: number, bytes: number): void {
    // Decoded copies of the dropped events go first, while the index still holds their sizes.
    const decodedDropped = recent.length - (index.length - count);
    if (decodedDropped > 0) forgetRecent(decodedDropped);
    index.dropOldest(count);
    retainedBytes -= bytes;
  }

  /**
   * Where a read of index entries from `from` ends (exclusive): before `until`, at most `limit`
   * entries, all in `from`'s segment where they are `fromDisk`, and no more than `maxBytes` of
   * records unless the first alone is larger.
   */
  function endOfRead(
    from: number,
    until: number,
    limit: number,
    maxBytes: number,
    fromDisk: boolean,
  ): number {
    const segmentNumber = index.segment(from);
    let to = from;
    let total = 0;
    while (
      to < until &&
      to - from < limit &&
      (!fromDisk || index.segment(to) === segmentNumber) &&
      (to === from || total + index.size(to) <= maxBytes)
    ) {
      total += index.size(to);
      to++;
    }
    return to;
  }

  /** Reads index entries `from` up to `to` (exclusive, all in one segment) from disk. */
  function readFromDisk(from: number, to: number): StoredEvent[] {
    const segment = segmentNumbered(index.segment(from));
    const begin = index.offset(from);
    const end = index.offset(to - 1) + index.size(to - 1);
    const bytes = Buffer.allocUnsafe(end - begin);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(segment.fd, bytes, read, bytes.length - read, begin + read);
      if (n === 0) break;
      read += n;
    }
    return scanRecords(bytes.subarray(0, read)).records.map((record) => record.event);
  }

  let queue: Pending[] = [];
  let commitScheduled = false;
  /** Whether the last try to start a segment failed (told once until one is started). */
  let segmentNotStarted = false;
  let closed = false;
  const commitListeners = new Set<(events: readonly StoredEvent[]) => void>();

  /**
   * Group commit: the appends made in one turn of the event loop are written together, in one
   * durable write when that turn's I/O is done (setImmediate).
   *
   * The write is synchronous, on the event loop. In Node's thread pool it would need a worker
   * thread and then the event loop to get a core again before any 200 could go out: with the
   * relay's subscribers keeping the cores busy, that round trip had a p99 near 10 ms even on
   * tmpfs, where the write itself takes well under 1 ms. While the disk stalls, the relay now
   * stalls with it; no webhook could be answered meanwhile anyway.
   */
  function scheduleCommit(): void {
    if (commitScheduled) return;
    commitScheduled = true;
    setImmediate(() => {
      commitScheduled = false;
      const batch = queue;
      queue = [];
      let stored: StoredEvent[];
      try {
        stored = commit(batch);
      } catch (error) {
        for (const item of batch) item.reject(error);
        return;
      }
      // Outside the try: the events are stored whatever a listener does.
      if (stored.length > 0) for (const listener of commitListeners) listener(stored);
    });
  }

  /** Stores the batch's new events durably, settles its appends and returns the events stored. */
  function commit(batch: Pending[]): StoredEvent[] {
    const results: AppendResult[] = [];
    const records: Buffer[] = [];
    const added: { event: StoredEvent; key: Buffer }[] = [];
    // Keys of this batch's new events, so that an identical body twice in one batch is stored once.
    const batchKeys = new Map<string, number>();
    for (const item of batch) {
      const batchKey = item.dedupeKey.toString('latin1');
      const earlier = index.seqOfKey(item.dedupeKey) ?? batchKeys.get(batchKey);
      if (earlier !== undefined) {
        results.push({ seq: earlier, duplicate: true });
        continue;
      }
      const stored: StoredEvent = { seq: head + added.length + 1, ...item.event };
      batchKeys.set(batchKey, stored.seq);
      added.push({ event: stored, key: item.dedupeKey });
      records.push(encodeRecord(stored));
      results.push({ seq: stored.seq, duplicate: false });
    }
    if (records.length > 0) {
      if (!lock.stillHeld())
        throw Object.assign(
          new Error(
            "the data directory is no longer this relay's: another relay took its lock over " +
              'while this one was held up, or the lock was deleted',
          ),
          { code: eventLogNotOwnedCode },
        );
      const segment = active();
      const bytes = Buffer.concat(records);
      try {
        writeAt(segment.fd, bytes, segment.bytes);
      } catch (error) {
        // Disk full or an I/O error: this batch is refused (the relay answers 503, for StackOne to
        // send it again), and whatever part of it reached the file is cut off, so that the next
        // batch does not land behind a torn record, where recovery would stop and lose it.
        try {
          ftruncateSync(segment.fd, segment.bytes);
        } catch {
          // Recovery cuts the torn record off at the next open.
        }
        throw error;
      }
      let offset = segment.bytes;
      added.forEach(({ event, key }, i) => {
        const size = (records[i] as Buffer).length;
        addToIndex(event, key, segment, offset, size);
        offset += size;
      });
      segment.bytes = offset;
      // The batch is stored: a segment the disk will not make now (full, out of file descriptors)
      // is tried again after the next batch, which goes on the current one meanwhile.
      if (segment.bytes >= segmentBytes) {
        try {
          startSegment();
          segmentNotStarted = false;
        } catch (error) {
          if (!segmentNotStarted) options.onSegmentNotStarted?.(error);
          segmentNotStarted = true;
        }
      }
    }
    prune();
    batch.forEach((item, i) => {
      const result = results[i];
      if (result) item.resolve(result);
    });
    return added.map(({ event }) => event);
  }

  prune();
  return {
    logId,
    setAside,
    append(event) {
      if (closed) return Promise.reject(new Error('event log is closed'));
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ event, dedupeKey: dedupeKeyOf(event.body), resolve, reject });
        scheduleCommit();
      });
    },
    readAfter(cursor, limit, maxBytes = Infinity) {
      const from = index.firstAfter(cursor);
      if (from >= index.length) return [];
      const recentFrom = index.length - recent.length;
      if (from >= recentFrom) {
        const to = endOfRead(from, index.length, limit, maxBytes, false);
        return recent.slice(from - recentFrom, to - recentFrom);
      }
      const bytes = Math.min(maxBytes, maxReadBytes);
      return readFromDisk(from, endOfRead(from, recentFrom, limit, bytes, true));
    },
    onCommit(listener) {
      commitListeners.add(listener);
      return () => {
        commitListeners.delete(listener);
      };
    },
    headSeq: () => head,
    oldestSeq: () => (index.length > 0 ? index.seq(0) : null),
    async storage() {
      let bytes = 0;
      for (const segment of segments) bytes += segment.bytes;
      // Retention's limit in bytes, or in events at their average size so far where that comes
      // first, and the segment being written past it before the oldest is deleted.
      const byCount =
        index.length > 0 ? Math.ceil((maxEvents * retainedBytes) / index.length) : Infinity;
      return {
        bytes,
        maxBytes: Math.min(maxBytes, byCount) + segmentBytes,
        freeBytes: await freeBytesOn(dataDir),
      };
    },
    async close() {
      closed = true;
      while (commitScheduled || queue.length > 0) await new Promise((r) => setImmediate(r));
      await Promise.all(deletions);
      for (const segment of segments) closeSync(segment.fd);
      lock.release();
    },
  };
}

/**
 * Creates the data directory and any missing parents. Not `mkdirSync(dir, { recursive: true })`:
 * where a parent exists but cannot hold the child (a path under /proc), Node's recursive mkdir
 * retries for ever at full CPU instead of failing.
 */
function makeDataDir(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code === 'ENOENT' && parent !== dir && !existsSync(parent)) {
      makeDataDir(parent);
      mkdirSync(dir);
      return;
    }
    throw new Error(`cannot create the data directory ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Opens a new segment file for appending, and makes its name durable: records written into it
 * must survive a crash, and so must the name they are found by. Where the name cannot be made
 * durable the file is not used.
 */
export function createSegmentFileDurably(path: string): number {
  const fd = openSync(path, appendFlags);
  try {
    syncDirectory(dirname(path));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** 128 bits of SHA-256 of the body: collisions are out of reach, and the index stays small. */
function dedupeKeyOf(body: string): Buffer {
  return createHash('sha256').update(body).digest().subarray(0, dedupeKeyBytes);
}

/** Bytes free to this user on the disk `dir` is on; NaN where the disk cannot be asked. */
async function freeBytesOn(dir: string): Promise<number> {
  try {
    const disk = await statfs(dir);
    return disk.bavail * disk.bsize;
  } catch {
    return Number.NaN;
  }
}
