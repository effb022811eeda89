import { readdir, readFile } from 'node:fs/promises';

/**
 * A process's CPU time as the kernel's scheduler accounts it (Linux `/proc/<pid>/task/<tid>/schedstat`,
 * summed over its threads): time on a core, and time ready to run but waiting for one.
 */
export interface CpuTimes {
  runNs: number;
  waitNs: number;
}

/** One schedstat line: "<ns on a core> <ns waiting on a run queue> <time slices>". */
export function parseSchedstat(text: string): CpuTimes {
  const [run, wait] = text.trim().split(/\s+/);
  const runNs = Number(run);
  const waitNs = Number(wait);
  if (!Number.isSafeInteger(runNs) || !Number.isSafeInteger(waitNs) || runNs < 0 || waitNs < 0)
    throw new Error(`not a schedstat line: "${text.trim()}"`);
  return { runNs, waitNs };
}

/**
 * The CPU times of process `pid`'s threads, summed; undefined where there is no /proc or the
 * process has gone. A thread that ends between two readings takes its time with it, so compare
 * readings of long-lived processes (as every process of the benchmark is).
 */
export async function readProcessCpu(pid: number): Promise<CpuTimes | undefined> {
  let threads: string[];
  try {
    threads = await readdir(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const perThread = await Promise.all(
    threads.map((tid) =>
      readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').then(parseSchedstat, () => null),
    ),
  );
  let runNs = 0;
  let waitNs = 0;
  for (const times of perThread) {
    runNs += times?.runNs ?? 0;
    waitNs += times?.waitNs ?? 0;
  }
  return { runNs, waitNs };
}

/** The machine's CPU time from /proc/stat's first line, in clock ticks: all of it and the steal. */
export interface MachineTicks {
  total: number;
  steal: number;
}

/** Parses /proc/stat's `cpu` line: user nice system idle iowait irq softirq steal [guest ...]. */
export function parseMachineTicks(procStat: string): MachineTicks {
  const line = /^cpu\s+([\d\s]+)$/m.exec(procStat)?.[1];
  const fields = line?.trim().split(/\s+/).map(Number) ?? [];
  if (fields.length < 8 || fields.some((field) => !Number.isSafeInteger(field)))
    throw new Error('/proc/stat has no cpu line of 8 or more counters');
  // Guest time (fields 9 and 10) is already counted in user and nice.
  const total = fields.slice(0, 8).reduce((sum, field) => sum + field, 0);
  return { total, steal: fields[7] ?? 0 };
}

export async function readMachineTicks(): Promise<MachineTicks | undefined> {
  try {
    return parseMachineTicks(await readFile('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** Percent of one core's time over `elapsedMs`: on a core, and ready but waiting for one. */
export function shareOfACore(
  before: CpuTimes,
  after: CpuTimes,
  elapsedMs: number,
): { busy: number; waiting: number } {
  const percent = (ns: number) => (Math.max(0, ns) / (elapsedMs * 1e6)) * 100;
  return {
    busy: percent(after.runNs - before.runNs),
    waiting: percent(after.waitNs - before.waitNs),
  };
}

/** The share of the machine's time its host took from it (steal), in percent. */
export function stealShare(before: MachineTicks, after: MachineTicks): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.steal - before.steal) / total) * 100 : 0;
}
