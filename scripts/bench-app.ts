/**
 * App benchmark (DESIGN.md's budget for the app): account events applied per second with
 * persistence, from the relay's stream to the account list written to disk.
 *
 *   npm run bench:app -- [--accounts 100] [--events 5000] [--rate 200] [--seconds 10]
 *
 * The relay runs as built by `npm run build:relay` (out/relay/cli.js), in a process of its own as
 * it is deployed; the StackOne simulator (which the app asks for each account's state) and the
 * app's own services (the onboarding service, its relay client and its account list on a real
 * electron-store file) run in this process, as the app's main process holds them.
 *
 * 1. Catching up: with the app offline, --events webhooks (account.updated for --accounts accounts
 *    of 10 customers) reach the relay; then the app starts, replays them from its cursor and
 *    applies them. Reported: events per second from its start until the last one is on disk, the
 *    StackOne look-ups and the file writes that took (the app looks each account up once per
 *    burst, however many of its events the burst holds), and the file's size.
 * 2. Steadily: with the app connected, webhooks at --rate per second for --seconds. Reported: the
 *    time from each webhook's POST to the relay to its event being on disk, p50/p99/max.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { availableParallelism, cpus, release, tmpdir, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Conf from 'conf';
import { openAccountStore, type AccountStore } from '../src/main/account-store';
import { simulatorProfile } from '../src/main/demo-backend';
import { silentLogger } from '../src/main/logger';
import { createOnboardingService, type OnboardingService } from '../src/main/onboarding-service';
import { createStackOneApi, type StackOneApi } from '../src/main/stackone-api';
import { startSimulator } from '../src/simulator/simulator-server';
import { signWebhookBody } from '../src/simulator/webhook-sender';
import { percentile } from './bench-relay/percentile';
import { watchRelayOutput } from './bench-relay/relay-output';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '100' },
    events: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'Usage: npm run bench:app -- [--accounts <n, 100>] [--events <n, 5000>] [--rate <per s, 200>] [--seconds <n, 10>]',
  );
  process.exit(0);
}
const wholeNumber = (name: keyof typeof values): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(
      `bench:app: --${name} must be a whole number of 1 or more, got "${values[name]}"`,
    );
    process.exit(2);
  }
  return value;
};
const accountCount = wholeNumber('accounts');
const eventCount = wholeNumber('events');
const rate = wholeNumber('rate');
const seconds = wholeNumber('seconds');

const relayCli = 'out/relay/cli.js';
if (!existsSync(relayCli)) {
  console.error(
    `bench:app: ${relayCli} is missing: run \`npm run build:relay\`, or use \`npm run bench:app\``,
  );
  process.exit(2);
}

const apiKey = 'v1.bench.app';
const webhookSecret = 'bench-app-secret';
const relayToken = 'bench-app-relay-token-0123';
const temp = mkdtempSync(join(tmpdir(), 'app-bench-'));
const relay = spawn(
  process.execPath,
  [
    relayCli,
    ...['--port', '0', '--data-dir', join(temp, 'relay')],
    ...['--webhook-secret', webhookSecret, '--client-token', relayToken],
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } },
);
process.once('exit', () => {
  relay.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});
const relayUrl = await watchRelayOutput(relay.stdout, (line) => console.error(`relay: ${line}`))
  .listening;
// Without the simulator's rate limit (StackOne's 1,000 requests a minute): the app looks each
// account up once per burst of its events, and this measures the app, not the limit.
const simulator = await startSimulator({
  apiKey,
  logger: silentLogger(),
  seed: 7,
  faults: { rateLimitPerMinute: null },
});

console.log(
  `machine: ${cpus()[0]?.model ?? 'an unknown CPU'}, ${availableParallelism()} cores, ${type()} ${release()}, Node ${process.version}`,
);

// The accounts, linked through the simulator's Hub API as the app's users link them.
const customers = Array.from({ length: 10 }, (_, i) => ({
  id: `customer-${i}`,
  name: `Customer ${i}`,
}));
const accounts: { id: string; customerId: string }[] = [];
for (let i = 0; i < accountCount; i++) {
  const customer = { id: `customer-${i % 10}`, name: `Customer ${i % 10}` };
  const session = (await (
    await fetch(`${simulator.url}/connect_sessions`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        origin_owner_id: customer.id,
        origin_owner_name: customer.name,
        multiple: true,
      }),
    })
  ).json()) as { token: string };
  const linked = (await (
    await fetch(`${simulator.url}/hub/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-session-token': session.token },
      body: JSON.stringify({
        integration_id: 'int_bamboohr_api_key',
        credentials: { subdomain: `s${i}`, api_key: 'k'.repeat(24) },
      }),
    })
  ).json()) as { id: string };
  accounts.push({ id: linked.id, customerId: customer.id });
}

/** Posts one signed account.updated webhook; resolves to the relay's seq for it. */
async function postWebhook(n: number): Promise<{ seq: number }> {
  const account = accounts[n % accounts.length];
  if (account === undefined) throw new Error('no accounts linked');
  const now = new Date().toISOString();
  const body = JSON.stringify({
    project_id: 'bench',
    event: 'account.updated',
    event_date: now,
    record_type: 'account',
    record_id: randomUUID(),
    sent_at: now,
    account_id: account.id,
    provider: 'bamboohr',
    origin_owner_id: account.customerId,
  });
  const response = await fetch(`${relayUrl}/webhooks/stackone`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-stackone-signature': signWebhookBody(body, webhookSecret),
    },
    body,
  });
  if (response.status !== 200) throw new Error(`the relay answered ${response.status}`);
  return { seq: ((await response.json()) as { seq: number }).seq };
}

