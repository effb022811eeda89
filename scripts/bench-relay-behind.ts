/**
 * The relay's memory while many subscribers are behind at positions far apart, with their
 * reading stopped: frames queued for them are shared only by subscribers at the same position,
 * so this is where the relay's bounds on what it queues and reads for them are measured (the
 * relay benchmark's --stall-clients stops its clients at one position).
 *
 *   npm run bench:relay-behind -- [--clients 200] [--events 100000] [--event-bytes 2000] [--seconds 45]
 *
 * Starts the relay as built (out/relay/cli.js, deployed as docs/relay.md says), posts `--events`
 * signed webhooks of about `--event-bytes` each, subscribes `--clients` clients from cursors spread
 * evenly over the first half of the log, each of which stops reading at its first event, samples
 * the relay's memory for `--seconds`, then lets them read on and waits until each has had the 1,000
 * events after its cursor. Prints the peak and what it was made of, what the kernel held in TCP
 * buffers then, and what the relay held queued for the clients at the end (its /metrics): a client
 * that stops reading takes the relay's frames into the kernel's buffers (its own and the relay's,
 * about 4 MB a connection here) before any wait in the relay's queues, so the relay's bounds on
 * those queues show only once the kernel's are full (about 20 s into the default run).
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import {
  benchSecret as secret,
  benchToken as token,
  endWithRelay,
  startBenchRelay,
} from './bench-relay/bench-relay-process';
import {
  binaryCountedOnce,
  megabytes,
  readRelayMemory,
  type RelayMemory,
} from './bench-relay/relay-memory';

function refuse(message: string): never {
  console.error(`bench:relay-behind: ${message}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        clients: { type: 'string', default: '200' },
        events: { type: 'string', default: '100000' },
        'event-bytes': { type: 'string', default: '2000' },
        seconds: { type: 'string', default: '45' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return refuse((error as Error).message);
  }
})();
if (values.help) {
  console.log(
    [
      'npm run bench:relay-behind -- [--clients 200] [--events 100000] [--event-bytes 2000] [--seconds 45]',
      '',
      "The relay's memory while --clients clients are behind at cursors spread over the first half",
      'of a log of --events webhooks of about --event-bytes each, every one of them stopped',
      'reading at its first event: the peak over --seconds, what it was made of, what the',
      "kernel's TCP buffers held then and what the relay held queued for the clients at the end.",
      'Then they read on, and it says how soon each had the 1,000 events after its cursor.',
    ].join('\n'),
  );
  process.exit(0);
}
const wholeNumber = (flag: string, text: string): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) refuse(`--${flag} must be a whole number of 1 or more`);
  return value;
};
const clients = wholeNumber('clients', values.clients);
const events = wholeNumber('events', values.events);
const eventBytes = wholeNumber('event-bytes', values['event-bytes']);
const seconds = wholeNumber('seconds', values.seconds);
/** Events each client is to have once it reads on: enough to show that it does. */
const readOnEvents = 1_000;
if (events < 2 * readOnEvents) refuse(`--events must be at least ${2 * readOnEvents}`);

const { process: relay, url: relayUrlKnown } = startBenchRelay({
  benchName: 'bench:relay-behind',
  refuse,
  semiSpaceMb: 4,
  clients,
  relayArgs: ['--retention-events', String(Math.max(events, 100_000))],
});
const relayUrl = await relayUrlKnown;
endWithRelay(relay, { benchName: 'bench:relay-behind', lost: 'the measurement under way is lost' });

// The benchmark's webhook, padded to about the size asked for.
const padding = 'x'.repeat(Math.max(0, eventBytes - 250));
let nextId = 0;
async function postUntilDone(): Promise<void> {
  while (nextId < events) {
    const id = nextId++;
    const now = new Date().toISOString();
    const body = `{"project_id":"bench","event":"account.updated","event_date":"${now}","record_type":"account","record_id":"bench-${id}","sent_at":"${now}","account_id":"bench-${id}","provider":"bamboohr","origin_owner_id":"owner-${id % 50}","padding":"${padding}"}`;
    const signature = createHmac('sha256', secret).update(body).digest('base64url');
    const response = await fetch(`${relayUrl}/webhooks/stackone`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-stackone-signature': signature },
    });
    await response.arrayBuffer();
    if (response.status !== 200) refuse(`the relay answered a webhook ${response.status}`);
  }
}
const postedFrom = performance.now();
await Promise.all(Array.from({ length: 32 }, postUntilDone));
console.log(
  `${events} webhooks of ${eventBytes} bytes posted in ${((performance.now() - postedFrom) / 1000).toFixed(1)} s`,
);

