import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  write,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { AppendResult, EventLog, NewEvent, StoredEvent } from './event-log';

const headerBytes = 8; // u32 payload length, u32 CRC-32 of the payload
const maxRecordBytes = 16 * 1024 * 1024;

export interface FileEventLogOptions {
  dataDir: string;
  /** Events older than this are dropped from memory and from replay (default 7 days). */
  retentionMs?: number;
  /** At most this many events are kept for replay (default 100,000). */
  maxEvents?: number;
  now?: () => number;
  /** Writes bytes durably at a file position; tests replace it to simulate a failing disk. */
  writeAt?: (fd: number, bytes: Buffer, position: number) => Promise<void>;
}

interface Pending {
  event: NewEvent;
  dedupeKey: string;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * An append-only log file of framed records (length, CRC-32, JSON). Appends waiting at the same
 * time share one synchronous (O_DSYNC) write: group commit. On open, a torn or corrupt tail left by a
 * crash is cut off at the last whole record, so the log always reopens.
 */
export function openFileEventLog(options: FileEventLogOptions): EventLog {
  mkdirSync(options.dataDir, { recursive: true });
  const path = join(options.dataDir, 'events.log');
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? 7 * 24 * 3600 * 1000;
  const maxEvents = options.maxEvents ?? 100_000;
  const writeAt = options.writeAt ?? writeFullyAt;

  // O_DSYNC: a write returns only once its bytes (and the file's new size) are on disk, so one
  // system call, one trip to the thread pool, both writes and syncs a batch.
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_DSYNC);
  const recovered = recover(readFileSync(path));
  if (recovered.validBytes < recovered.totalBytes) {
    ftruncateSync(fd, recovered.validBytes);
    fsyncSync(fd);
  }

  const events: StoredEvent[] = recovered.events;
  const seqByDedupeKey = new Map<string, number>();
  for (const e of events) seqByDedupeKey.set(dedupeKeyOf(e.body), e.seq);
  let head = events.at(-1)?.seq ?? 0;
  let fileBytes = recovered.validBytes;
  let queue: Pending[] = [];
  let writing = false;
  let closed = false;

  function prune(): void {
    const cutoff = new Date(now() - retentionMs).toISOString();
    let drop = Math.max(0, events.length - maxEvents);
    while ((events[drop]?.receivedAt ?? cutoff) < cutoff) drop++;
    if (drop === 0) return;
    for (const e of events.splice(0, drop)) {
      const key = dedupeKeyOf(e.body);
      if (seqByDedupeKey.get(key) === e.seq) seqByDedupeKey.delete(key);
    }
  }

  /**
   * Group commit: one batch is written (durably) at a time, off the event loop; appends that
   * arrive meanwhile wait and form the next batch.
   */
  function drain(): void {
    if (writing || queue.length === 0) return;
    writing = true;
    const batch = queue;
    queue = [];
    commit(batch)
      .catch((error: unknown) => {
        for (const item of batch) item.reject(error);
      })
      .finally(() => {
        writing = false;
        drain();
      });
  }

  async function commit(batch: Pending[]): Promise<void> {
    const results: AppendResult[] = [];
    const records: Buffer[] = [];
    const added: StoredEvent[] = [];
    const batchKeys = new Map<string, number>();
    for (const item of batch) {
      const earlier = seqByDedupeKey.get(item.dedupeKey) ?? batchKeys.get(item.dedupeKey);
      if (earlier !== undefined) {
        results.push({ seq: earlier, duplicate: true });
        continue;
      }
      const stored: StoredEvent = { seq: head + added.length + 1, ...item.event };
      batchKeys.set(item.dedupeKey, stored.seq);
      added.push(stored);
      records.push(encodeRecord(stored));
      results.push({ seq: stored.seq, duplicate: false });
    }
    if (records.length > 0) {
      const bytes = Buffer.concat(records);
      try {
        await writeAt(fd, bytes, fileBytes);
      } catch (error) {
        // Disk full or an I/O error: this batch is refused (the relay answers 500 and StackOne
        // retries), and whatever part of it reached the file is cut off, so that the next batch
        // does not land behind a torn record, where recovery would stop and lose it.
        try {
          ftruncateSync(fd, fileBytes);
        } catch {
          // Recovery cuts the torn record off at the next open.
        }
        throw error;
      }
      fileBytes += bytes.length;
    }
    for (const e of added) {
      events.push(e);
      seqByDedupeKey.set(dedupeKeyOf(e.body), e.seq);
    }
    head += added.length;
    prune();
    batch.forEach((item, i) => {
      const result = results[i];
      if (result) item.resolve(result);
    });
  }

  prune();
  return {
    append(event) {
      if (closed) return Promise.reject(new Error('event log is closed'));
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ event, dedupeKey: dedupeKeyOf(event.body), resolve, reject });
        drain();
      });
    },
    readAfter(cursor, limit) {
      const first = firstIndexAfter(events, cursor);
      return events.slice(first, first + limit);
    },
    headSeq: () => head,
    oldestSeq: () => events[0]?.seq ?? null,
    async close() {
      closed = true;
      while (writing || queue.length > 0) await new Promise((r) => setImmediate(r));
      closeSync(fd);
    },
  };
}

export async function writeFullyAt(fd: number, buffer: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    offset += await new Promise<number>((resolve, reject) =>
      write(fd, buffer, offset, buffer.length - offset, position + offset, (error, written) =>
        error ? reject(error) : resolve(written),
      ),
    );
  }
}

function dedupeKeyOf(body: string): string {
  return createHash('sha256').update(body).digest('base64url');
}

function firstIndexAfter(events: StoredEvent[], cursor: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((events[mid]?.seq ?? Infinity) <= cursor) low = mid + 1;
    else high = mid;
  }
  return low;
}

function encodeRecord(event: StoredEvent): Buffer {
  const payload = Buffer.from(JSON.stringify(event), 'utf8');
  const record = Buffer.allocUnsafe(headerBytes + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeUInt32LE(crc32(payload), 4);
  payload.copy(record, headerBytes);
  return record;
}

/** Reads whole records from the start; stops at the first torn or corrupt one. */
export function recover(file: Buffer): {
  events: StoredEvent[];
  validBytes: number;
  totalBytes: number;
} {
  const events: StoredEvent[] = [];
  let offset = 0;
  while (offset + headerBytes <= file.length) {
    const length = file.readUInt32LE(offset);
    const checksum = file.readUInt32LE(offset + 4);
    const end = offset + headerBytes + length;
    if (length > maxRecordBytes || end > file.length) break;
    const payload = file.subarray(offset + headerBytes, end);
    if (crc32(payload) !== checksum) break;
    let event: StoredEvent;
    try {
      event = JSON.parse(payload.toString('utf8')) as StoredEvent;
    } catch {
      break;
    }
    events.push(event);
    offset = end;
  }
  return { events, validBytes: offset, totalBytes: file.length };
}
