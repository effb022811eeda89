/**
 * Relay benchmark: starts the relay (its own process, fsync on), connects N stream clients (a
 * second process), posts signed webhooks at a steady rate (this process, standing in for
 * StackOne's servers, on lean keep-alive HTTP/1.1 by default), and prints throughput,
 * POST-to-200 and POST-to-client latency (p50/p99/max over every delivery), deliveries against
 * expected, and the relay's peak memory.
 *
 *   npm run bench:relay -- --clients 200 --rate 1000 --seconds 10 [--warmup 5] [--cycles 10000] [--client lean|ws]
 *
 * The relay runs as built by `npm run build:relay` (out/relay/cli.js), as it is deployed. Each
 * round posts a warm-up and then the measured seconds in one steady stream; only the measured
 * webhooks are reported. The warm-up covers connection pools, most of the JIT compilation and the
 * relay's V8 heap growing its young generation, which happens after about 3,000 webhooks with a
 * stall of tens of ms (so 5 s at 1,000/s). It is not a steady state yet: a fresh relay's main
 * process still spends more CPU per webhook for several more seconds (on the Intel VM its event
 * loop went from about 30% of a core to 15% over the first 12 s at 1,000/s), so the first round
 * on a fresh relay costs it more than the later ones (docs/relay-benchmark-log.md, "2026-12-02,
 * evening"). Peak memory covers the whole run.
 *
 * Each webhook carries its send time from CLOCK_MONOTONIC (`bench_sent_us`, an extra field the
 * envelope allows); each client reads the same clock when the bytes arrive.
 *
 * With --cycles, it runs a round, that many connect/subscribe/disconnect cycles, and a second
 * round (with its own warm-up), to show whether churn slows the relay down.
 *
 * A stall probe (an idle process with a 2 ms timer) reports how long the machine itself stalled
 * in each round, so that a slow round can be told apart: the VM paused, or the relay held up.
 * Each round also prints every process's CPU over its measured seconds from the scheduler's own
 * accounting (/proc), with the time each spent ready to run but waiting for a core, and the run
 * starts with the machine it ran on and what a system call and a wake-up cost there, so its
 * figures can be recorded with that machine.
 *
 * With --cpu-limit, every process of the run shares a cgroup CPU quota (that many cores' time),
 * so that a fast machine can measure the relay as a slower one would run it.
 *
 * The relay logs at warn; what it logs once it listens is passed on to stderr, prefixed `relay: `.
 */
import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, cpus, release, type } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  benchSecret as secret,
  benchToken as token,
  endWithRelay,
  startBenchRelay,
} from './bench-relay/bench-relay-process';
import { benchOwner, clientsOfOwner } from './bench-relay/bench-owners';
import { limitCpu, type CpuLimit } from './bench-relay/cpu-limit';
import {
  describeKernelMemoryMonitor,
  kdamondShare,
  readKdamondCpu,
  readKernelMemoryMonitor,
  type KdamondCpu,
} from './bench-relay/kernel-memory-monitor';
import { describeMachineCosts, measureMachineCosts } from './bench-relay/machine-costs';
import {
  binaryCountedOnce,
  childPids,
  megabytes,
  readRelayMemory,
} from './bench-relay/relay-memory';
import { nowUs } from './bench-relay/monotonic-clock';
import { percentile } from './bench-relay/percentile';
import {
  heldUpMs,
  heldUpText,
  loopSamplingMs,
  readRelayHoldUps,
  type RelayHoldUps,
} from './bench-relay/relay-hold-ups';
import {
  readMachineTicks,
  readProcessCpu,
  shareOfACore,
  stealShare,
  type CpuTimes,
  type MachineTicks,
} from './bench-relay/process-cpu';
import type { ClientsReply, ClientsRequest, StallRecovery } from './bench-relay/stream-clients';
import { createLeanWebhookPoster, type PostResult } from './bench-relay/lean-webhook-poster';
import type { ProbeReply, ProbeRequest, ProbeStalls } from './bench-relay/stall-probe';

/** Bad options end the run with one line and exit code 2, as the relay's own CLI does. */
function refuse(message: string): never {
  console.error(`bench:relay: ${message} (see --help)`);
  process.exit(2);
}

