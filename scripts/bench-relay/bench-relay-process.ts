import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMaxClients } from '../../src/relay/relay-defaults';
import { watchRelayOutput } from './relay-output';

const relayCli = 'out/relay/cli.js';
export const benchSecret = 'bench-secret';
export const benchToken = 'bench-relay-token-0123';

export interface BenchRelay {
  process: ChildProcess;
  dataDir: string;
  /** The relay's URL once it listens; a relay that exits first ends this process (exit 2). */
  url: Promise<string>;
}

const howItEnded = (code: number | null, signal: NodeJS.Signals | null) =>
  code === null ? `signal ${signal}` : `exit code ${code}`;

/**
 * Starts the relay as built (out/relay/cli.js), as docs/relay.md deploys it, on a port of its own
 * with a data directory of its own, the benchmarks' secret and token, and `relayArgs`. However
 * this process ends (an error, Ctrl-C, a kill), the relay and its data directory end with it
 * instead of staying behind on the machine, where they would load every later measurement.
 * `benchName` and `refuse` are the calling benchmark's, for what it prints.
 */
export function startBenchRelay(options: {
  benchName: string;
  refuse: (message: string) => never;
  /** The main process's young generation: 4 MB with a stream process (docs/relay.md), 8 without. */
  semiSpaceMb: number;
  /**
   * Stream clients the benchmark keeps connected: the relay is set to take them and 200 more
   * (the relay benchmark's cycles connect 50 at a time beside them) where its default is fewer.
   */
  clients: number;
  relayArgs: readonly string[];
}): BenchRelay {
  const { benchName, refuse } = options;
  if (!existsSync(relayCli))
    refuse(
      `${relayCli} is missing: run \`npm run build:relay\` first, or use \`npm run ${benchName}\``,
    );
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const relay = spawn(
    process.execPath,
    [
      '--max-old-space-size=512',
      `--max-semi-space-size=${options.semiSpaceMb}`,
      relayCli,
      ...['--port', '0', '--data-dir', dataDir],
      ...['--webhook-secret', benchSecret, '--client-token', benchToken],
      ...(options.clients + 200 > defaultMaxClients
        ? ['--max-clients', String(options.clients + 200)]
        : []),
      ...options.relayArgs,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  process.once('exit', () => {
    relay.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));
  // Its log lines, on stdout; its refusals go to stderr, which it shares with this process.
  const output = watchRelayOutput(relay.stdout, (line) => console.error(`relay: ${line}`));
  const url = Promise.race([
    output.listening,
    new Promise<never>((_, reject) =>
      relay.once('close', (code, signal) => reject(new Error(howItEnded(code, signal)))),
    ),
  ]).catch((error: Error) => {
    // Most often an argument it refused, which its own line on stderr names.
    process.stderr.write(output.startOutput());
    console.error(
      `${benchName}: the relay exited as it started (${error.message}); see its output above`,
    );
    return process.exit(2);
  });
  return { process: relay, dataDir, url };
}

/**
 * Ends this process (exit 1) if the relay exits before `stopping()` says the benchmark stops it
 * itself: what was printed stands, and `lost` says what was under way.
 */
export function endWithRelay(
  relay: ChildProcess,
  options: { benchName: string; lost: string; stopping?: () => boolean },
): void {
  const end = (code: number | null, signal: NodeJS.Signals | null) => {
    if (options.stopping?.()) return;
    console.error(
      `${options.benchName}: the relay exited during the run (${howItEnded(code, signal)}); ` +
        `what is printed above stands, ${options.lost}`,
    );
    process.exit(1);
  };
  if (relay.exitCode === null && relay.signalCode === null) relay.once('exit', end);
  else end(relay.exitCode, relay.signalCode);
}
