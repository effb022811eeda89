import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/relay/data-dir-lock';
import { eventually } from '../support/eventually';
import { makeTempDir } from '../support/temp-dir';

const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const lockModule = join(import.meta.dirname, '../../src/relay/data-dir-lock.ts');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Another process that takes `dataDir`'s lock and runs on; the lock's text once it is written. */
async function holderOf(dataDir: string): Promise<{ child: ChildProcess; lock: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      tsxLoader,
      '-e',
      `import(${JSON.stringify(lockModule)}).then((m) => { m.lockDataDir(${JSON.stringify(dataDir)}); setInterval(() => {}, 1000); });`,
    ],
    { stdio: 'ignore' },
  );
  cleanups.push(() => child.kill('SIGKILL'));
  const path = join(dataDir, 'relay.lock');
  let lock = '';
  await eventually(() => {
    lock = readFileSync(path, 'utf8');
    expect(lock.split('\n')[0]).toBe(String(child.pid));
  }, 10_000);
  return { child, lock };
}

describe("a data directory's lock", () => {
  it('is refused while the relay that holds it runs, and taken over where only its boot or only its start differs', async () => {
    const temp = makeTempDir('data-dir-lock');
    cleanups.push(() => temp.remove());
    const { child, lock } = await holderOf(temp.path);
    const [pid, bootId, startTime] = lock.split('\n');
    const path = join(temp.path, 'relay.lock');
    const refusal = `${temp.path} is in use by another relay (process ${child.pid}).`;
    expect(() => lockDataDir(temp.path)).toThrow(refusal);

    // The same pid in another boot: the machine restarted and gave it to this process.
    writeFileSync(path, `${pid}\n3a9c4d2e-0000-4000-8000-000000000000\n${startTime}\n`);
    lockDataDir(temp.path)();
    // The same pid and boot, started at another time: the pid was given out again.
    writeFileSync(path, `${pid}\n${bootId}\n${Number(startTime) + 1}\n`);
    lockDataDir(temp.path)();
    // Written as it was, it is the running holder's again.
    writeFileSync(path, lock);
    expect(() => lockDataDir(temp.path)).toThrow(refusal);
  });
});
