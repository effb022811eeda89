/**
 * Relay benchmark: starts the relay (its own process, fsync on), connects N stream clients,
 * posts signed webhooks at a steady rate, and prints throughput, POST-to-client latency
 * (p50/p99/max over every delivery), deliveries against expected, and the relay's peak memory.
 *
 *   npm run bench:relay -- --clients 200 --rate 1000 --seconds 10 [--warmup 3] [--cycles 10000]
 *
 * The relay runs as built by `npm run build:relay` (out/relay/cli.js), as it is deployed. A
 * warm-up round at the same rate runs first and is not reported (JIT, connection pools).
 *
 * With --cycles, it measures once, runs that many connect/subscribe/disconnect cycles, and
 * measures again, to show whether churn slows the relay down.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    cycles: { type: 'string', default: '0' },
    warmup: { type: 'string', default: '3' },
    'fan-out-window': { type: 'string', default: '5' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'npm run bench:relay -- [--clients 200] [--rate <webhooks/s> 1000] [--seconds 10] [--warmup 3] [--cycles 0]',
  );
  process.exit(0);
}
const clientCount = Number(values.clients);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const cycles = Number(values.cycles);
const warmupSeconds = Number(values.warmup);
const secret = 'bench-secret';
const token = 'bench-token';

const dataDir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
const relayCli = 'out/relay/cli.js';
if (!existsSync(relayCli))
  throw new Error(`${relayCli} is missing: run \`npm run build:relay\` first.`);
const relayProcess = spawn(
  process.execPath,
  [
    relayCli,
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--webhook-secret',
    secret,
    '--client-token',
    token,
    '--fan-out-window',
    values['fan-out-window'],
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } },
);
const relayUrl = await new Promise<string>((resolve, reject) => {
  let output = '';
  relayProcess.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
    if (match?.[1]) resolve(match[1]);
  });
  relayProcess.once('exit', () => reject(new Error(`relay exited: ${output}`)));
});
const { hostname, port } = new URL(relayUrl);

let peakRss = 0;
async function sampleRelayMemory(): Promise<void> {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  const rss = Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? 0);
  peakRss = Math.max(peakRss, rss);
}
const memoryTimer = setInterval(() => void sampleRelayMemory().catch(() => undefined), 200);

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let acceptLatencies: number[] = [];
function postWebhook(body: string): Promise<number> {
  const started = performance.now();
  return new Promise<number>((resolve) => {
    const req = request(
      {
        host: hostname,
        port,
        path: '/webhooks/stackone',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-stackone-signature': createHmac('sha256', secret).update(body).digest('base64url'),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          acceptLatencies.push(performance.now() - started);
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

interface Round {
  sent: number;
  answered: number;
  delivered: number;
  latencies: Float64Array;
  acceptLatencies: Float64Array;
  elapsedSeconds: number;
}

// Preallocated, so that recording millions of samples does not itself cause GC pauses.
let sendTimes = new Float64Array(0);
let latencies = new Float64Array(0);
let delivered = 0;
let roundStartSeq = 0;

/** A stream client; `cursor` null replays everything retained, a number resumes after it. */
function connectClient(cursor: number | null = null): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${relayUrl.replace('http', 'ws')}/v1/stream`, {
      headers: { authorization: `Bearer ${token}` },
      skipUTF8Validation: true,
    });
    let lastSeq = 0;
    const ackTimer = setInterval(() => {
      if (lastSeq > 0 && ws.readyState === ws.OPEN) ws.send(`{"type":"ack","seq":${lastSeq}}`);
    }, 50);
    ws.on('close', () => clearInterval(ackTimer));
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', cursor })));
    ws.on('message', (data: Buffer) => {
      const at = data.indexOf('bench-');
      if (at < 0) {
        if (data.indexOf('"subscribed"') >= 0) resolve(ws);
        return;
      }
      const id = readNumber(data, at + 6);
      lastSeq = readNumber(data, data.indexOf('"seq":') + 6);
      if (id < roundStartSeq) return;
      const sentAt = sendTimes[id - roundStartSeq];
      if (sentAt !== undefined && sentAt > 0 && delivered < latencies.length) {
        latencies[delivered++] = performance.now() - sentAt;
      }
    });
  });
}

/** Reads the decimal number at `offset` without decoding the message to a string. */
function readNumber(data: Buffer, offset: number): number {
  let value = 0;
  for (let i = offset; i < data.length; i++) {
    const digit = (data[i] ?? 0) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

let nextId = 0;
async function runRound(clients: number, roundSeconds = seconds): Promise<Round> {
  const total = Math.round(rate * roundSeconds);
  latencies = new Float64Array(total * clients);
  sendTimes = new Float64Array(total);
  delivered = 0;
  acceptLatencies = [];
  roundStartSeq = nextId;
  const pending: Promise<number>[] = [];
  const started = performance.now();
  const tickMs = 5;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (sent < due) {
        const id = nextId++;
        const now = new Date().toISOString();
        const body = `{"project_id":"bench","event":"account.updated","event_date":"${now}","record_type":"account","record_id":"bench-${id}","sent_at":"${now}","account_id":"bench-${id}","provider":"bamboohr","origin_owner_id":"owner-${id % 50}"}`;
        sendTimes[id - roundStartSeq] = performance.now();
        pending.push(postWebhook(body));
        sent += 1;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  const statuses = await Promise.all(pending);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const answered = statuses.filter((s) => s === 200).length;
  const expected = answered * clients;
  const deadline = performance.now() + 15_000;
  while (delivered < expected && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  return {
    sent,
    answered,
    delivered,
    latencies: latencies.subarray(0, delivered).sort(),
    acceptLatencies: Float64Array.from(acceptLatencies).sort(),
    elapsedSeconds,
  };
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN);

function report(label: string, round: Round, clients: number): void {
  const expected = round.answered * clients;
  console.log(
    [
      `${label}: ${clients} clients, target ${rate} webhooks/s for ${seconds} s`,
      `  webhooks: ${round.sent} sent, ${round.answered} answered 200, ${(round.answered / round.elapsedSeconds).toFixed(0)}/s achieved`,
      `  deliveries: ${round.delivered} of ${expected} expected (${((round.delivered / Math.max(1, expected)) * 100).toFixed(2)}%)`,
      `  POST-to-200 (stored and fsync'd): p50 ${percentile(round.acceptLatencies, 50).toFixed(1)} ms, p99 ${percentile(round.acceptLatencies, 99).toFixed(1)} ms`,
      `  POST-to-client latency: p50 ${percentile(round.latencies, 50).toFixed(1)} ms, p99 ${percentile(round.latencies, 99).toFixed(1)} ms, max ${percentile(round.latencies, 100).toFixed(1)} ms`,
      `  relay peak RSS so far: ${(peakRss / 1024 / 1024).toFixed(1)} MB`,
    ].join('\n'),
  );
}