const benchOptions = {
  options: {
    clients: { type: 'string', default: '200' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    cycles: { type: 'string', default: '0' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '1' },
    client: { type: 'string', default: 'lean' },
    poster: { type: 'string', default: 'lean' },
    'fan-out-window': { type: 'string' },
    'fan-out-window-max': { type: 'string' },
    'single-process': { type: 'boolean', default: false },
    'stream-process': { type: 'boolean', default: false },
    'cpu-limit': { type: 'string' },
    'relay-arg': { type: 'string', multiple: true, default: [] as string[] },
    'stall-clients': { type: 'string', default: '0' },
    owners: { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
} as const;
let values: ReturnType<typeof parseArgs<typeof benchOptions>>['values'];
try {
  values = parseArgs(benchOptions).values;
} catch (error) {
  refuse((error as Error).message.replaceAll('\n', ' '));
}
if (values.help) {
  console.log(
    [
      'npm run bench:relay -- [--clients 200] [--rate <webhooks/s> 1000] [--seconds 10] [--warmup 5]',
      '                       [--rounds 1] [--cycles 0] [--client lean|ws] [--poster lean|http]',
      '                       [--fan-out-window <ms>] [--fan-out-window-max <ms>] [--single-process]',
      "                       (the relay's own options, given to it) [--cpu-limit <cores>]",
      '                       [--relay-arg=<argument> ...] [--stall-clients <ms>] [--owners <n>]',
      '',
      '--client lean (default): clients that do the real handshake and read frames in place, so',
      '  the load generator takes little of the CPU it shares with the relay.',
      "--client ws: clients on the ws library, as the app's relay client is built.",
      "--poster lean (default): StackOne's stand-in posts over hand-written keep-alive HTTP/1.1,",
      '  about half the CPU of node:http (used by --poster http, and by figures before 2026-12-01).',
      '--warmup: seconds posted at the same rate just before the measured ones, not counted.',
      '--rounds: measured rounds (each with its warm-up) back to back against the same relay and',
      '  clients; with more than one, their p99s are listed lowest first at the end. On a',
      "  shared VM one round's p99 says little: compare lists. --cycles: connect/subscribe/",
      '  disconnect cycles after those rounds, then as many rounds again.',
      '--cpu-limit: runs the relay and the load generator together within that many cores of',
      "  this machine's time (a cgroup CPU quota, e.g. 0.8), to measure as on a slower machine.",
      '  Needs Linux cgroups with the cpu controller and root.',
      "--relay-arg: one more argument for the relay's command line, as is (repeatable, each with",
      "  its '='), e.g. --relay-arg=--retention-events=10000000; see npm run relay -- --help.",
      '--stall-clients: in each round, stops every client (their process, SIGSTOP) for that many',
      "  ms from 1 s into the measured seconds, as a network that stops carrying the relay's",
      '  traffic for a while, and says how they came back: when the events sent meanwhile had',
      '  all arrived, and the latencies after. The clients must catch up on their side too.',
      '--owners: the webhooks name that many owners in turn, and client n subscribes as the app',
      '  does, to the events of owner n (modulo their number) alone, asking to be told its',
      "  position; each webhook goes to its owner's clients only. 0 (default): every client takes",
      '  every event (the webhooks name 50 owners).',
    ].join('\n'),
  );
  process.exit(0);
}
function wholeNumber(
  flag:
    'clients' | 'rate' | 'seconds' | 'cycles' | 'warmup' | 'rounds' | 'stall-clients' | 'owners',
  least: number,
) {
  const text = values[flag];
  const number = Number(text);
  if (!Number.isSafeInteger(number) || number < least)
    refuse(`--${flag} must be a whole number of ${least} or more, got "${text}"`);
  return number;
}
const clientCount = wholeNumber('clients', 1);
const rate = wholeNumber('rate', 1);
const seconds = wholeNumber('seconds', 1);
const cycles = wholeNumber('cycles', 0);
const warmupSeconds = wholeNumber('warmup', 0);
const roundCount = wholeNumber('rounds', 1);
const clientStallMs = wholeNumber('stall-clients', 0);
const owners = wholeNumber('owners', 0);
/** How many clients take webhook `id`: its owner's with --owners, else all. */
const deliveriesOf = (id: number) =>
  owners === 0 ? clientCount : clientsOfOwner(id, owners, clientCount);
/** When the clients are stopped, after the measured seconds begin. */
const clientStallAtMs = 1_000;
// Let go again with two seconds of the round left: the second after, and the seconds after that.
if (clientStallMs > 0 && clientStallAtMs + clientStallMs > (seconds - 2) * 1000)
  refuse(
    `--stall-clients must end 2 s before the round does: at most ${(seconds - 3) * 1000} ms with --seconds ${seconds}`,
  );
if (values.poster !== 'lean' && values.poster !== 'http')
  refuse(`--poster must be lean or http, got "${values.poster}"`);
if (values['single-process'] && values['stream-process'])
  refuse('give --single-process or --stream-process, not both');
if (values.client !== 'lean' && values.client !== 'ws')
  refuse(`--client must be lean or ws, got "${values.client}"`);
const cpuLimitCores = values['cpu-limit'] === undefined ? undefined : Number(values['cpu-limit']);
if (
  cpuLimitCores !== undefined &&
  !(cpuLimitCores >= 0.1 && cpuLimitCores <= availableParallelism())
)
  refuse(
    `--cpu-limit must be a number of cores from 0.1 to ${availableParallelism()}, got "${values['cpu-limit']}"`,
  );
// The machine's own, before a CPU limit or anything of the run's loads it.
const machineCosts = await measureMachineCosts();
let cpuLimit: CpuLimit | undefined;
if (cpuLimitCores !== undefined) {
  try {
    // Before anything starts: the relay, the clients and the probe inherit this process's cgroup.
    cpuLimit = limitCpu(cpuLimitCores, { pid: process.pid });
  } catch (error) {
    refuse(`--cpu-limit: ${(error as Error).message}`);
  }
}
const {
  process: relayProcess,
  dataDir,
  url: relayUrlKnown,
} = startBenchRelay({
  benchName: 'bench:relay',
  refuse,
  // As docs/relay.md deploys it: the main process of a relay with a stream process does not fan
  // out, and needs a smaller young generation.
  semiSpaceMb: values['single-process'] ? 8 : 4,
  clients: clientCount,
  relayArgs: [
    // The relay's own defaults unless given.
    ...(values['fan-out-window'] ? ['--fan-out-window', values['fan-out-window']] : []),
    ...(values['fan-out-window-max'] ? ['--fan-out-window-max', values['fan-out-window-max']] : []),
    ...(values['single-process'] ? ['--single-process'] : []),
    ...values['relay-arg'],
  ],
});
// After the relay's own cleanup (registered first): the group can go once the relay has.
process.once('exit', () => releaseCpuLimit());
function releaseCpuLimit(): void {
  try {
    cpuLimit?.release();
  } catch {
    // Only ever a leftover empty group, which the next run with --cpu-limit removes.
  }
  cpuLimit = undefined;
}
const relayUrl = await relayUrlKnown;
const { hostname, port } = new URL(relayUrl);
/** Set as the run stops the relay itself; before that, the relay ending ends the run. */
let stoppingRelay = false;
endWithRelay(relayProcess, {
  benchName: 'bench:relay',
  lost: 'the round or cycles under way are lost',
  stopping: () => stoppingRelay,
});

const clientsProcess = fork(
  fileURLToPath(new URL('./bench-relay/stream-clients.ts', import.meta.url)),
  [],
  { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'inherit' },
);
const probeProcess = fork(
  fileURLToPath(new URL('./bench-relay/stall-probe.ts', import.meta.url)),
  [],
  { execArgv: ['--import', 'tsx'], stdio: 'inherit' },
);
// Killed before the relay's cleanup above runs, so that the CPU limit's group is left empty sooner.
process.prependOnceListener('exit', () => {
  clientsProcess.kill('SIGKILL');
  probeProcess.kill('SIGKILL');
});

/**
 * Sends `request` (if any) to a child of this benchmark and resolves with its next reply of type
 * `answer`; rejects if the child exits first.
 */
function nextReply<Reply extends { type: string }, T extends Reply['type']>(
  child: ChildProcess,
  name: string,
  answer: T,
  request?: Serializable,
): Promise<Extract<Reply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`${name} exited (${code})`));
    };
    const onMessage = (reply: Reply) => {
      if (reply.type !== answer) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(reply as Extract<Reply, { type: T }>);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (request !== undefined) child.send(request);
  });
}
const ask = <T extends ClientsReply['type']>(request: ClientsRequest, answer: T) =>
  nextReply<ClientsReply, T>(clientsProcess, 'bench clients', answer, request);
