import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readProcessCpu } from '../../scripts/bench-relay/process-cpu';
import { cpuSharesOver } from '../support/cpu-shares';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** The first core this process may run on (a container may not allow core 0). */
const firstAllowedCore =
  /^Cpus_allowed_list:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';

/** A Node process running `code`, on one core only when `pinned`. */
async function startNode(code: string, pinned: boolean): Promise<number> {
  const child = pinned
    ? spawn('taskset', ['-c', firstAllowedCore, process.execPath, '-e', code], {
        stdio: 'ignore',
      })
    : spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  started.push(child);
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return child.pid as number;
}

describe("the benchmark's CPU accounting, on real processes", () => {
  it('tells time on a core from time waiting for one: three spinning processes sharing one core', async () => {
    const spin = 'for (;;) {}';
    const pids = [
      await startNode(spin, true),
      await startNode(spin, true),
      await startNode(spin, true),
    ];
    await sleep(200);
    for (const { busy, waiting } of await cpuSharesOver(pids, 600)) {
      // Always ready to run, so on the core or waiting for it all the time: about a third on it
      // (less if anything else runs on that core), two thirds waiting.
      expect(busy + waiting).toBeGreaterThan(85);
      expect(busy + waiting).toBeLessThan(110);
      expect(busy).toBeGreaterThan(10);
      expect(waiting).toBeGreaterThan(busy * 1.3);
    }
  });

  it('shows an idle process as neither busy nor waiting, and a process that has gone as unknown', async () => {
    const pid = await startNode('setInterval(() => {}, 1000)', false);
    await sleep(300);
    const [idle] = await cpuSharesOver([pid], 400);
    expect((idle?.busy ?? NaN) + (idle?.waiting ?? NaN)).toBeLessThan(10);

    started[0]?.kill('SIGKILL');
    await new Promise((resolve) => started[0]?.once('exit', resolve));
    await sleep(50);
    expect(await readProcessCpu(pid)).toBeUndefined();
  });
});
