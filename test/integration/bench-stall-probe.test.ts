import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { nowUs } from '../../scripts/bench-relay/monotonic-clock';
import type { ProbeReply, ProbeRequest, ProbeStalls } from '../../scripts/bench-relay/stall-probe';

const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const probeScript = join(import.meta.dirname, '../../scripts/bench-relay/stall-probe.ts');

function startProbe() {
  return fork(probeScript, [], { execArgv: ['--import', tsxLoader], stdio: 'inherit' });
}
let probe: ReturnType<typeof startProbe> | undefined;
afterEach(() => probe?.kill('SIGKILL'));

/** Resolves once the probe ticks and listens. */
function probeReady(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (reply: ProbeReply) => {
      if (reply.type !== 'ready') return;
      probe?.off('message', onMessage);
      resolve();
    };
    probe?.on('message', onMessage);
  });
}

function askStalls(fromUs: number): Promise<ProbeStalls> {
  return new Promise((resolve) => {
    probe?.once('message', resolve);
    probe?.send({ type: 'stalls', fromUs, toUs: nowUs() } satisfies ProbeRequest);
  });
}

describe('the benchmark stall probe', () => {
  it('reports a stall of its process as the machine stalling, within the window asked about', async () => {
    probe = startProbe();
    await probeReady();
    // A few ticks first: the stall below is then measured from the tick before it.
    await sleep(50);
    const windowStartUs = nowUs();
    // Stopped, the probe cannot run its timer, as when the host pauses the VM.
    probe.kill('SIGSTOP');
    await sleep(150);
    probe.kill('SIGCONT');
    await sleep(50);
    const stalled = await askStalls(windowStartUs);
    expect(stalled.worstMs).toBeGreaterThanOrEqual(140);
    expect(stalled.overTenMs).toBeGreaterThanOrEqual(1);

    // The stall is not reported again for a window that starts after it.
    const nextWindowUs = nowUs();
    await sleep(200);
    expect((await askStalls(nextWindowUs)).worstMs).toBeLessThan(140);
  });

  it('ends when the benchmark that forked it disconnects', async () => {
    probe = startProbe();
    const exited = new Promise<number | null>((resolve) => probe?.once('exit', resolve));
    await probeReady();
    probe.disconnect();
    expect(await exited).toBe(0);
  });
});
