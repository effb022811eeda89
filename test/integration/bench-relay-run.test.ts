import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '../..');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const bench = join(repoRoot, 'scripts/bench-relay.ts');

/** Runs the benchmark to its exit and returns what it printed. */
function runBench(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, bench, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout })));
}

describe('relay benchmark run', () => {
  // The benchmark runs the relay as deployed, from its build.
  beforeAll(() => {
    execFileSync('npm', ['run', '--silent', 'build:relay'], { cwd: repoRoot, stdio: 'ignore' });
  });

  it('measures each round against a real relay and lists the p99 of each, lowest first', async () => {
    const { code, stdout } = await runBench([
      '--clients',
      '3',
      '--rate',
      '50',
      '--seconds',
      '1',
      '--warmup',
      '0',
      '--rounds',
      '2',
    ]);

    expect(code).toBe(0);
    for (const round of [1, 2]) {
      const report = stdout.split(`round ${round}: 3 lean clients`)[1] ?? '';
      const webhooks = /webhooks: (\d+) sent, (\d+) answered 200/.exec(report);
      const deliveries = /deliveries: (\d+) of (\d+) expected/.exec(report);
      expect(Number(webhooks?.[1])).toBeGreaterThanOrEqual(45);
      expect(webhooks?.[2]).toBe(webhooks?.[1]);
      // Every webhook answered 200 reached every one of the 3 clients.
      expect(Number(deliveries?.[2])).toBe(Number(webhooks?.[2]) * 3);
      expect(deliveries?.[1]).toBe(deliveries?.[2]);
      expect(report).toMatch(/POST-to-client latency: p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms/);
    }
    const roundP99s = [...stdout.matchAll(/POST-to-client latency: p50 [\d.]+ ms, p99 ([\d.]+)/g)]
      .map((match) => match[1])
      .sort((a, b) => Number(a) - Number(b));
    expect(roundP99s).toHaveLength(2);
    expect(stdout).toContain('2 rounds, p99 of each, lowest first:');
    expect(stdout).toContain(`POST-to-client: ${roundP99s.join(', ')} ms`);
    expect(stdout).toContain('every webhook answered 200 and every delivery made in 2 of 2 rounds');
    expect(Number(/relay peak RSS: ([\d.]+) MB/.exec(stdout)?.[1])).toBeGreaterThan(20);
  }, 60_000);
});