const askProbe = <T extends ProbeReply['type']>(answer: T, request?: ProbeRequest) =>
  nextReply<ProbeReply, T>(probeProcess, 'bench stall probe', answer, request);
const probeReady = askProbe('ready');
/** The machine's stalls the probe saw from `fromUs` to now (CLOCK_MONOTONIC). */
const machineStalls = (fromUs: number): Promise<ProbeStalls> =>
  askProbe('stalls', { type: 'stalls', fromUs, toUs: nowUs() });

/** Peak resident memory of the relay: its main process and its stream process together. */
let peakRss = 0;
/** The same, counting the Node binary's pages (mapped by both processes) once, as they are held. */
let peakRssSharedOnce = 0;
/** Where `peakRssSharedOnce` was when it was reached: which process's own pages, and the binary's. */
let peakParts = { mainPrivate: 0, streamPrivate: 0, fileBacked: 0 };
let relayProcesses = 1;
const relayProcFiles = `/proc/${relayProcess.pid}`;
/**
 * Reads the relay's resident memory from /proc where there is one, so that measuring it costs the
 * relay nothing; elsewhere from the relay's own /metrics (its main process only).
 */
async function sampleRelayMemory(): Promise<void> {
  if (!existsSync(relayProcFiles)) {
    const metrics = await (await fetch(`${relayUrl}/metrics`)).text();
    const rss = Number(/^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1] ?? 0);
    peakRss = Math.max(peakRss, rss);
    peakRssSharedOnce = Math.max(peakRssSharedOnce, rss);
    return;
  }
  const memory = await readRelayMemory(relayProcess.pid as number);
  peakRss = Math.max(peakRss, memory.rss);
  if (binaryCountedOnce(memory) > peakRssSharedOnce) {
    peakRssSharedOnce = binaryCountedOnce(memory);
    peakParts = memory;
  }
  relayProcesses = Math.max(relayProcesses, memory.processes);
}
/** With `parts`, what the peak was made of: so a run near the memory target says where it went. */
const memoryLine = ({ parts = false } = {}) =>
  relayProcesses > 1
    ? `${megabytes(peakRssSharedOnce)} (${relayProcesses} processes; ` +
      (parts
        ? `at the peak the main process's own pages ${megabytes(peakParts.mainPrivate)}, ` +
          `the stream process's ${megabytes(peakParts.streamPrivate)} and the Node binary's ` +
          `${megabytes(peakParts.fileBacked)}; `
        : '') +
      `${megabytes(peakRss)} counting the Node binary they share in each)`
    : `${megabytes(peakRss)} (1 process)`;
