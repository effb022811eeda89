import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { relayLogIdPattern } from '../shared/relay-protocol';
import { replaceFileDurably } from './durable-files';

export const logIdFileName = 'log-id';

/**
 * The data directory's log id, made (and stored durably) the first time a relay opens it. A
 * client keeps it beside its cursor: a different one says the cursor is a seq of another log (a
 * data directory lost, or its `log-id` deleted after a restore from a backup), so that the client
 * starts over rather than pass over new events numbered under seqs it has seen. A file that does
 * not hold an id (damaged) is replaced: clients then start over, which loses nothing.
 */
export function readOrMakeLogId(dataDir: string): string {
  const path = join(dataDir, logIdFileName);
  try {
    const stored = readFileSync(path, 'utf8').trim();
    if (relayLogIdPattern.test(stored)) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const logId = randomUUID();
  replaceFileDurably(path, Buffer.from(`${logId}\n`));
  return logId;
}
