import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Starts `count` processes that, in each of `rounds` rounds, try at the same moment to take the
 * lock of that round's directory (made by `prepare`), and hold what they take until all have
 * tried. Resolves to each round's outcomes: 'held', or the error each other process got.
 */
async function raceForLocks(count: number, rounds: number, prepare: (dir: string) => void) {
  const temp = makeTempDir('data-dir-lock-race');
  cleanups.push(() => temp.remove());
  const dirs = Array.from({ length: rounds }, (_, round) => {
    const dir = join(temp.path, `round-${round}`);
    mkdirSync(dir);
    prepare(dir);
    return dir;
  });
  const script = `
    const { lockDataDir } = await import(${JSON.stringify(lockModule)});
    const dirs = ${JSON.stringify(dirs)};
    process.stdout.write('ready\\n');
    const startAt = Number((await new Promise((resolve) => process.stdin.once('data', resolve))).toString());
    const outcomes = dirs.map((dir, round) => {
      while (Date.now() < startAt + round * 20);
      try {
        lockDataDir(dir);
        return 'held';
      } catch (error) {
        return error.message;
      }
    });
    process.stdout.write(JSON.stringify(outcomes) + '\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
  `;
  const children = Array.from({ length: count }, () => {
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, '--input-type=module', '-e', script],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    cleanups.push(() => child.kill('SIGKILL'));
    const lines: string[] = [];
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
    });
    return { child, lines };
  });
  await eventually(
    () => expect(children.every(({ lines }) => lines.length === 1)).toBe(true),
    30_000,
  );
  const startAt = Date.now() + 200;
  for (const { child } of children) child.stdin?.write(String(startAt));
  await eventually(
    () => expect(children.every(({ lines }) => lines.length === 2)).toBe(true),
    30_000,
  );
  for (const { child } of children) child.stdin?.end('done');
  const outcomes = children.map(({ lines }) => JSON.parse(lines[1] ?? '[]') as string[]);
  return dirs.map((_, round) => outcomes.map((of) => of[round]));
}

describe("a data directory's lock", () => {
  it.each([
    ['a directory with no lock', () => undefined],
    [
      'a directory whose lock a relay that died left',
      (dir: string) =>
        writeFileSync(
          join(dir, 'relay.lock'),
          `${process.pid}\n3a9c4d2e-0000-4000-8000-000000000000\n1\n`,
        ),
    ],
  ])(
    'goes to one of several relays started at the same moment on %s',
    async (_, prepare) => {
      const rounds = await raceForLocks(4, 40, prepare);
      for (const outcomes of rounds) {
        expect(outcomes.filter((outcome) => outcome === 'held')).toHaveLength(1);
        for (const outcome of outcomes.filter((outcome) => outcome !== 'held'))
          expect(outcome).toMatch(/is in use by another relay \(process \d+\)/);
      }
    },
    60_000,
  );

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