const describe = (memory: RelayMemory) =>
  `${megabytes(binaryCountedOnce(memory))} (the main process's own pages ${megabytes(memory.mainPrivate)}, ` +
  `the stream process's ${megabytes(memory.streamPrivate)}, the Node binary's ${megabytes(memory.fileBacked)})`;
console.log(`relay before the clients: ${describe(await readRelayMemory(relay.pid as number))}`);

/**
 * A client from `cursor` that stops reading at its first event and counts those it reads. Stopped,
 * it reads no ping either; it acks its first event every few seconds, so that the relay, for
 * which a client that sends is alive, does not take it for dead within the run.
 */
function stoppedClient(cursor: number) {
  let socket: Socket | undefined;
  let received = 0;
  const ws = new WebSocket(`${relayUrl.replace('http', 'ws')}/v1/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  // Its socket, so that it can stop reading it as a stalled app would.
  ws.on('upgrade', (response) => (socket = response.socket));
  ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', cursor })));
  const keepAlive = setInterval(() => {
    if (received > 0) ws.send(JSON.stringify({ type: 'ack', seq: cursor + 1 }));
  }, 5_000);
  ws.on('message', (data: Buffer) => {
    if (!data.subarray(0, 32).toString().includes('"type":"event"')) return;
    if (received++ === 0) socket?.pause();
  });
  ws.on('error', (error) => refuse(`a client's connection failed: ${error.message}`));
  return {
    ws,
    cursor,
    received: () => received,
    readOn: () => {
      clearInterval(keepAlive);
      socket?.resume();
    },
  };
}

/** The machine's memory page, in bytes, where `getconf` says (Linux counts TCP buffers in them). */
const pageBytes = (() => {
  try {
    const bytes = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
    return Number.isInteger(bytes) && bytes > 0 ? bytes : null;
  } catch {
    return null;
  }
})();

/** The kernel's TCP buffers, all connections' on the machine (/proc/net/sockstat), where Linux says. */
function kernelTcpBytes(): number | null {
  if (pageBytes === null) return null;
  try {
    const pages = /^TCP: .* mem (\d+)$/m.exec(readFileSync('/proc/net/sockstat', 'utf8'))?.[1];
    return pages === undefined ? null : Number(pages) * pageBytes;
  } catch {
    return null;
  }
}

const stride = Math.floor(events / 2 / clients);
const subscribers = Array.from({ length: clients }, (_, n) => stoppedClient(n * stride));
let peak = await readRelayMemory(relay.pid as number);
let kernelAtPeak = kernelTcpBytes();
for (let sample = 0; sample < seconds * 10; sample++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const now = await readRelayMemory(relay.pid as number);
  if (binaryCountedOnce(now) > binaryCountedOnce(peak)) {
    peak = now;
    kernelAtPeak = kernelTcpBytes();
  }
}
const stopped = subscribers.filter((subscriber) => subscriber.received() > 0).length;
const metrics = await (await fetch(`${relayUrl}/metrics`)).text();
const timedOut = /^relay_stream_clients_timed_out_total (\d+)$/m.exec(metrics)?.[1] ?? '?';
const queuedBytes = /^relay_stream_queued_bytes (\S+)$/m.exec(metrics)?.[1];
// A relay before 82fffe1 does not say (a build of one, run for comparison).
const queuedAtEnd =
  queuedBytes === undefined ? 'not said by this relay' : megabytes(Number(queuedBytes));
console.log(
  `${clients} clients behind, ${stride} events apart (the first at cursor 0), ${stopped} of them ` +
    `stopped reading at their first event; relay peak over ${seconds} s: ${describe(peak)}` +
    (kernelAtPeak === null ? '' : `, the kernel's TCP buffers then ${megabytes(kernelAtPeak)}`) +
    `; queued in the relay for them at the end: ${queuedAtEnd}` +
    `; clients the relay dropped as dead (its heartbeat): ${timedOut}`,
);

const readOnFrom = performance.now();
for (const subscriber of subscribers) subscriber.readOn();
const deadline = readOnFrom + 120_000;
while (subscribers.some((subscriber) => subscriber.received() < readOnEvents)) {
  if (performance.now() > deadline) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const readOn = subscribers.filter((subscriber) => subscriber.received() >= readOnEvents).length;
console.log(
  `read on: ${readOn} of ${clients} clients had the ${readOnEvents} events after their cursors ` +
    `${((performance.now() - readOnFrom) / 1000).toFixed(1)} s after going on`,
);
for (const subscriber of subscribers) subscriber.ws.terminate();
relay.removeAllListeners('exit');
process.exit(readOn === clients ? 0 : 1);
