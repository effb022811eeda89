import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const bench = join(import.meta.dirname, '../../scripts/bench-relay.ts');
const cores = availableParallelism();

/** Runs the benchmark's command line to its exit (it exits before starting anything on a bad option). */
function runBench(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, bench, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A benchmark that took the option and started running is stopped (it takes its relay and
  // clients down with it), and the test then fails on its exit code.
  const timer = setTimeout(() => child.kill('SIGTERM'), 10_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe('relay benchmark command line', () => {
  it('refuses a bad option with one clear line and exit code 2, before starting a relay', async () => {
    const refusals: [string[], string][] = [
      [['--rate', 'fast'], '--rate must be a whole number of 1 or more, got "fast"'],
      [['--clients', '0'], '--clients must be a whole number of 1 or more, got "0"'],
      [['--seconds', '2.5'], '--seconds must be a whole number of 1 or more, got "2.5"'],
      [['--cycles', '-3'], "Option '--cycles' argument is ambiguous."],
      [['--poster', 'curl'], '--poster must be lean or http, got "curl"'],
      [['--client', 'browser'], '--client must be lean or ws, got "browser"'],
      [['--bogus'], "Unknown option '--bogus'"],
      // A relay argument goes with its '=': given apart, it looks like one of the benchmark's own.
      [['--relay-arg', '--retention-events=5'], "Option '--relay-arg' argument is ambiguous."],
      [['--cpu-limit', '0'], `--cpu-limit must be a number of cores from 0.1 to ${cores}, got "0"`],
      [
        ['--cpu-limit', String(cores + 1)],
        `--cpu-limit must be a number of cores from 0.1 to ${cores}, got "${cores + 1}"`,
      ],
      [
        ['--stall-clients', 'long'],
        '--stall-clients must be a whole number of 0 or more, got "long"',
      ],
      [
        ['--stall-clients', '8000'],
        '--stall-clients must end 2 s before the round does: at most 7000 ms with --seconds 10',
      ],
      [['--owners', 'some'], '--owners must be a whole number of 0 or more, got "some"'],
      [
        ['--single-process', '--stream-process'],
        'give --single-process or --stream-process, not both',
      ],
    ];
    const results = await Promise.all(refusals.map(([args]) => runBench(args)));
    results.forEach(({ code, stderr }, i) => {
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(`bench:relay: ${refusals[i]?.[1]}`);
      // One line: no stack trace.
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  });
});
