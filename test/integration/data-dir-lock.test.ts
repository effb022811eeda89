import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, lockLapseMs } from '../../src/relay/data-dir-lock';
import { eventually } from '../support/eventually';
import { makeTempDir } from '../support/temp-dir';

const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const lockModule = join(import.meta.dirname, '../../src/relay/data-dir-lock.ts');
/** A boot id of no boot of this machine. */
const otherBoot = '3a9c4d2e-0000-4000-8000-000000000000';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/**
 * Another process that takes `dataDir`'s lock, renewing it every `renewEveryMs`, and runs on
 * (under `wrapper`, a command that runs it, where given); the lock's text once it is written.
 */
async function holderOf(
  dataDir: string,
  options: { renewEveryMs?: number; wrapper?: string[] } = {},
): Promise<{ child: ChildProcess; lock: string }> {
  const lockOptions = JSON.stringify({ renewEveryMs: options.renewEveryMs ?? 10_000 });
  const node = [
    process.execPath,
    '--import',
    tsxLoader,
    '-e',
    `import(${JSON.stringify(lockModule)}).then((m) => { m.lockDataDir(${JSON.stringify(dataDir)}, ${lockOptions}); setInterval(() => {}, 1000); });`,
  ];
  const [command = '', ...args] = [...(options.wrapper ?? []), ...node];
  const child = spawn(command, args, { stdio: 'ignore' });
  cleanups.push(() => child.kill('SIGKILL'));
  const path = join(dataDir, 'relay.lock');
  let lock = '';
  await eventually(() => {
    lock = readFileSync(path, 'utf8');
    expect(lock).toMatch(/^\d+\n/);
  }, 10_000);
  return { child, lock };
}

/** Sets the lock's file's time back, as if its holder last renewed it `msAgo` ago. */
function renewedAgo(path: string, msAgo: number): void {
  const then = new Date(Date.now() - msAgo);
  utimesSync(path, then, then);
}

/** This process's lock of a new directory, renewed every `renewEveryMs`, and the losses told. */
function lockRenewedEvery(renewEveryMs: number) {
  const temp = makeTempDir('data-dir-lock');
  cleanups.push(() => temp.remove());
  const lost: string[] = [];
  const lock = lockDataDir(temp.path, { renewEveryMs, onLost: () => lost.push('lost') });
  cleanups.push(lock.release);
  return { path: join(temp.path, 'relay.lock'), lost, lock };
}

/** A pid no process has now: that of one that has exited. */
function pidOfAnExitedProcess(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

const canUnsharePid =
  spawnSync('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', 'true']).status === 0;