const memoryTimer = setInterval(() => void sampleRelayMemory().catch(() => undefined), 100);

interface CpuReading {
  atMs: number;
  /** By name: the process's pid and its CPU times (undefined without /proc). */
  processes: Map<string, { pid: number | undefined; times: CpuTimes | undefined }>;
  machine: MachineTicks | undefined;
  kdamond: KdamondCpu;
}
/** Every process of the relay and of the benchmark, by name, and the machine's counters, now. */
async function readCpu(): Promise<CpuReading> {
  const streamPid = Number((await childPids(relayProcess.pid as number).catch(() => []))[0]);
  const pids: [string, number | undefined][] = [
    [Number.isInteger(streamPid) ? 'relay main' : 'relay', relayProcess.pid],
    ...(Number.isInteger(streamPid) ? [['relay streams', streamPid] as [string, number]] : []),
    ['clients', clientsProcess.pid],
    ['poster', process.pid],
    ['probe', probeProcess.pid],
  ];
  const times = await Promise.all(
    pids.map(([, pid]) => (pid === undefined ? undefined : readProcessCpu(pid))),
  );
  return {
    atMs: performance.now(),
    processes: new Map(pids.map(([name, pid], i) => [name, { pid, times: times[i] }])),
    machine: await readMachineTicks(),
    kdamond: await readKdamondCpu(),
  };
}

