import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir';

const repoRoot = join(import.meta.dirname, '../..');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

/** Runs the app benchmark with its own TMPDIR; resolves to its exit code and output. */
async function runBench(args: string[]) {
  const temp = makeTempDir('app-bench-run');
  try {
    const result = await promisify(execFile)(
      process.execPath,
      ['--import', tsxLoader, join(repoRoot, 'scripts/bench-app.ts'), ...args],
      { cwd: repoRoot, env: { ...process.env, TMPDIR: temp.path }, timeout: 120_000 },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? -1,
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }),
    );
    // tsx keeps its own cache there too; the benchmark's dir is `app-bench-*`.
    const leftBehind = readdirSync(temp.path).filter((name) => name.startsWith('app-bench-'));
    return { ...result, leftBehind };
  } finally {
    temp.remove();
  }
}

describe('the app benchmark', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', '--silent', 'build:relay'], { cwd: repoRoot, stdio: 'ignore' });
  });

  it('applies every event, catching up and steadily, and prints its figures', async () => {
    const run = await runBench([
      '--accounts',
      '10',
      '--events',
      '300',
      '--rate',
      '50',
      '--seconds',
      '1',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const catchingUp =
      /catching up: 300 events for 10 accounts applied and on disk in [\d.]+ ms: (\d+) events\/s; (\d+) StackOne look-ups, (\d+) file writes/.exec(
        run.stdout,
      );
    expect(catchingUp).not.toBeNull();
    expect(Number(catchingUp?.[1])).toBeGreaterThan(0);
    // Each account looked up once per burst, not once per event.
    expect(Number(catchingUp?.[2])).toBeLessThan(300);
    expect(run.stdout).toMatch(
      /steadily at 50\/s for 1 s: 50 of 50 events on disk; from the webhook's POST to on disk p50 [\d.]+ ms, p99 [\d.]+ ms/,
    );
    expect(run.leftBehind).toEqual([]);
  }, 150_000);

  it('refuses a count that is not a whole number', async () => {
    const run = await runBench(['--events', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--events must be a whole number of 1 or more, got "0"');
  });
});
