import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The event log's segment files in `dataDir`, oldest first. */
export const segmentFiles = (dataDir: string): string[] =>
  readdirSync(dataDir)
    .filter((name) => /^events-\d+\.log$/.test(name))
    .sort();

/** The bytes of all segment files in `dataDir`. */
export const bytesOnDisk = (dataDir: string): number =>
  segmentFiles(dataDir).reduce((sum, name) => sum + statSync(join(dataDir, name)).size, 0);

/** Flips every bit of the byte in the middle of a file, as damage to the disk would; returns the new bytes. */
export function damageMiddleOf(path: string): Buffer {
  const bytes = readFileSync(path);
  const middle = Math.floor(bytes.length / 2);
  bytes.writeUInt8((bytes.readUInt8(middle) ^ 0xff) & 0xff, middle);
  writeFileSync(path, bytes);
  return bytes;
}

/** The whole numbers from `from` to `to`, both included. */
export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