const clients: WebSocket[] = [];
for (let i = 0; i < clientCount; i += 50) {
  clients.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(50, clientCount - i) }, () => connectClient()),
    )),
  );
}
if (warmupSeconds > 0) await runRound(clientCount, warmupSeconds);
peakRss = 0;
report('round 1', await runRound(clientCount), clientCount);

if (cycles > 0) {
  const cycleStarted = performance.now();
  // Churn as apps cause it: each connection resumes from the newest event, as an app does from its cursor.
  const head = ((await (await fetch(`${relayUrl}/healthz`)).json()) as { headSeq: number }).headSeq;
  for (let done = 0; done < cycles; done += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, cycles - done) }, () => connectClient(head)),
    );
    await Promise.all(
      batch.map((ws) => new Promise((resolve) => ws.once('close', resolve).close())),
    );
  }
  const health = (await (await fetch(`${relayUrl}/healthz`)).json()) as { clients: number };
  console.log(
    `${cycles} connect/subscribe/disconnect cycles in ${((performance.now() - cycleStarted) / 1000).toFixed(1)} s; relay reports ${health.clients} clients connected`,
  );
  report('round 2 (after the cycles)', await runRound(clientCount), clientCount);
}

clearInterval(memoryTimer);
if (process.env.BENCH_DEBUG) {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  console.log(
    text
      .split('\n')
      .filter((l) => /eventloop_lag_p99|eventloop_lag_max|gc_duration_seconds_(sum|count)/.test(l))
      .join('\n'),
  );
}
await sampleRelayMemory().catch(() => undefined);
console.log(`relay peak RSS: ${(peakRss / 1024 / 1024).toFixed(1)} MB`);
for (const ws of clients) ws.terminate();
agent.destroy();
relayProcess.kill('SIGTERM');
await new Promise((resolve) => relayProcess.once('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });
