import { setTimeout as sleep } from 'node:timers/promises';
import { readProcessCpu, shareOfACore } from '../../scripts/bench-relay/process-cpu';

/** Each process's share of a core over about `ms`, and its share waiting for one, from /proc. */
export async function cpuSharesOver(
  pids: number[],
  ms: number,
): Promise<{ busy: number; waiting: number }[]> {
  // From before the first reading to after the second, so that the time measured holds all the
  // CPU time read.
  const from = performance.now();
  const before = await Promise.all(pids.map(readProcessCpu));
  await sleep(ms);
  const after = await Promise.all(pids.map(readProcessCpu));
  const elapsedMs = performance.now() - from;
  return pids.map((pid, i) => {
    const [atStart, atEnd] = [before[i], after[i]];
    if (!atStart || !atEnd) throw new Error(`process ${pid} has no CPU times in /proc`);
    return shareOfACore(atStart, atEnd, elapsedMs);
  });
}
