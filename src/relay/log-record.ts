import { crc32 } from 'node:zlib';
import type { StoredEvent } from './event-log';

/** u32 payload length, u32 CRC-32 of the payload, then the event as UTF-8 JSON. */
export const recordHeaderBytes = 8;
const maxRecordBytes = 16 * 1024 * 1024;

export function encodeRecord(event: StoredEvent): Buffer {
  const payload = Buffer.from(JSON.stringify(event), 'utf8');
  const record = Buffer.allocUnsafe(recordHeaderBytes + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeUInt32LE(crc32(payload), 4);
  payload.copy(record, recordHeaderBytes);
  return record;
}

export interface ScannedRecord {
  event: StoredEvent;
  /** Where the record starts in the scanned bytes, and its whole length with the header. */
  offset: number;
  bytes: number;
}

/**
 * Reads whole records from the start of `data`; stops at the first torn or corrupt one (a write
 * cut short by a crash, or damage), whose offset is `validBytes`.
 */
export function scanRecords(data: Buffer): { records: ScannedRecord[]; validBytes: number } {
  const records: ScannedRecord[] = [];
  let offset = 0;
  while (offset + recordHeaderBytes <= data.length) {
    const length = data.readUInt32LE(offset);
    const checksum = data.readUInt32LE(offset + 4);
    const end = offset + recordHeaderBytes + length;
    if (length > maxRecordBytes || end > data.length) break;
    const payload = data.subarray(offset + recordHeaderBytes, end);
    if (crc32(payload) !== checksum) break;
    let event: StoredEvent;
    try {
      event = JSON.parse(payload.toString('utf8')) as StoredEvent;
    } catch {
      break;
    }
    if (!Number.isSafeInteger(event.seq) || typeof event.body !== 'string') break;
    records.push({ event, offset, bytes: end - offset });
    offset = end;
  }
  return { records, validBytes: offset };
}
