import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { findCpuHierarchy, limitCpu } from '../../scripts/bench-relay/cpu-limit';
import { cpuSharesOver } from '../support/cpu-shares';

const repoRoot = join(import.meta.dirname, '../..');

/** Where this machine's cpu controller is, if this process may create groups there. */
function writableCpuHierarchy(): string | undefined {
  const hierarchy = findCpuHierarchy()?.root;
  try {
    if (hierarchy) accessSync(hierarchy, constants.W_OK);
    return hierarchy;
  } catch {
    return undefined;
  }
}
const hierarchy = writableCpuHierarchy();
if (!hierarchy)
  console.log(
    'bench CPU limit with real cgroups: skipped, as this process may not create cgroups with the cpu controller here (it needs root)',
  );

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

describe.skipIf(!hierarchy)('the benchmark CPU limit, with real cgroups', () => {
  it('holds a spinning process to its share of a core, and lets it go on release', async () => {
    const spinner = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    started.push(spinner);
    await new Promise((resolve, reject) => spinner.once('spawn', resolve).once('error', reject));
    const pid = spinner.pid as number;
    const group = join(hierarchy as string, `relay-bench-${pid}`);

    const limit = limitCpu(0.25, { pid });
    let released = false;
    try {
      expect(existsSync(group)).toBe(true);
      // A quarter of a core, give or take the scheduler's accounting over one second.
      const [limited] = await cpuSharesOver([pid], 1000);
      expect(limited?.busy).toBeGreaterThan(15);
      expect(limited?.busy).toBeLessThan(35);

      limit.release();
      released = true;
      expect(existsSync(group)).toBe(false);
      // Free again: far more than the quarter it had (the other tests may be busy too).
      const [free] = await cpuSharesOver([pid], 1000);
      expect(free?.busy).toBeGreaterThan(50);
    } finally {
      if (!released) limit.release();
    }
  });
});

describe.skipIf(!hierarchy)('the relay benchmark with --cpu-limit, with real cgroups', () => {
  it('runs the relay and the load generator in the group it names, and leaves no group behind', async () => {
    execFileSync('npm', ['run', '--silent', 'build:relay'], { cwd: repoRoot, stdio: 'ignore' });
    const child = spawn(
      process.execPath,
      [
        '--import',
        createRequire(import.meta.url).resolve('tsx'),
        join(repoRoot, 'scripts/bench-relay.ts'),
        ...['--cpu-limit', '1.5', '--clients', '2', '--rate', '20', '--seconds', '1'],
        ...['--warmup', '0'],
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const closed = new Promise((resolve) => child.once('close', resolve));
    // While it runs: the cgroup of each process it started (the relay, the clients, the probe),
    // and its own (the poster's).
    const groupsOfChildren = new Map<string, string>();
    let ownGroups = '';
    while (child.exitCode === null && groupsOfChildren.size < 3) {
      try {
        ownGroups = readFileSync(`/proc/${child.pid}/cgroup`, 'utf8');
        const pids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8');
        for (const pid of pids.split(' ').filter(Boolean))
          groupsOfChildren.set(pid, readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
      } catch {
        // Not started yet, or gone.
      }
      await sleep(50);
    }
    const code = await closed;

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^CPU limit: 1\.5 of a core for every process together \(cgroup v[12] cpu quota 3000 µs every 2000 µs\)$/m,
    );
    expect(stdout).toMatch(/deliveries: (\d+) of \1 expected/);
    expect(stdout).toMatch(/; all [\d.]+ of the machine's \d+ \(of the limit's 150\); steal /);
    expect(groupsOfChildren.size).toBe(3);
    for (const groups of [ownGroups, ...groupsOfChildren.values()])
      expect(groups).toMatch(new RegExp(`:/relay-bench-${child.pid}$`, 'm'));
    expect(existsSync(join(hierarchy as string, `relay-bench-${child.pid}`))).toBe(false);
  }, 60_000);
});
