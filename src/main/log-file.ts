import { join } from 'node:path';
import pinoRoll from 'pino-roll';
import type SonicBoom from 'sonic-boom';

/**
 * The main process's log, `<dir>/<name>.<n>.log`: a new numbered file once the current one
 * reaches `maxFileMiB`, keeping `keepFiles` earlier ones, so months of use take a bounded space.
 */
export function openRollingLogFile(options: {
  dir: string;
  name: string;
  maxFileMiB?: number;
  keepFiles?: number;
}): Promise<SonicBoom> {
  return pinoRoll({
    file: join(options.dir, options.name),
    extension: '.log',
    size: `${options.maxFileMiB ?? 10}m`,
    limit: { count: options.keepFiles ?? 4 },
    mkdir: true,
  });
}
