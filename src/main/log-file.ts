import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';

export type LogFile = ReturnType<typeof pino.destination>;

/**
 * The main process's log, `<dir>/<name>.log`. Once it reaches `maxFileMiB` (at start or while
 * running) it becomes `<name>.1.log`, the earlier ones move up by one and the oldest beyond
 * `keepFiles` goes, so months of use take a bounded space. Written here rather than with
 * pino-roll: that one loads all of date-fns (about 80 ms at every start, 28 MB in the installer)
 * for names this rotation does not need.
 */
export function openRollingLogFile(options: {
  dir: string;
  name: string;
  maxFileMiB?: number;
  keepFiles?: number;
}): LogFile {
  const { dir, name } = options;
  const maxBytes = (options.maxFileMiB ?? 10) * 1024 ** 2;
  const keepFiles = options.keepFiles ?? 4;
  const fileNumbered = (n: number) => join(dir, n === 0 ? `${name}.log` : `${name}.${n}.log`);
  const current = fileNumbered(0);
  /**
   * Moves every file up by one (renaming over the oldest kept); the current one becomes `.1`.
   * False where a rename failed (a file held by another program on Windows, a permission): the
   * log then goes on in the file it has rather than stopping the app.
   */
  const shift = (): boolean => {
    try {
      for (let n = keepFiles - 1; n >= 0; n--) {
        if (existsSync(fileNumbered(n))) renameSync(fileNumbered(n), fileNumbered(n + 1));
      }
      return true;
    } catch {
      return false;
    }
  };

  mkdirSync(dir, { recursive: true });
  let size = existsSync(current) ? statSync(current).size : 0;
  if (size >= maxBytes && shift()) size = 0;
  const file = pino.destination({ dest: current, sync: false });
  // A log that cannot be written (a full disk) must not take the app down with it: those lines
  // are lost, the app goes on.
  file.on('error', () => undefined);
  file.on('write', (bytes: number) => {
    size += bytes;
    if (size < maxBytes) return;
    size = 0;
    // Lines still being written land in the renamed file; the next ones in a new current file.
    if (shift()) file.reopen();
  });
  return file;
}
