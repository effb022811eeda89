/**
 * Whether the kernel's DAMON (its data access monitor) is running on this machine, and what it
 * does. Its kdamond thread samples which pages are used, and, by a scheme, pages out or otherwise
 * handles those left idle. On the AMD (PVM) VM of 2026-12-05 it ran with a pageout scheme, taking a
 * core for up to 12 ms at a time on a kernel that does not preempt its own threads, and with it
 * running the relay's p99 rose round by round where without it it held
 * (docs/relay-benchmark-log.md, "2026-12-05, night"). Printed with the machine's line, and its CPU
 * with each round's, it says which kind of machine a run's figures came from.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readProcessCpu, shareOfACore, type CpuTimes } from './process-cpu';

/** Where the kernel lets DAMON be seen and set (Linux 5.18 and later). */
export const DAMON_SYSFS = '/sys/kernel/mm/damon/admin';

export interface KernelMemoryMonitor {
  /** The kdamond threads configured, running or not. */
  threadCount: number;
  /** The running ones' pids. */
  runningPids: number[];
  /** What the running ones' schemes do to the pages they select (pageout, stat, ...), each once. */
  schemeActions: string[];
  /** The running ones' shortest sampling interval, µs. */
  shortestSampleUs: number | undefined;
}

const readTrimmed = (path: string) => readFile(path, 'utf8').then((text) => text.trim());
const numberedEntries = async (dir: string) =>
  (await readdir(dir).catch(() => [])).filter((name) => /^\d+$/.test(name));

/**
 * The kdamond threads set up under `root` and the running ones (their sysfs directories and
 * pids); undefined where the kernel has no DAMON (or it cannot be read).
 */
async function readKdamondThreads(
  root: string,
): Promise<{ count: number; running: { dir: string; pid: number | undefined }[] } | undefined> {
  const kdamondsDir = join(root, 'kdamonds');
  let threads: string[];
  try {
    await readFile(join(kdamondsDir, 'nr_kdamonds'), 'utf8');
    threads = await numberedEntries(kdamondsDir);
  } catch {
    return undefined;
  }
  const running: { dir: string; pid: number | undefined }[] = [];
  for (const thread of threads) {
    const dir = join(kdamondsDir, thread);
    if ((await readTrimmed(join(dir, 'state')).catch(() => 'off')) !== 'on') continue;
    const pid = Number(await readTrimmed(join(dir, 'pid')).catch(() => ''));
    running.push({ dir, pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined });
  }
  return { count: threads.length, running };
}

const pidsOf = (running: { pid: number | undefined }[]) =>
  running.flatMap(({ pid }) => (pid === undefined ? [] : [pid]));

/** DAMON's state under `root`; undefined where the kernel has none (or it cannot be read). */
export async function readKernelMemoryMonitor(
  root = DAMON_SYSFS,
): Promise<KernelMemoryMonitor | undefined> {
  const threads = await readKdamondThreads(root);
  if (threads === undefined) return undefined;
  const schemeActions = new Set<string>();
  let shortestSampleUs: number | undefined;
  for (const { dir: threadDir } of threads.running) {
    for (const context of await numberedEntries(join(threadDir, 'contexts'))) {
      const contextDir = join(threadDir, 'contexts', context);
      const sampleUs = Number(
        await readTrimmed(join(contextDir, 'monitoring_attrs/intervals/sample_us')).catch(() => ''),
      );
      if (Number.isSafeInteger(sampleUs) && sampleUs > 0)
        shortestSampleUs = Math.min(shortestSampleUs ?? sampleUs, sampleUs);
      for (const scheme of await numberedEntries(join(contextDir, 'schemes'))) {
        const action = await readTrimmed(join(contextDir, 'schemes', scheme, 'action')).catch(
          () => '',
        );
        if (/^[\w-]+$/.test(action)) schemeActions.add(action);
      }
    }
  }
  return {
    threadCount: threads.count,
    runningPids: pidsOf(threads.running),
    schemeActions: [...schemeActions].sort(),
    shortestSampleUs,
  };
}

/** The running kdamond threads and their CPU times summed; no times where one could not be read. */
export interface KdamondCpu {
  pids: number[];
  times: CpuTimes | undefined;
}

/** Read twice a round: the running threads' pids only, not their contexts and schemes. */
export async function readKdamondCpu(root = DAMON_SYSFS): Promise<KdamondCpu> {
  const pids = pidsOf((await readKdamondThreads(root))?.running ?? []);
  const readings = await Promise.all(pids.map((pid) => readProcessCpu(pid)));
  const times = readings.filter((reading): reading is CpuTimes => reading !== undefined);
  if (times.length < readings.length) return { pids, times: undefined };
  return {
    pids,
    times: times.reduce<CpuTimes>(
      (sum, reading) => ({
        runNs: sum.runNs + reading.runNs,
        waitNs: sum.waitNs + reading.waitNs,
      }),
      { runNs: 0, waitNs: 0 },
    ),
  };
}

/** The kdamond threads' % of a core between two readings; undefined unless the same ones ran at both. */
export function kdamondShare(
  before: KdamondCpu,
  after: KdamondCpu,
  elapsedMs: number,
): number | undefined {
  if (before.pids.length === 0 || before.pids.join() !== after.pids.join()) return undefined;
  if (!before.times || !after.times) return undefined;
  return shareOfACore(before.times, after.times, elapsedMs).busy;
}

/** One line for the benchmark's head. */
export function describeKernelMemoryMonitor(monitor: KernelMemoryMonitor | undefined): string {
  const name = "the kernel's memory access monitor (DAMON)";
  const threads = (count: number) => `${count} kdamond thread${count === 1 ? '' : 's'}`;
  if (!monitor) return `${name}: not in this kernel, or not readable here`;
  if (monitor.runningPids.length === 0)
    return `${name}: not running (${threads(monitor.threadCount)} set up)`;
  const sampling =
    monitor.shortestSampleUs === undefined
      ? ''
      : `, sampling every ${monitor.shortestSampleUs / 1000} ms`;
  const actions =
    monitor.schemeActions.length > 0
      ? `; what it does to the pages it selects: ${monitor.schemeActions.join(', ')}`
      : '; no schemes';
  return `${name}: running (${threads(monitor.runningPids.length)}${sampling}${actions})`;
}
