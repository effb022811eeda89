import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRollingLogFile, type LogFile } from '../../src/main/log-file';
import { createLogger } from '../../src/main/logger';
import { makeTempDir } from '../support/temp-dir';

let temp: ReturnType<typeof makeTempDir> | null = null;
afterEach(() => temp?.remove());

/** Lets the file's asynchronous writes happen, then ends it. */
async function closed(file: LogFile): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  file.end();
  await once(file, 'close');
}

const messagesIn = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; n?: number });

describe("the main process's log file", () => {
  it('moves on past its size while running and keeps only the newest few, losing no line', async () => {
    temp = makeTempDir('log-file');
    const dir = join(temp.path, 'logs'); // made on first use
    const file = openRollingLogFile({ dir, name: 'main', maxFileMiB: 1, keepFiles: 2 });
    const logger = createLogger({ name: 'main', destination: file });
    const line = 'x'.repeat(1_000);
    // About 3.3 MiB in all, in bursts of 100 KiB with time in between to write them.
    for (let n = 0; n < 3_300; n++) {
      logger.info({ n, line }, 'an event');
      if (n % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await closed(file);

    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const name of ['main.2.log', 'main.1.log']) {
      const size = statSync(join(dir, name)).size;
      expect(size).toBeGreaterThanOrEqual(1024 ** 2);
      expect(size).toBeLessThan(1.2 * 1024 ** 2);
    }
    // Oldest first across the kept files, every line once: the rolls lost nothing.
    const kept = ['main.2.log', 'main.1.log', 'main.log'].flatMap((name) =>
      messagesIn(join(dir, name)).map((message) => message.n),
    );
    const first = kept[0] ?? 0;
    expect(first).toBeGreaterThan(0); // the first file was dropped
    expect(kept).toEqual(Array.from({ length: 3_300 - first }, (_, i) => first + i));
  });

  it('carries on in the same file after a restart, and rolls one already over its size first', async () => {
    temp = makeTempDir('log-file');
    const first = openRollingLogFile({ dir: temp.path, name: 'main' });
    createLogger({ name: 'main', destination: first }).info('before the restart');
    await closed(first);
    const second = openRollingLogFile({ dir: temp.path, name: 'main' });
    createLogger({ name: 'main', destination: second }).info('after the restart');
    await closed(second);
    expect(readdirSync(temp.path)).toEqual(['main.log']);
    expect(messagesIn(join(temp.path, 'main.log')).map((m) => m.msg)).toEqual([
      'before the restart',
      'after the restart',
    ]);

    writeFileSync(join(temp.path, 'main.log'), 'y'.repeat(10 * 1024 ** 2));
    const third = openRollingLogFile({ dir: temp.path, name: 'main' });
    createLogger({ name: 'main', destination: third }).info('a fresh file');
    await closed(third);
    expect(readdirSync(temp.path).sort()).toEqual(['main.1.log', 'main.log']);
    expect(messagesIn(join(temp.path, 'main.log')).map((m) => m.msg)).toEqual(['a fresh file']);
  });

  it('goes on in the file it has when it cannot roll it', async () => {
    temp = makeTempDir('log-file');
    // Where the oldest kept file would go, a directory no file can be renamed over.
    writeFileSync(join(temp.path, 'main.3.log'), '');
    mkdirSync(join(temp.path, 'main.4.log', 'in-the-way'), { recursive: true });
    writeFileSync(
      join(temp.path, 'main.log'),
      `${JSON.stringify({ msg: 'old' })}\n`.repeat(20_000),
    );
    const file = openRollingLogFile({ dir: temp.path, name: 'main', maxFileMiB: 0.1 });
    const logger = createLogger({ name: 'main', destination: file });
    for (let n = 0; n < 300; n++) {
      logger.info({ n, line: 'x'.repeat(1_000) }, 'still logged');
      if (n % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await closed(file);
    const messages = messagesIn(join(temp.path, 'main.log')).map((m) => m.msg);
    expect(messages.filter((msg) => msg === 'still logged')).toHaveLength(300);
  });

  it('does not throw when the file cannot be written', async () => {
    temp = makeTempDir('log-file');
    const file = openRollingLogFile({ dir: temp.path, name: 'main' });
    await once(file, 'ready');
    // What a full disk makes the file report; without a listener, emitting it throws.
    expect(() =>
      file.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' })),
    ).not.toThrow();
    await closed(file);
  });
});
