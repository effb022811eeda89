import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeKernelMemoryMonitor,
  kdamondShare,
  readKdamondCpu,
  readKernelMemoryMonitor,
} from '../../scripts/bench-relay/kernel-memory-monitor';

const roots: string[] = [];
const started: ChildProcess[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** A process that keeps a core busy, standing in for a kdamond thread; its pid. */
async function busyProcess(): Promise<number> {
  // A shell's loop runs on one thread: a Node process's helper threads (compiling, collecting
  // garbage) ran beside its loop and took it past a whole core.
  const child = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  started.push(child);
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return child.pid as number;
}

/** A DAMON sysfs tree (as Linux 6.x lays it out) in a temporary directory, from path → content. */
function damonTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'damon-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), `${content}\n`);
  }
  return root;
}

/** One kdamond with one context sampling every `sampleUs` and a scheme per action. */
function kdamond(
  index: number,
  state: 'on' | 'off',
  pid: number,
  sampleUs: number,
  actions: string[],
) {
  const dir = `kdamonds/${index}`;
  return {
    [`${dir}/state`]: state,
    [`${dir}/pid`]: String(pid),
    [`${dir}/contexts/nr_contexts`]: '1',
    [`${dir}/contexts/0/operations`]: 'paddr',
    [`${dir}/contexts/0/monitoring_attrs/intervals/sample_us`]: String(sampleUs),
    [`${dir}/contexts/0/schemes/nr_schemes`]: String(actions.length),
    ...Object.fromEntries(
      actions.map((action, scheme) => [`${dir}/contexts/0/schemes/${scheme}/action`, action]),
    ),
  };
}

describe("the relay benchmark's view of the kernel's memory access monitor (DAMON)", () => {
  it('reads a running kdamond with a pageout scheme as the AMD VMs run it', async () => {
    const root = damonTree({
      'kdamonds/nr_kdamonds': '1',
      ...kdamond(0, 'on', 83, 500_000, ['pageout']),
    });
    const monitor = await readKernelMemoryMonitor(root);
    expect(monitor).toEqual({
      threadCount: 1,
      runningPids: [83],
      schemeActions: ['pageout'],
      shortestSampleUs: 500_000,
    });
    expect(describeKernelMemoryMonitor(monitor)).toBe(
      "the kernel's memory access monitor (DAMON): running (1 kdamond thread, sampling every 500 ms; " +
        'what it does to the pages it selects: pageout)',
    );
  });

  it('counts only the running threads, and their actions once each', async () => {
    const root = damonTree({
      'kdamonds/nr_kdamonds': '3',
      ...kdamond(0, 'on', 83, 500_000, ['pageout', 'stat']),
      ...kdamond(1, 'off', 0, 1_000, ['lru_prio']),
      ...kdamond(2, 'on', 91, 100_000, ['stat']),
    });
    const monitor = await readKernelMemoryMonitor(root);
    expect(monitor).toEqual({
      threadCount: 3,
      runningPids: [83, 91],
      schemeActions: ['pageout', 'stat'],
      shortestSampleUs: 100_000,
    });
    expect(describeKernelMemoryMonitor(monitor)).toContain(
      '(2 kdamond threads, sampling every 100 ms; what it does to the pages it selects: pageout, stat)',
    );
  });

  it('says when it is set up but stopped, and when the kernel has none', async () => {
    const stopped = damonTree({
      'kdamonds/nr_kdamonds': '1',
      ...kdamond(0, 'off', 0, 500_000, ['pageout']),
    });
    const monitor = await readKernelMemoryMonitor(stopped);
    expect(monitor?.runningPids).toEqual([]);
    expect(describeKernelMemoryMonitor(monitor)).toBe(
      "the kernel's memory access monitor (DAMON): not running (1 kdamond thread set up)",
    );

    const absent = join(damonTree({ unrelated: '' }), 'admin');
    expect(await readKernelMemoryMonitor(absent)).toBeUndefined();
    expect(describeKernelMemoryMonitor(undefined)).toBe(
      "the kernel's memory access monitor (DAMON): not in this kernel, or not readable here",
    );
  });

  it("gives the running threads' share of a core between two readings, from their /proc times", async () => {
    const pid = await busyProcess();
    const root = damonTree({
      'kdamonds/nr_kdamonds': '2',
      ...kdamond(0, 'on', pid, 500_000, ['pageout']),
      ...kdamond(1, 'off', 0, 500_000, ['stat']),
    });
    // From before the first reading to after the second, so that the time measured holds all
    // the CPU time read.
    const from = performance.now();
    const before = await readKdamondCpu(root);
    await sleep(400);
    const after = await readKdamondCpu(root);
    expect(after.pids).toEqual([pid]);
    // A busy loop runs most of the time even on a loaded machine, and never over a whole core.
    const share = kdamondShare(before, after, performance.now() - from);
    expect(share).toBeGreaterThan(30);
    expect(share).toBeLessThanOrEqual(101);
  });

  it('gives no share where none runs, where another thread ran at the end, or where one has gone', async () => {
    const stopped = damonTree({
      'kdamonds/nr_kdamonds': '1',
      ...kdamond(0, 'off', 0, 500_000, ['pageout']),
    });
    const none = await readKdamondCpu(stopped);
    expect(none).toEqual({ pids: [], times: { runNs: 0, waitNs: 0 } });
    expect(kdamondShare(none, none, 1_000)).toBeUndefined();

    const [first, second] = [await busyProcess(), await busyProcess()];
    const before = await readKdamondCpu(
      damonTree({ 'kdamonds/nr_kdamonds': '1', ...kdamond(0, 'on', first, 500_000, []) }),
    );
    const restarted = await readKdamondCpu(
      damonTree({ 'kdamonds/nr_kdamonds': '1', ...kdamond(0, 'on', second, 500_000, []) }),
    );
    expect(before.times).toBeDefined();
    expect(kdamondShare(before, restarted, 1_000)).toBeUndefined();

    const gone = await readKdamondCpu(
      damonTree({ 'kdamonds/nr_kdamonds': '1', ...kdamond(0, 'on', 2 ** 22 + 1, 500_000, []) }),
    );
    expect(gone.times).toBeUndefined();
    expect(kdamondShare(gone, gone, 1_000)).toBeUndefined();
  });
});
