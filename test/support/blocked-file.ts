import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Puts a folder where a saved file is, so that no write can replace it (whoever runs the tests,
 * root too), as a full or read-only disk would refuse it; and takes it away again.
 */
export function blockFile(file: string): { unblock: () => void } {
  rmSync(file, { force: true });
  mkdirSync(join(file, 'in-the-way'), { recursive: true });
  return { unblock: () => rmSync(file, { recursive: true }) };
}
