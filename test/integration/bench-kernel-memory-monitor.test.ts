import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeKernelMemoryMonitor,
  readKernelMemoryMonitor,
} from '../../scripts/bench-relay/kernel-memory-monitor';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

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
});