if (!canUnsharePid)
  console.log(
    "data directory lock from another pid namespace, with a real one: skipped, as `unshare --pid` cannot run here (it needs root and util-linux); the lock's fields are tested without it",
  );

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
      (dir: string) => writeFileSync(join(dir, 'relay.lock'), `${pidOfAnExitedProcess()}\n`),
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

  it('is refused while the relay that holds it runs, and taken over where it ran before the machine restarted, or its pid was given out again', async () => {
    const temp = makeTempDir('data-dir-lock');
    cleanups.push(() => temp.remove());
    const { child, lock } = await holderOf(temp.path);
    const [pid, bootId, startTime, pidNamespace, machineId] = lock.split('\n');
    expect(pid).toBe(String(child.pid));
    expect(pidNamespace).toBe(readlinkSync('/proc/self/ns/pid'));
    const path = join(temp.path, 'relay.lock');
    const refusal = `${temp.path} is in use by another relay (process ${child.pid}).`;
    expect(() => lockDataDir(temp.path)).toThrow(refusal);

    // The same pid in another boot of this machine: it restarted and gave the pid to this process.
    // A machine with no id (some containers) cannot tell that from another machine: see below.
    writeFileSync(path, `${pid}\n${otherBoot}\n${startTime}\n${pidNamespace}\n${machineId}\n`);
    if (machineId) lockDataDir(temp.path).release();
    else expect(() => lockDataDir(temp.path)).toThrow('in another container or on another machine');
    // The same pid and boot, started at another time: the pid was given out again.
    writeFileSync(
      path,
      `${pid}\n${bootId}\n${Number(startTime) + 1}\n${pidNamespace}\n${machineId}\n`,
    );
    lockDataDir(temp.path).release();
    // Written by an earlier version (three lines), before the machine restarted, and not renewed.
    writeFileSync(path, `${pid}\n${otherBoot}\n${startTime}\n`);
    renewedAgo(path, lockLapseMs + 1_000);
    lockDataDir(temp.path).release();
    // Written as it was, it is the running holder's again.
    writeFileSync(path, lock);
    expect(() => lockDataDir(temp.path)).toThrow(refusal);
  });

  it.each([
    ['in another container on this machine (another pid namespace)', 'namespace'],
    ['on another machine sharing the directory (another machine and boot)', 'machine'],
  ])(
    'held by a relay %s, is refused while renewed and taken over once not renewed for the lapse',
    async (_, where) => {
      const temp = makeTempDir('data-dir-lock');
      cleanups.push(() => temp.remove());
      // This process's own lock, as a start: its pid and start are the other relay's too (as
      // every container's relay may be pid 1).
      const path = join(temp.path, 'relay.lock');
      lockDataDir(temp.path, { renewEveryMs: 60_000 });
      const [pid, bootId, startTime, pidNamespace, machineId] = readFileSync(path, 'utf8').split(
        '\n',
      );
      const elsewhere =
        where === 'namespace'
          ? `${pid}\n${bootId}\n${startTime}\npid:[4026530000]\n${machineId}\n`
          : `${pid}\n${otherBoot}\n${startTime}\n${pidNamespace}\nanother-machine-id\n`;
      writeFileSync(path, elsewhere);
      renewedAgo(path, lockLapseMs - 5_000);
      expect(() => lockDataDir(temp.path)).toThrow(
        `${temp.path} is in use by a relay in another container or on another machine (process ${pid} there, which renewed its lock 25 s ago).`,
      );
      expect(readFileSync(path, 'utf8')).toBe(elsewhere);
      renewedAgo(path, lockLapseMs + 1_000);
      lockDataDir(temp.path).release();
    },
  );

  it('is taken over from a dead relay though a process died removing another stale lock', () => {
    const temp = makeTempDir('data-dir-lock');
    cleanups.push(() => temp.remove());
    const path = join(temp.path, 'relay.lock');
    writeFileSync(path, `${pidOfAnExitedProcess()}\n`);
    // Its guard over the removal, left behind: waited out only until it is seen to be stale.
    writeFileSync(`${path}.takeover`, `${pidOfAnExitedProcess()}\n`);
    renewedAgo(`${path}.takeover`, 4_800);
    lockDataDir(temp.path).release();
    expect(readdirSync(temp.path)).toEqual([]);
  });

  it('tells its holder, once, when a renewal finds it is no longer its own: taken over, or deleted', async () => {
    const temp = makeTempDir('data-dir-lock');
    cleanups.push(() => temp.remove());
    for (const [name, takeAway] of [
      ['taken over', (path: string) => writeFileSync(path, `${pidOfAnExitedProcess()}\n`)],
      ['deleted', (path: string) => unlinkSync(path)],
    ] as const) {
      const dir = join(temp.path, name);
      mkdirSync(dir);
      const lost: string[] = [];
      const { release } = lockDataDir(dir, { renewEveryMs: 50, onLost: () => lost.push(name) });
      cleanups.push(release);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(lost).toEqual([]);
      takeAway(join(dir, 'relay.lock'));
      await eventually(() => expect(lost).toEqual([name]));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(lost).toEqual([name]);
    }
  });

  it('looks again before a write once a renewal is overdue: renewed if still its own, else lost', () => {
    const { path, lost, lock } = lockRenewedEvery(100);
    const holdUp = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);

    // Held up past a renewal (its timer could not run), still its own: renewed there and then.
    renewedAgo(path, 20_000);
    holdUp();
    expect(lock.stillHeld()).toBe(true);
    expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(5_000);

    // Held up again, and taken over meanwhile by a relay elsewhere: lost, told once, and left.
    const theirs = `${pidOfAnExitedProcess()}\n${otherBoot}\n1\n\nanother-machine-id\n`;
    holdUp();
    writeFileSync(path, theirs);
    expect(lock.stillHeld()).toBe(false);
    expect(lock.stillHeld()).toBe(false);
    expect(lost).toEqual(['lost']);
    expect(readFileSync(path, 'utf8')).toBe(theirs);
  });

  it('is not taken for lost where it cannot be read: nothing is written until it can be, as its own', async () => {
    const { path, lost, lock } = lockRenewedEvery(50);
    const mine = readFileSync(path, 'utf8');

    // The file's name taken by a directory: statted, and not read (EISDIR), as on a failing disk.
    unlinkSync(path);
    mkdirSync(path);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(() => lock.stillHeld()).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(lost).toEqual([]);

    // Readable again, its own: renewed and held, the holder never told of a loss.
    rmdirSync(path);
    writeFileSync(path, mine);
    renewedAgo(path, 20_000);
    expect(lock.stillHeld()).toBe(true);
    expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(5_000);
    expect(lost).toEqual([]);
  });

  it('is renewed while held, and released only while it is its holder’s', async () => {
    const temp = makeTempDir('data-dir-lock');
    cleanups.push(() => temp.remove());
    const path = join(temp.path, 'relay.lock');
    await holderOf(temp.path, { renewEveryMs: 100 });
    renewedAgo(path, 60_000);
    await eventually(() => expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(5_000));

    const other = join(temp.path, 'other');
    mkdirSync(other);
    const { release } = lockDataDir(other);
    // Taken over meanwhile by a relay elsewhere (this one frozen past the lapse): left to it.
    const theirs = `${pidOfAnExitedProcess()}\n${otherBoot}\n1\n\nanother-machine-id\n`;
    writeFileSync(join(other, 'relay.lock'), theirs);
    release();
    expect(readFileSync(join(other, 'relay.lock'), 'utf8')).toBe(theirs);
  });

  it.runIf(canUnsharePid)(
    'held by a relay in a pid namespace of its own (as in a container), is refused here while renewed',
    async () => {
      const temp = makeTempDir('data-dir-lock');
      cleanups.push(() => temp.remove());
      const { lock } = await holderOf(temp.path, {
        wrapper: ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc'],
      });
      const [pid, , , pidNamespace] = lock.split('\n');
      // pid 1 in its namespace, as a container's relay often is.
      expect(pid).toBe('1');
      expect(pidNamespace).not.toBe(readlinkSync('/proc/self/ns/pid'));
      expect(() => lockDataDir(temp.path)).toThrow(
        `${temp.path} is in use by a relay in another container or on another machine (process 1 there`,
      );
    },
  );
});