interface App {
  service: OnboardingService;
  /** The cursor of the last write to disk, and when each cursor reached disk. */
  onWritten(listener: (cursor: number, at: number) => void): void;
  lookups(): number;
  writes(): number;
}

function startApp(): App {
  const storeDir = join(temp, 'store');
  const inner = openAccountStore({
    open: () => new Conf<Record<string, unknown>>({ cwd: storeDir, configName: 'onboarding' }),
    filePath: join(storeDir, 'onboarding.json'),
  });
  for (const customer of customers) inner.addCustomer(customer);
  let writes = 0;
  let lookups = 0;
  const listeners: ((cursor: number, at: number) => void)[] = [];
  const store: AccountStore = Object.assign(Object.create(inner) as AccountStore, {
    async flush() {
      await inner.flush();
      writes += 1;
      const cursor = inner.relayCursor;
      if (cursor !== null) for (const listener of listeners) listener(cursor, performance.now());
    },
  });
  const api = createStackOneApi({ apiKey, baseUrl: simulator.url });
  const countingApi: StackOneApi = {
    ...api,
    getAccount: (id) => {
      lookups += 1;
      return api.getAccount(id);
    },
  };
  const service = createOnboardingService({
    profile: simulatorProfile({ apiKey, simulatorUrl: simulator.url, relayUrl, relayToken }),
    store,
    api: countingApi,
    // The benchmark makes no auth link, so it keeps none.
    cipher: {
      storage: 'unavailable',
      encrypt: () => Promise.reject(new Error('no secret storage in the benchmark')),
      decrypt: () => Promise.reject(new Error('no secret storage in the benchmark')),
    },
    logger: silentLogger(),
    emit: () => undefined,
  });
  return {
    service,
    onWritten: (listener) => listeners.push(listener),
    lookups: () => lookups,
    writes: () => writes,
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

// 1. Catching up.
let lastSeq = 0;
for (let n = 0; n < eventCount; n += 20) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(20, eventCount - n) }, (_, i) => postWebhook(n + i)),
  );
  lastSeq = Math.max(lastSeq, ...batch.map((posted) => posted.seq));
}
const app = startApp();
const caughtUp = new Promise<number>((resolve) =>
  app.onWritten((cursor, at) => cursor >= lastSeq && resolve(at)),
);
const started = performance.now();
app.service.start();
const caughtUpAt = await caughtUp;
const catchUpMs = caughtUpAt - started;
console.log(
  `catching up: ${eventCount} events for ${accountCount} accounts applied and on disk in ${ms(catchUpMs)}: ${Math.round((eventCount / catchUpMs) * 1000)} events/s; ${app.lookups()} StackOne look-ups, ${app.writes()} file writes, file ${(statSync(join(temp, 'store', 'onboarding.json')).size / 1024).toFixed(1)} KiB`,
);

// 2. Steadily. An event can be on disk before its POST's answer is read here, so each write is
// kept and an answer finds the first write that covered its seq.
const written: { cursor: number; at: number }[] = [];
const waiting = new Map<number, number>();
const latencies: number[] = [];
app.onWritten((cursor, at) => {
  written.push({ cursor, at });
  for (const [seq, sentAt] of waiting) {
    if (seq > cursor) continue;
    latencies.push(at - sentAt);
    waiting.delete(seq);
  }
});
const onAnswered = (seq: number, sentAt: number) => {
  const covering = written.find((write) => write.cursor >= seq);
  if (covering) latencies.push(covering.at - sentAt);
  else waiting.set(seq, sentAt);
};
const lookupsBefore = app.lookups();
const writesBefore = app.writes();
const total = rate * seconds;
const steadyStart = performance.now();
const posts: Promise<void>[] = [];
for (let n = 0; n < total; n++) {
  const due = steadyStart + (n * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  const sentAt = performance.now();
  posts.push(postWebhook(n).then(({ seq }) => onAnswered(seq, sentAt)));
}
await Promise.all(posts);
const drainedBy = performance.now() + 30_000;
while (waiting.size > 0 && performance.now() < drainedBy)
  await new Promise((resolve) => setTimeout(resolve, 10));
const sorted = Float64Array.from(latencies).sort();
console.log(
  `steadily at ${rate}/s for ${seconds} s: ${latencies.length} of ${total} events on disk; from the webhook's POST to on disk p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1] ?? NaN)}; ${app.lookups() - lookupsBefore} StackOne look-ups, ${app.writes() - writesBefore} file writes`,
);

await app.service.stop();
await simulator.close();
process.exit(waiting.size === 0 ? 0 : 1);
