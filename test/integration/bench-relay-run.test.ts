import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeKernelMemoryMonitor,
  readKernelMemoryMonitor,
} from '../../scripts/bench-relay/kernel-memory-monitor';
import { eventually } from '../support/eventually';
import { makeTempDir } from '../support/temp-dir';

const repoRoot = join(import.meta.dirname, '../..');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const bench = join(repoRoot, 'scripts/bench-relay.ts');

interface BenchRun {
  pid: number;
  /** What it has printed on stdout so far. */
  stdoutSoFar(): string;
  /** Its exit code and everything it printed (its stderr shown here as well). */
  ended: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Ends it (SIGTERM), unless it has ended. */
  stop(): void;
}

function startBench(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  script = bench,
): BenchRun {
  const child = spawn(process.execPath, ['--import', tsxLoader, script, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  return {
    pid: child.pid ?? -1,
    stdoutSoFar: () => stdout,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
    ended: new Promise((resolve) =>
      child.once('close', (code) => resolve({ code, stdout, stderr })),
    ),
  };
}

const runBench = (args: string[], env?: NodeJS.ProcessEnv) => startBench(args, env).ended;

/** The pids of running processes whose command line contains every one of `parts`. */
function processesRunning(...parts: string[]): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return parts.every((part) => commandLine.includes(part));
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** The parent's pid, from /proc/<pid>/stat (after the command name, which may hold spaces). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Its running children whose command line contains `part`: its own, not another test's. */
const childProcesses = (parentPid: number, part: string) =>
  processesRunning(part).filter((pid) => parentOf(pid) === parentPid);

/**
 * A run of 3 clients at 50 webhooks/s for `seconds`, with a temp dir of its own as TMPDIR (where
 * its relay's data dir is made); `end` stops the run if it is still going and removes the dir.
 */
function startSmallRunInTempDir(name: string, seconds: number) {
  const temp = makeTempDir(name);
  const run = startBench(
    ['--clients', '3', '--rate', '50', '--seconds', String(seconds), '--warmup', '0'],
    { ...process.env, TMPDIR: temp.path },
  );
  return {
    run,
    temp,
    end: () => {
      run.stop();
      temp.remove();
    },
  };
}

/** The run's relay, once it listens: the benchmark prints its machine line after that. */
async function relayPidOnceListening(run: BenchRun, dataDirParent: string): Promise<number> {
  await eventually(() => expect(run.stdoutSoFar()).toMatch(/^machine: /m), 20_000);
  const [relayPid] = processesRunning('out/relay/cli.js', dataDirParent);
  expect(relayPid).toBeDefined();
  return relayPid ?? -1;
}

describe('relay benchmark run', () => {
  // The benchmark runs the relay as deployed, from its build.
  beforeAll(() => {
    execFileSync('npm', ['run', '--silent', 'build:relay'], { cwd: repoRoot, stdio: 'ignore' });
  });

  it.each([
    {
      streams: 'in the relay process',
      // One of the relay's own options, at its default so the run is as without it.
      flags: ['--single-process', '--relay-arg=--retention-events=100000'],
      processes: 1,
    },
    { streams: 'in a process of their own (the default)', flags: [], processes: 2 },
  ])(
    'measures rounds against a real relay (streams $streams), before and after client churn, and lists their p99s',
    async ({ flags, processes }) => {
      const { code, stdout, stderr } = await runBench([
        ...flags,
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
        '--cycles',
        '20',
      ]);

      expect(code).toBe(0);
      const kernelMemoryMonitor = await readKernelMemoryMonitor();
      // The relay's log lines after it listens are passed on; a clean run has no warning.
      expect(stderr).not.toMatch(/^relay: /m);
      const reports = stdout
        .split(/^round \d+(?: \(after the cycles\))?: 3 lean clients/m)
        .slice(1);
      expect(reports).toHaveLength(4);
      for (const report of reports) {
        const webhooks = /webhooks: (\d+) sent, (\d+) answered 200/.exec(report);
        const deliveries = /deliveries: (\d+) of (\d+) expected/.exec(report);
        expect(Number(webhooks?.[1])).toBeGreaterThanOrEqual(45);
        expect(webhooks?.[2]).toBe(webhooks?.[1]);
        // Every webhook answered 200 reached every one of the 3 clients.
        expect(Number(deliveries?.[2])).toBe(Number(webhooks?.[2]) * 3);
        expect(deliveries?.[1]).toBe(deliveries?.[2]);
        expect(report).toMatch(
          /POST-to-client latency: p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms/,
        );
        expect(report).toMatch(
          /the machine \(an idle probe's 2 ms timer\): stalled [\d.]+ ms at worst, \d+ times over 10 ms/,
        );
        // Every process's CPU, named as it runs here: the relay as one process or two.
        const relayNames =
          processes > 1 ? 'relay main [\\d.]+ \\([\\d.]+\\), relay streams' : 'relay';
        const cpu = new RegExp(
          `CPU over the measured seconds, % of a core \\(and % waiting for one\\): ${relayNames} [\\d.]+ \\([\\d.]+\\), ` +
            'clients [\\d.]+ \\([\\d.]+\\), poster ([\\d.]+) \\([\\d.]+\\), probe [\\d.]+ \\([\\d.]+\\); ' +
            `all ([\\d.]+) of the machine's ${availableParallelism() * 100}; steal [\\d.]+% of the machine's time`,
        ).exec(report);
        expect(cpu).not.toBeNull();
        // The poster signs and sends every webhook, so it cannot have been idle.
        expect(Number(cpu?.[1])).toBeGreaterThan(0.5);
        expect(Number(cpu?.[2])).toBeGreaterThan(Number(cpu?.[1]));
        // Where the kernel's DAMON runs (as on the AMD VM of 2026-12-05), its thread's CPU is given too.
        if (kernelMemoryMonitor?.runningPids.length)
          expect(report).toMatch(/of the machine's time; the kernel's kdamond [\d.]+$/m);
        else expect(report).not.toMatch(/kdamond/);
      }
      expect(stdout).toMatch(
        new RegExp(
          `^machine: .+, ${availableParallelism()} cores, .+, Node ${process.version}$`,
          'm',
        ),
      );
      expect(stdout).toMatch(
        /^machine costs, measured before the run: a 1-byte read from JavaScript [\d.]+ us, a wake-up round trip between two threads p50 [\d.]+ us \(p99 [\d.]+ us\)$/m,
      );
      expect(stdout).toContain(`\n${describeKernelMemoryMonitor(kernelMemoryMonitor)}\n`);
      if (kernelMemoryMonitor?.runningPids.length)
        expect(stdout).toMatch(
          /^ {2}in round order, the kernel's kdamond, % of a core: [\d.]+, [\d.]+$/m,
        );
      const relayArgs = flags.filter((flag) => flag.startsWith('--relay-arg='));
      if (relayArgs.length > 0)
        expect(stdout).toMatch(/^relay arguments added: --retention-events=100000$/m);
      else expect(stdout).not.toMatch(/relay arguments added/);
      expect(stdout).toMatch(
        /^20 connect\/subscribe\/disconnect cycles in [\d.]+ s; relay reports 3 clients/m,
      );
      expect(stdout).toMatch(/^round 3 \(after the cycles\): /m);
      // Each pair of rounds, before and after the cycles, is summed up with its p99s lowest first.
      const roundP99s = [
        ...stdout.matchAll(/POST-to-client latency: p50 [\d.]+ ms, p99 ([\d.]+)/g),
      ].map((match) => match[1] ?? '');
      for (const pair of [roundP99s.slice(0, 2), roundP99s.slice(2, 4)]) {
        const lowestFirst = [...pair].sort((a, b) => Number(a) - Number(b));
        expect(stdout).toContain(`POST-to-client: ${lowestFirst.join(', ')} ms`);
      }
      // And in round order, each beside how long the machine itself stalled in that round.
      const machineStalls = [...stdout.matchAll(/stalled ([\d.]+) ms at worst/g)].map(
        (match) => match[1] ?? '',
      );
      for (const rounds of [
        [0, 1],
        [2, 3],
      ])
        expect(stdout).toContain(
          `POST-to-client p99 / the machine's worst stall: ${rounds
            .map((i) => `${roundP99s[i]} / ${machineStalls[i]}`)
            .join(', ')} ms`,
        );
      // And what held up the relay's processes and the poster, as each round reported it (the
      // stream process only where there is one).
      const heldUpLines = [
        ...stdout.matchAll(
          /^ {2}held up at worst \(an event loop's delay beyond its 10 ms sampling\): the relay's main process ([\d.]+) ms \(garbage collection pauses over 10 ms: (\d+); webhooks whose storing took over 25 ms: (\d+)\), (?:its stream process ([\d.]+) ms, )?the poster ([\d.]+) ms$/gm,
        ),
      ];
      expect(heldUpLines).toHaveLength(4);
      const heldUp = heldUpLines.map((match) => {
        expect(match[4] !== undefined).toBe(processes > 1);
        return [match[1], match[4], match[5]].filter((ms) => ms !== undefined).join(' / ');
      });
      const heldUpNames =
        processes > 1
          ? "the relay's main process / its stream process / the poster"
          : "the relay's main process / the poster";
      for (const rounds of [heldUp.slice(0, 2), heldUp.slice(2, 4)])
        expect(stdout).toContain(`held up at worst, ${heldUpNames}: ${rounds.join(', ')} ms`);
      // The webhooks stored slowly and the garbage collection pauses, as each round counted them.
      const slowStoresAndPauses = heldUpLines.map((match) => `${match[3]} / ${match[2]}`);
      for (const rounds of [slowStoresAndPauses.slice(0, 2), slowStoresAndPauses.slice(2, 4)])
        expect(stdout).toContain(
          `webhooks whose storing took over 25 ms / the relay's garbage collection pauses over 10 ms: ${rounds.join(', ')}\n`,
        );
      // And each one's CPU, all processes together beside the relay's waiting for a core (the sum
      // of its processes' figures, which are printed rounded).
      const cpuInAll = [...stdout.matchAll(/; all ([\d.]+) of the machine's/g)].map(
        (match) => match[1] ?? '',
      );
      const relayWaiting = [...stdout.matchAll(/^ {2}CPU over .*$/gm)].map((match) =>
        [...match[0].matchAll(/relay[a-z ]* [\d.]+ \(([\d.]+)\)/g)].reduce(
          (sum, waiting) => sum + Number(waiting[1]),
          0,
        ),
      );
      const summed = [
        ...stdout.matchAll(
          /CPU of every process together \/ the relay's waiting for a core, % of a core: (.+)$/gm,
        ),
      ].flatMap((match) => (match[1] ?? '').split(', ').map((pair) => pair.split(' / ')));
      expect(summed).toHaveLength(4);
      summed.forEach(([inAll, waiting], i) => {
        expect(inAll).toBe(cpuInAll[i]);
        expect(Math.abs(Number(waiting) - (relayWaiting[i] ?? NaN))).toBeLessThanOrEqual(0.15);
      });
      expect(
        stdout.match(/every webhook answered 200 and every delivery made in 2 of 2 rounds/g),
      ).toHaveLength(2);
      const memory =
        /^relay peak RSS: ([\d.]+) MB \((\d) process(?:es; at the peak the main process's own pages ([\d.]+) MB, the stream process's ([\d.]+) MB and the Node binary's ([\d.]+) MB; ([\d.]+) MB counting the Node binary they share in each)?\)$/m.exec(
          stdout,
        );
      expect(Number(memory?.[1])).toBeGreaterThan(20);
      expect(Number(memory?.[2])).toBe(processes);
      if (processes > 1) {
        // What the peak was made of adds up to it (each part rounded to 0.1 MB), each part real.
        const [main, streams, binary] = [memory?.[3], memory?.[4], memory?.[5]].map(Number);
        for (const part of [main, streams, binary]) expect(part).toBeGreaterThan(5);
        expect(
          Math.abs((main ?? 0) + (streams ?? 0) + (binary ?? 0) - Number(memory?.[1])),
        ).toBeLessThanOrEqual(0.15);
        // And the upper bound, with the Node binary's pages counted in each process.
        expect(Number(memory?.[6])).toBeGreaterThan(Number(memory?.[1]));
      }
    },
    60_000,
  );

  it('stops every client for a while, and says how they came back, every delivery made', async () => {
    const { code, stdout, stderr } = await runBench([
      ...['--clients', '3', '--rate', '50', '--seconds', '4', '--warmup', '0'],
      ...['--rounds', '2', '--stall-clients', '1000'],
    ]);
    expect(code, stderr).toBe(0);
    const rounds = stdout.split(/^round \d+: /m).slice(1);
    expect(rounds).toHaveLength(2);
    for (const round of rounds) {
      const deliveries = /deliveries: (\d+) of (\d+) expected/.exec(round);
      expect(deliveries?.[1]).toBe(deliveries?.[2]);
      expect(round).toMatch(/; clients the relay dropped as dead \(its heartbeat\): 0$/m);
      // The events sent just as the clients stopped waited out the stop.
      const max = Number(/POST-to-client latency: .*, max ([\d.]+) ms/.exec(round)?.[1]);
      expect(max).toBeGreaterThan(900);
      const recovery =
        /clients stopped 1000 ms from 1 s into the measured seconds: the events sent before they went on had all arrived ([\d.]+) ms after; POST-to-client of those sent in the second after: p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms; of those sent later: p50 [\d.]+ ms/.exec(
          round,
        );
      expect(recovery, round).not.toBeNull();
      expect(Number(recovery?.[1])).toBeLessThan(max);
    }
    expect(stdout).toMatch(
      /^ {2}in round order, clients stopped: caught up after going on \/ p99 of the second after \/ p99 later: [\d.]+ \/ [\d.]+ \/ [\d.]+, [\d.]+ \/ [\d.]+ \/ [\d.]+ ms$/m,
    );
  }, 60_000);

  it('measures clients subscribed as the app subscribes, each to one owner’s events, every delivery due made, through client churn', async () => {
    const { code, stdout, stderr } = await runBench([
      ...['--clients', '3', '--owners', '2', '--rate', '50', '--seconds', '1', '--warmup', '0'],
      ...['--rounds', '1', '--cycles', '20'],
    ]);
    expect(code, stderr).toBe(0);
    const rounds = stdout
      .split(
        /^round \d+(?: \(after the cycles\))?: 3 lean clients, each taking one of 2 owners' events \(filters, as the app\), /m,
      )
      .slice(1);
    expect(rounds).toHaveLength(2);
    for (const round of rounds) {
      const answered = Number(/webhooks: \d+ sent, (\d+) answered 200/.exec(round)?.[1]);
      const deliveries = /deliveries: (\d+) of (\d+) expected/.exec(round);
      expect(answered).toBeGreaterThanOrEqual(45);
      // Owner 0's webhooks go to clients 0 and 2, owner 1's to client 1, the owners in turn.
      expect(Math.abs(Number(deliveries?.[2]) - answered * 1.5)).toBeLessThanOrEqual(0.5);
      expect(deliveries?.[1]).toBe(deliveries?.[2]);
    }
  }, 60_000);

  it('says how many clients the relay dropped for its heartbeat, and how many the next round had', async () => {
    const { code, stdout, stderr } = await runBench([
      ...['--clients', '3', '--rate', '50', '--seconds', '6', '--warmup', '0'],
      ...['--rounds', '2', '--stall-clients', '3000', '--relay-arg=--heartbeat=1'],
    ]);
    expect(code, stderr).toBe(0);
    const [first, second] = stdout.split(/^round \d+: /m).slice(1);
    // Stopped for three of the relay's intervals, every client was taken for dead, and the
    // events after went to none of them (the benchmark's clients do not reconnect).
    expect(first).toMatch(/; clients the relay dropped as dead \(its heartbeat\): 3$/m);
    const deliveries = /deliveries: (\d+) of (\d+) expected/.exec(first ?? '');
    expect(Number(deliveries?.[1])).toBeLessThan(Number(deliveries?.[2]));
    expect(stderr).toMatch(/^relay: \{.*"reason":"heartbeat_timeout"/m);
    expect(second).toMatch(
      /; clients the relay dropped as dead \(its heartbeat\): 0; 0 of the 3 clients connected as the round began \(the benchmark's clients do not reconnect\)$/m,
    );
    expect(second).toMatch(/deliveries: 0 of [1-9]\d* expected/);
  }, 90_000);

  it('measures the relay with clients stopped behind at positions far apart, and has them read on', async () => {
    const temp = makeTempDir('bench-relay-behind');
    try {
      const { code, stdout, stderr } = await startBench(
        ['--clients', '10', '--events', '4000', '--seconds', '1'],
        { ...process.env, TMPDIR: temp.path },
        join(repoRoot, 'scripts/bench-relay-behind.ts'),
      ).ended;
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/^4000 webhooks of 2000 bytes posted in [\d.]+ s$/m);
      const peak =
        /^10 clients behind, 200 events apart \(the first at cursor 0\), 10 of them stopped reading at their first event; relay peak over 1 s: ([\d.]+) MB \(the main process's own pages ([\d.]+) MB, the stream process's ([\d.]+) MB, the Node binary's ([\d.]+) MB\), the kernel's TCP buffers then [\d.]+ MB; queued in the relay for them at the end: [\d.]+ MB; clients the relay dropped as dead \(its heartbeat\): 0$/m.exec(
          stdout,
        );
      expect(peak, stdout).not.toBeNull();
      const [total = 0, ...parts] = (peak ?? []).slice(1).map(Number);
      for (const part of parts) expect(part).toBeGreaterThan(5);
      expect(Math.abs(parts.reduce((sum, part) => sum + part, 0) - total)).toBeLessThanOrEqual(
        0.15,
      );
      expect(stdout).toMatch(
        /^read on: 10 of 10 clients had the 1000 events after their cursors [\d.]+ s after going on$/m,
      );
      // Its relay's data directory is gone with it.
      expect(readdirSync(temp.path).filter((name) => name.startsWith('relay-bench-'))).toEqual([]);
    } finally {
      temp.remove();
    }
  }, 60_000);

  it('gives the relay an argument it refuses, and then ends with a line of its own and nothing left behind', async () => {
    const temp = makeTempDir('bench-relay-refused');
    try {
      const { code, stdout, stderr } = await runBench(['--relay-arg=--retention-events=none'], {
        ...process.env,
        TMPDIR: temp.path,
      });
      expect(code).toBe(2);
      // The relay's own refusal, so the argument reached it.
      expect(stderr).toContain(
        'relay: --retention-events must be a whole number of 1 or more, got "none"',
      );
      expect(stderr).toContain(
        'bench:relay: the relay exited as it started (exit code 2); see its output above',
      );
      expect(stdout).not.toMatch(/^round /m);
      // Its data directory, made in the temp dir before the relay started, is gone (tsx keeps
      // its cache there too).
      expect(readdirSync(temp.path).filter((name) => name.startsWith('relay-bench-'))).toEqual([]);
    } finally {
      temp.remove();
    }
  }, 30_000);

  it("shows the relay's warnings, and compares no CPU, when its stream process dies during a round", async () => {
    const { run, temp, end } = startSmallRunInTempDir('bench-relay-streams-killed', 15);
    try {
      const relayPid = await relayPidOnceListening(run, temp.path);
      const [streamPid] = childProcesses(relayPid, 'out/relay/stream-process.js');
      expect(streamPid).toBeDefined();
      // Well into the round: the clients connect within a few seconds of the machine line.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      process.kill(streamPid ?? -1, 'SIGKILL');

      const { code, stdout, stderr } = await run.ended;
      expect(code).toBe(0);
      // The relay's own account of it, passed on as it logged it.
      expect(stderr).toMatch(/^relay: \{.*"the stream process exited; .*starting a new one"/m);
      // The streams' CPU before and after would be two processes' times: not compared.
      expect(stdout).toContain(
        'CPU over the measured seconds, % of a core (and % waiting for one): not measured (no /proc here, or a relay process restarted)',
      );
      // Its subscribers were disconnected (the benchmark's clients do not resume): said, not hidden.
      const deliveries = /deliveries: (\d+) of (\d+) expected/.exec(stdout);
      expect(Number(deliveries?.[1])).toBeLessThan(Number(deliveries?.[2]));
    } finally {
      end();
    }
  }, 60_000);

  it('ends with a line of its own, and nothing left behind, when the relay dies during the run', async () => {
    const { run, temp, end } = startSmallRunInTempDir('bench-relay-killed', 60);
    try {
      const relayPid = await relayPidOnceListening(run, temp.path);
      const [clientsPid] = childProcesses(run.pid, 'stream-clients.ts');
      expect(clientsPid).toBeDefined();
      process.kill(relayPid, 'SIGKILL');

      const { code, stdout, stderr } = await run.ended;
      expect(code).toBe(1);
      expect(stderr).toContain(
        'bench:relay: the relay exited during the run (signal SIGKILL); what is printed above ' +
          'stands, the round or cycles under way are lost',
      );
      // Not a failed request's stack trace.
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).not.toMatch(/^round /m);
      expect(readdirSync(temp.path).filter((name) => name.startsWith('relay-bench-'))).toEqual([]);
      // Its clients' process went with it.
      await eventually(() =>
        expect(processesRunning('stream-clients.ts')).not.toContain(clientsPid),
      );
    } finally {
      // Should the relay outlive the kill, the run must not outlive the test.
      end();
    }
  }, 40_000);
});
