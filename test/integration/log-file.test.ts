import { readdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRollingLogFile } from '../../src/main/log-file';
import { createLogger } from '../../src/main/logger';
import { eventually } from '../support/eventually';
import { makeTempDir } from '../support/temp-dir';

let temp: ReturnType<typeof makeTempDir> | null = null;
afterEach(() => temp?.remove());

type LogFile = Awaited<ReturnType<typeof openRollingLogFile>>;

/** Lets the file's asynchronous writes happen, then ends it. */
async function closed(stream: LogFile): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  stream.end();
  await once(stream, 'close');
}

const numbered = (dir: string) =>
  readdirSync(dir).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));

describe("the main process's log file", () => {
  it('moves on to a new file past its size and keeps only the newest few', async () => {
    temp = makeTempDir('log-file');
    const dir = join(temp.path, 'logs'); // made on first use
    const stream = await openRollingLogFile({ dir, name: 'main', maxFileMiB: 1, keepFiles: 2 });
    const logger = createLogger({ name: 'main', destination: stream });
    const line = 'x'.repeat(1_000);
    // About 5 MiB in all, in bursts of 100 KiB with time in between to write them, as an app
    // logs. (A file moves on once the writes pending when it passed its size are done.)
    for (let n = 0; n < 5_000; n++) {
      logger.info({ n, line }, 'an event');
      if (n % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await closed(stream);

    // The current file and two before it; older ones are removed in the background.
    await eventually(() => expect(numbered(dir)).toHaveLength(3));
    const files = numbered(dir);
    expect(files[0]).not.toBe('main.1.log');
    for (const file of files) {
      expect(file).toMatch(/^main\.\d+\.log$/);
      expect(statSync(join(dir, file)).size).toBeLessThan(1.2 * 1024 ** 2);
    }
    const newest = readFileSync(join(dir, files.at(-1) ?? ''), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(newest.at(-1) ?? '{}')).toMatchObject({ n: 4_999, msg: 'an event' });
  });

  it('carries on in the newest file after a restart', async () => {
    temp = makeTempDir('log-file');
    const first = await openRollingLogFile({ dir: temp.path, name: 'main' });
    createLogger({ name: 'main', destination: first }).info('before the restart');
    await closed(first);
    const second = await openRollingLogFile({ dir: temp.path, name: 'main' });
    createLogger({ name: 'main', destination: second }).info('after the restart');
    await closed(second);

    expect(readdirSync(temp.path)).toEqual(['main.1.log']);
    const messages = readFileSync(join(temp.path, 'main.1.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(['before the restart', 'after the restart']);
  });
});
