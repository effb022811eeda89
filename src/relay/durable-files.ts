import { closeSync, constants, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes all of `buffer` at `position` (a write may take only part of it). */
export function writeFully(fd: number, buffer: Buffer, position: number): void {
  for (let written = 0; written < buffer.length;)
    written += writeSync(fd, buffer, written, buffer.length - written, position + written);
}

/** Writes a file and its place in its directory to disk before returning. */
export function writeFileDurably(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'w');
  try {
    writeFully(fd, bytes, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dirname(path));
}

/** As `writeFileDurably`, but a crash leaves the file as it was or as written, never torn. */
export function replaceFileDurably(path: string, bytes: Buffer): void {
  const temporary = `${path}.tmp`;
  writeFileDurably(temporary, bytes);
  renameSync(temporary, path);
  syncDirectory(dirname(path));
}

/** Makes the directory's entries (files created, renamed or deleted in it) durable. */
export function syncDirectory(path: string): void {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