interface CpuFigures {
  /** Each process's % of a core, with the % it waited for one, as printed. */
  line: string;
  /** All the processes' busy % of a core together. */
  allBusy: number;
  /** The relay's processes' % of a core spent ready to run but waiting for one. */
  relayWaiting: number;
  /** The kernel's kdamond threads' % of a core; undefined where none ran all through the round. */
  kdamondBusy: number | undefined;
}
function cpuFigures(start: CpuReading, end: CpuReading): CpuFigures | undefined {
  const elapsedMs = end.atMs - start.atMs;
  const parts: string[] = [];
  let allBusy = 0;
  let relayWaiting = 0;
  for (const [name, before] of start.processes) {
    const after = end.processes.get(name);
    // A stream process that restarted within the round is another process: nothing to compare.
    if (!before.times || !after?.times || after.pid !== before.pid) return undefined;
    const { busy, waiting } = shareOfACore(before.times, after.times, elapsedMs);
    parts.push(`${name} ${busy.toFixed(1)} (${waiting.toFixed(1)})`);
    allBusy += busy;
    if (name.startsWith('relay')) relayWaiting += waiting;
  }
  const steal =
    start.machine && end.machine
      ? `; steal ${stealShare(start.machine, end.machine).toFixed(1)}% of the machine's time`
      : '';
  const kdamondBusy = kdamondShare(start.kdamond, end.kdamond, elapsedMs);
  const kdamond =
    kdamondBusy === undefined ? '' : `; the kernel's kdamond ${kdamondBusy.toFixed(1)}`;
  return {
    line:
      `${parts.join(', ')}; all ${allBusy.toFixed(1)} of the machine's ${availableParallelism() * 100}` +
      `${cpuLimit ? ` (of the limit's ${Math.round(cpuLimit.cores * 100)})` : ''}${steal}${kdamond}`,
    allBusy,
    relayWaiting,
    kdamondBusy,
  };
}

const httpAgent = new Agent({ keepAlive: true, maxSockets: 64 });
const leanPoster = createLeanWebhookPoster({
  host: hostname,
  port: Number(port),
  path: '/webhooks/stackone',
  maxConnections: 64,
});
/** Posts one signed webhook; resolves with its status and the ms from POST to the answer. */
function postWebhook(body: string): Promise<PostResult> {
  const signature = createHmac('sha256', secret).update(body).digest('base64url');
  if (values.poster === 'lean') return leanPoster.post(body, signature);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: hostname,
        port,
        path: '/webhooks/stackone',
        method: 'POST',
        agent: httpAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-stackone-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
        );
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

const relayHealth = async () =>
  (await (await fetch(`${relayUrl}/healthz`)).json()) as { headSeq: number; clients: number };

/**
 * The relay's count of connected clients once it reaches `expected`, or after 2 s whatever it is:
 * the last cycles' connections close in the relay a moment after they do in the clients.
 */
async function settledClientCount(expected: number): Promise<number> {
  const deadline = performance.now() + 2_000;
  for (;;) {
    const { clients } = await relayHealth();
    if (clients === expected || performance.now() > deadline) return clients;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The relay's /metrics now: its own delay histogram (accepted to written to subscribers:
 * cumulative count per bucket bound in seconds) and what held its main process up since the
 * last scrape (which resets the event loop's worst delay).
 */
async function relayMetricsNow(): Promise<{
  fanOutDelay: Map<string, number>;
  holdUps: RelayHoldUps;
  clientsTimedOut: number;
}> {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  const fanOutDelay = new Map<string, number>();
  for (const match of text.matchAll(
    /^relay_event_fan_out_delay_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm,
  ))
    fanOutDelay.set(match[1] as string, Number(match[2]));
  return {
    fanOutDelay,
    holdUps: readRelayHoldUps(text),
    clientsTimedOut: Number(/^relay_stream_clients_timed_out_total (\d+)$/m.exec(text)?.[1] ?? 0),
  };
}

/** This process's (the poster's) event loop: a webhook cannot be posted while it is held up. */
const posterLoopDelay = monitorEventLoopDelay({ resolution: loopSamplingMs });
posterLoopDelay.enable();

/** The worst event loop delays in a round, and the relay's longer garbage collection pauses. */
interface RoundHoldUps {
  relayMainMs: number;
  relayGcPausesOverTenMs: number;
  relayStoresOverTwentyFiveMs: number;
  /** NaN with --single-process. */
  relayStreamsMs: number;
  posterMs: number;
}

/** The share of the measured window's events the relay sent within 5, 10, 25 and 50 ms. */
function relayDelayShares(before: Map<string, number>, after: Map<string, number>): string {
  const inWindow = (le: string) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const total = inWindow('+Inf');
  if (total === 0) return 'none measured';
  return ['0.005', '0.01', '0.025', '0.05']
    .map((le) => `<= ${Number(le) * 1000} ms ${((inWindow(le) / total) * 100).toFixed(1)}%`)
    .join(', ');
}

interface Round {
  sent: number;
  answered: number;
  /** Deliveries due: to each client that takes a webhook answered 200. */
  expected: number;
  delivered: number;
  /** Clients the relay dropped for its heartbeat during the round (they do not reconnect). */
  clientsTimedOut: number;
  /** As the round began, by the relay's count: fewer than asked for where earlier rounds lost some. */
  clientsConnectedAtStart: number;
  latencies: Float64Array;
  acceptLatencies: Float64Array;
  elapsedSeconds: number;
  relayDelay: string;
  holdUps: RoundHoldUps;
  machineStalls: ProbeStalls;
  cpu: CpuFigures | undefined;
  /** With --stall-clients. */
  recovery: StallRecovery | undefined;
}

/**
 * Stops the clients' process `afterMs` from now for `clientStallMs`, and resolves to when it was
 * let go on (CLOCK_MONOTONIC, us).
 */
function stallClients(afterMs: number): Promise<number> {
  return new Promise((resolve) =>
    setTimeout(() => {
      clientsProcess.kill('SIGSTOP');
      setTimeout(() => {
        clientsProcess.kill('SIGCONT');
        resolve(nowUs());
      }, clientStallMs);
    }, afterMs),
  );
}

let nextId = 0;
/**
 * Posts at the steady rate for the warm-up and then the measured seconds without a pause between
 * them, so the measured window starts under load rather than from idle. Only webhooks stamped
 * after the warm-up count, in this process and in the clients'.
 */
async function runRound(): Promise<Round> {
  const total = Math.round(rate * (warmupSeconds + seconds));
  const measuredFromUs = nowUs() + warmupSeconds * 1_000_000;
  const timedOutBefore = (await relayMetricsNow()).clientsTimedOut;
  const clientsConnectedAtStart = (await relayHealth()).clients;
  // Room for every delivery due (with --owners, far fewer than one per webhook per client).
  let capacity = 0;
  for (let id = nextId; id < nextId + total; id++) capacity += deliveriesOf(id);
  await ask({ type: 'round', sinceUs: measuredFromUs, capacity }, 'round-ready');
  const measured: Promise<PostResult>[] = [];
  const warmup: Promise<PostResult>[] = [];
  /** The deliveries each webhook posted is due, in the order of `measured` and `warmup`. */
  const measuredDue: number[] = [];
  const warmupDue: number[] = [];
  // The relay's histogram as the measured window starts (its fan-out reports lag by a window).
  const metricsAtStart = new Promise<Awaited<ReturnType<typeof relayMetricsNow>>>((resolve) =>
    setTimeout(() => {
      posterLoopDelay.reset();
      resolve(relayMetricsNow());
    }, warmupSeconds * 1000),
  );
  const cpuAtStart = new Promise<CpuReading>((resolve) =>
    setTimeout(() => resolve(readCpu()), warmupSeconds * 1000),
  );
  const started = performance.now();
  const clientsResumed =
    clientStallMs > 0 ? stallClients(warmupSeconds * 1000 + clientStallAtMs) : undefined;
  let measuredStarted = started;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (sent < due) {
        const id = nextId++;
        const now = new Date().toISOString();
        const sentUs = nowUs();
        const body = `{"bench_sent_us":${sentUs},"project_id":"bench","event":"account.updated","event_date":"${now}","record_type":"account","record_id":"bench-${id}","sent_at":"${now}","account_id":"bench-${id}","provider":"bamboohr","origin_owner_id":"${benchOwner(id, owners || 50)}"}`;
        if (sentUs < measuredFromUs) {
          warmup.push(postWebhook(body));
          warmupDue.push(deliveriesOf(id));
        } else {
          if (measured.length === 0) measuredStarted = performance.now();
          measured.push(postWebhook(body));
          measuredDue.push(deliveriesOf(id));
        }
        sent += 1;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const cpu = cpuFigures(await cpuAtStart, await readCpu());
  const answers = await Promise.all(measured);
  const elapsedSeconds = (performance.now() - measuredStarted) / 1000;
  const warmupAnswers = await Promise.all(warmup);
  const posterMs = heldUpMs(posterLoopDelay.max);
  const atStart = await metricsAtStart;
  const atEnd = await relayMetricsNow();
  const relayDelay = relayDelayShares(atStart.fanOutDelay, atEnd.fanOutDelay);
  const holdUps: RoundHoldUps = {
    relayMainMs: atEnd.holdUps.loopDelayMaxMs,
    relayGcPausesOverTenMs: atEnd.holdUps.gcPausesOverTenMs - atStart.holdUps.gcPausesOverTenMs,
    relayStoresOverTwentyFiveMs:
      atEnd.holdUps.storesOverTwentyFiveMs - atStart.holdUps.storesOverTwentyFiveMs,
    relayStreamsMs: atEnd.holdUps.streamLoopDelayMaxMs,
    posterMs,
  };
  const isStored = (answer: { status: number }) => answer.status === 200;
  const answered = answers.filter(isStored).length;
  const due = (posted: PostResult[], dues: number[]) =>
    posted.reduce((sum, answer, i) => sum + (isStored(answer) ? (dues[i] ?? 0) : 0), 0);
  const expected = due(answers, measuredDue);
  const resumedUs = await clientsResumed;
  const result = await ask(
    {
      type: 'collect',
      expected: expected + due(warmupAnswers, warmupDue),
      timeoutMs: 15_000,
      ...(resumedUs !== undefined && { resumedUs }),
    },
    'collected',
  );
  return {
    machineStalls: await machineStalls(measuredFromUs),
    sent: measured.length,
    answered,
    expected,
    delivered: result.delivered,
    clientsTimedOut: (await relayMetricsNow()).clientsTimedOut - timedOutBefore,
    clientsConnectedAtStart,
    latencies: result.latenciesMs,
    acceptLatencies: Float64Array.from(answers, (answer) => answer.ms).sort(),
    elapsedSeconds,
    relayDelay,
    holdUps,
    cpu,
    recovery: result.recovery,
  };
}

/** p50, p99 and max of sorted latencies, or a note that there were none to measure. */
function latencyFigures(sorted: Float64Array, withMax: boolean): string {
  if (sorted.length === 0) return 'none measured';
  const ms = (p: number) => `${percentile(sorted, p).toFixed(1)} ms`;
  return `p50 ${ms(50)}, p99 ${ms(99)}${withMax ? `, max ${ms(100)}` : ''}`;
}

function recoveryLine(recovery: StallRecovery): string {
  return (
    `  clients stopped ${clientStallMs} ms from ${clientStallAtMs / 1000} s into the measured ` +
    `seconds: the events sent before they went on had all arrived ` +
    `${recovery.caughtUpMs.toFixed(1)} ms after; POST-to-client of those sent in the second ` +
    `after: ${latencyFigures(recovery.firstSecondMs, true)}; of those sent later: ` +
    latencyFigures(recovery.laterMs, true)
  );
}

function report(label: string, round: Round, clients: number): void {
  const { expected } = round;
  const subscribed =
    owners === 0 ? '' : `, each taking one of ${owners} owners' events (filters, as the app)`;
  console.log(
    [
      `${label}: ${clients} ${values.client} clients${subscribed}, target ${rate} webhooks/s for ${seconds} s`,
      `  webhooks: ${round.sent} sent, ${round.answered} answered 200, ${(round.answered / round.elapsedSeconds).toFixed(0)}/s achieved`,
      `  deliveries: ${round.delivered} of ${expected} expected${expected > 0 ? ` (${((round.delivered / expected) * 100).toFixed(2)}%)` : ''}; clients the relay dropped as dead (its heartbeat): ${round.clientsTimedOut}${round.clientsConnectedAtStart < clients ? `; ${round.clientsConnectedAtStart} of the ${clients} clients connected as the round began (the benchmark's clients do not reconnect)` : ''}`,
      `  POST-to-200 (stored and fsync'd): ${latencyFigures(round.acceptLatencies, false)}`,
      `  POST-to-client latency: ${latencyFigures(round.latencies, true)}`,
      ...(round.recovery ? [recoveryLine(round.recovery)] : []),
      `  in the relay (accepted to written to every client, its /metrics): ${round.relayDelay}`,
      `  held up at worst (an event loop's delay beyond its 10 ms sampling): the relay's main process ${round.holdUps.relayMainMs.toFixed(1)} ms (garbage collection pauses over 10 ms: ${round.holdUps.relayGcPausesOverTenMs}; webhooks whose storing took over 25 ms: ${round.holdUps.relayStoresOverTwentyFiveMs}), ${values['single-process'] ? '' : `its stream process ${heldUpText(round.holdUps.relayStreamsMs, ' ms')}, `}the poster ${round.holdUps.posterMs.toFixed(1)} ms`,
      `  the machine (an idle probe's 2 ms timer): stalled ${round.machineStalls.worstMs.toFixed(1)} ms at worst, ${round.machineStalls.overTenMs} times over 10 ms`,
      `  CPU over the measured seconds, % of a core (and % waiting for one): ${round.cpu?.line ?? 'not measured (no /proc here, or a relay process restarted)'}`,
      `  relay peak RSS so far: ${memoryLine()}`,
    ].join('\n'),
  );
}

/** Each round's p99s, lowest first, and how many rounds delivered everything they were due. */
function roundsSummary(rounds: Round[]): string {
  const p99s = (latencies: (round: Round) => Float64Array) =>
    rounds
      .map((round) => percentile(latencies(round), 99))
      .sort((a, b) => a - b)
      .map((ms) => ms.toFixed(1))
      .join(', ');
  const complete = rounds.filter(
    (round) => round.delivered === round.expected && round.answered === round.sent,
  ).length;
  const inRoundOrder = (what: string, figures: (round: Round) => string, unit = '') =>
    `  in round order, ${what}: ${rounds.map(figures).join(', ')}${unit}`;
  return [
    `${rounds.length} rounds, p99 of each, lowest first:`,
    `  POST-to-client: ${p99s((round) => round.latencies)} ms`,
    `  POST-to-200: ${p99s((round) => round.acceptLatencies)} ms`,
    `  every webhook answered 200 and every delivery made in ${complete} of ${rounds.length} rounds`,
    inRoundOrder(
      "POST-to-client p99 / the machine's worst stall",
      (round) =>
        `${percentile(round.latencies, 99).toFixed(1)} / ${round.machineStalls.worstMs.toFixed(1)}`,
      ' ms',
    ),
    inRoundOrder(
      `held up at worst, the relay's main process${values['single-process'] ? '' : ' / its stream process'} / the poster`,
      (round) =>
        [
          round.holdUps.relayMainMs,
          ...(values['single-process'] ? [] : [round.holdUps.relayStreamsMs]),
          round.holdUps.posterMs,
        ]
          .map((ms) => heldUpText(ms))
          .join(' / '),
      ' ms',
    ),
    inRoundOrder(
      "webhooks whose storing took over 25 ms / the relay's garbage collection pauses over 10 ms",
      (round) =>
        `${round.holdUps.relayStoresOverTwentyFiveMs} / ${round.holdUps.relayGcPausesOverTenMs}`,
    ),
    inRoundOrder(
      "CPU of every process together / the relay's waiting for a core, % of a core",
      (round) =>
        round.cpu
          ? `${round.cpu.allBusy.toFixed(1)} / ${round.cpu.relayWaiting.toFixed(1)}`
          : 'not measured',
    ),
    ...(clientStallMs > 0
      ? [
          inRoundOrder(
            'clients stopped: caught up after going on / p99 of the second after / p99 later',
            (round) =>
              round.recovery
                ? [
                    round.recovery.caughtUpMs,
                    percentile(round.recovery.firstSecondMs, 99),
                    percentile(round.recovery.laterMs, 99),
                  ]
                    .map((ms) => ms.toFixed(1))
                    .join(' / ')
                : 'not measured',
            ' ms',
          ),
        ]
      : []),
    ...(rounds.some((round) => round.cpu?.kdamondBusy !== undefined)
      ? [
          inRoundOrder("the kernel's kdamond, % of a core", (round) =>
            round.cpu?.kdamondBusy === undefined ? 'not running' : round.cpu.kdamondBusy.toFixed(1),
          ),
        ]
      : []),
  ].join('\n');
}

console.log(
  `machine: ${cpus()[0]?.model ?? 'an unknown CPU'}, ${availableParallelism()} cores, ${type()} ${release()}, Node ${process.version}`,
);
console.log(describeMachineCosts(machineCosts));
console.log(describeKernelMemoryMonitor(await readKernelMemoryMonitor()));
if (cpuLimit) console.log(`CPU limit: ${cpuLimit.description}`);
if (values['relay-arg'].length > 0)
  console.log(`relay arguments added: ${values['relay-arg'].join(' ')}`);
await ask(
  {
    type: 'connect',
    url: relayUrl,
    token,
    count: clientCount,
    lean: values.client === 'lean',
    owners,
  },
  'connected',
);
await probeReady;
// The first fetch() loads undici, which takes this process tens of ms: done in the middle of a
// round (the measured window's first scrape), it held up the poster and put a cluster of slow
// answers at the start of every measurement.
await relayMetricsNow();
/** Runs `roundCount` measured rounds, numbered from `firstNumber`, and sums them up. */
async function measureRounds(firstNumber: number, label: string): Promise<void> {
  const measuredRounds: Round[] = [];
  for (let round = firstNumber; round < firstNumber + roundCount; round++) {
    const measured = await runRound();
    report(`round ${round}${label}`, measured, clientCount);
    measuredRounds.push(measured);
  }
  if (roundCount > 1) console.log(roundsSummary(measuredRounds));
}

await measureRounds(1, '');

if (cycles > 0) {
  const head = (await relayHealth()).headSeq;
  const churn = await ask({ type: 'cycles', count: cycles, cursor: head, owners }, 'cycles-done');
  const clientsNow = await settledClientCount(clientCount);
  console.log(
    `${cycles} connect/subscribe/disconnect cycles in ${churn.seconds.toFixed(1)} s; relay reports ${clientsNow} clients connected`,
  );
  await measureRounds(roundCount + 1, ' (after the cycles)');
}

clearInterval(memoryTimer);
await sampleRelayMemory().catch(() => undefined);
console.log(`relay peak RSS: ${memoryLine({ parts: true })}`);
/** Resolves once `child` has exited, at once if it already has. */
const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode === null && child.signalCode === null
      ? child.once('exit', () => resolve())
      : resolve(),
  );
clientsProcess.send({ type: 'close' } satisfies ClientsRequest);
await exited(clientsProcess);
const probeExited = exited(probeProcess);
probeProcess.disconnect();
httpAgent.destroy();
leanPoster.close();
stoppingRelay = true;
relayProcess.kill('SIGTERM');
await exited(relayProcess);
rmSync(dataDir, { recursive: true, force: true });
// The group can go once every process in it but this one has gone.
await probeExited;
releaseCpuLimit();
