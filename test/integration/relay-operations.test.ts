import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { redactedLogPaths } from '../../src/main/logger';
import { writeFully } from '../../src/relay/durable-files';
import type { EventLog } from '../../src/relay/event-log';
import { openFileEventLog, type FileEventLogOptions } from '../../src/relay/file-event-log';
import { startRelayServer, type RunningRelay } from '../../src/relay/relay-server';
import { relayLogIdPattern } from '../../src/shared/relay-protocol';
import { bytesOnDisk } from '../support/event-log-files';
import { makeTempDir } from '../support/temp-dir';
import { postWebhook, sign, webhookBody } from '../support/webhooks';
import { eventually } from '../support/eventually';
import { refusedStream, streamRefusal, streamSubscriber } from '../support/stream-subscriber';
import { encodeClientFrame, openLeanStream } from '../../scripts/bench-relay/lean-stream-client';

const secret = 'whsec_ops_9f8e7d';
const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string })
  .version;
const token = 'client-token-ops-1a2b3c';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Set by the suites below that run with streams in the relay's process and in their own. */
let streamsInOwnProcess = false;

async function relayInProcess(
  options: {
    heartbeatIntervalMs?: number;
    fanOutWindowMs?: number;
    requestTimeoutMs?: number;
    maxClients?: number;
    logs?: string[];
    /** The event log's durable write (a disk that fails, in a test). */
    writeAt?: FileEventLogOptions['writeAt'];
    lockRenewEveryMs?: number;
    /** Stands in for the event log, e.g. to watch its reads. */
    wrapLog?: (log: EventLog) => EventLog;
  } = {},
): Promise<RunningRelay & { dataDir: string }> {
  const wrapLog = options.wrapLog ?? ((log: EventLog) => log);
  const temp = makeTempDir('relay-ops');
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      options.logs?.push(chunk.toString());
      done();
    },
  });
  const relay = await startRelayServer({
    webhookSecrets: [secret],
    clientTokens: [token],
    eventLog: wrapLog(
      openFileEventLog({
        dataDir: temp.path,
        ...(options.writeAt && { writeAt: options.writeAt }),
        ...(options.lockRenewEveryMs !== undefined && {
          lockRenewEveryMs: options.lockRenewEveryMs,
        }),
      }),
    ),
    logger: pino(
      { level: 'debug', redact: { paths: redactedLogPaths, censor: '[redacted]' } },
      logStream,
    ),
    ...(options.heartbeatIntervalMs !== undefined && {
      heartbeatIntervalMs: options.heartbeatIntervalMs,
    }),
    ...(options.fanOutWindowMs !== undefined && { fanOutWindowMs: options.fanOutWindowMs }),
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.maxClients !== undefined && { maxClients: options.maxClients }),
    streamsInOwnProcess,
  });
  cleanups.push(() => temp.remove());
  cleanups.push(() => relay.close(100).catch(() => undefined));
  return Object.assign(relay, { dataDir: temp.path });
}

const subscriber = (url: string, cursor: number | null, options: WebSocket.ClientOptions = {}) =>
  streamSubscriber(url, token, cursor, options);

const post = (url: string, body: string) =>
  postWebhook(url, body, {
    'content-type': 'application/json',
    'x-stackone-signature': sign(body, secret),
  });

/**
 * The start of a webhook whose body never comes whole, for `{host}`; with a signature of the right
 * shape, so that the relay reads the body to check it.
 */
const webhookCutShort =
  'POST /webhooks/stackone HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n' +
  `X-StackOne-Signature: ${'A'.repeat(43)}\r\nContent-Length: 1000\r\n\r\n{"event":"account.`;

describe.each([
  { streams: 'in the relay process', ownProcess: false },
  { streams: 'in a process of their own', ownProcess: true },
])('relay operations, streams served $streams', ({ ownProcess }) => {
  beforeAll(() => {
    streamsInOwnProcess = ownProcess;
  });
  afterAll(() => {
    streamsInOwnProcess = false;
  });
  it('exposes Prometheus metrics for stored, delivered, acked, clients and rejects by reason', async () => {
    const relay = await relayInProcess();
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.messages.some((m) => m.type === 'subscribed')).toBe(true));
    const body = webhookBody();
    await post(relay.url, body);
    await post(relay.url, body);
    await postWebhook(relay.url, webhookBody({ account_id: 'x' }), {
      'content-type': 'application/json',
      'x-stackone-signature': 'bad',
    });
    // One its sender gives up on mid-body, closing the connection.
    const { hostname, port } = new URL(relay.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () =>
        socket.end(webhookCutShort.replace('{host}', hostname)),
      );
      // Read (the relay's answer, to no one), so that the relay's close is seen.
      socket.resume();
      socket.once('close', () => resolve());
      socket.once('error', () => undefined);
    });
    await eventually(() => expect(client.events()).toHaveLength(1));
    await eventually(async () =>
      expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(
        /^relay_webhooks_rejected_total\{reason="aborted"\} 1$/m,
      ),
    );
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(text).toMatch(/^relay_events_stored_total 1$/m);
    expect(text).toMatch(/^relay_events_duplicate_total 1$/m);
    expect(text).toMatch(/^relay_events_delivered_total 1$/m);
    expect(text).toMatch(/^relay_clients 1$/m);
    expect(text).toMatch(/^relay_stream_queued_bytes 0$/m);
    // A stream process's own figures only where there is one (the default metrics cover the rest).
    expect(text.match(/^relay_stream_process_\w+ \S+$/gm) ?? []).toHaveLength(ownProcess ? 4 : 0);
    if (ownProcess) expect(text).toMatch(/^relay_stream_process_up 1$/m);
    expect(text).toMatch(/^relay_webhooks_rejected_total\{reason="bad_signature"\} 1$/m);
    expect(text).toMatch(/^relay_webhooks_rejected_total\{reason="other"\} 0$/m);
    // In seconds, within the defaults' 8 to 50 ms: near 8 after one quick fan-out, more where the
    // runner took the CPU away in the middle of it (the window follows what a fan-out takes).
    const window = Number(/^relay_fan_out_window_seconds (\S+)$/m.exec(text)?.[1]);
    expect(window).toBeGreaterThanOrEqual(0.008);
    expect(window).toBeLessThanOrEqual(0.05);
    // Both valid webhooks went through the log (the second was found to be a duplicate there).
    expect(text).toMatch(/^relay_webhook_store_seconds_count 2$/m);
    expect(text).toMatch(/^relay_webhook_store_seconds_bucket\{le="2.5"\} 2$/m);
    // One event was fanned out (the duplicate is not sent again).
    expect(text).toMatch(/^relay_event_fan_out_delay_seconds_count 1$/m);
    expect(text).toMatch(/^relay_event_fan_out_delay_seconds_bucket\{le="2.5"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^relay_acks_total 0$/m);
    expect(text).toMatch(/^relay_stream_messages_rejected_total 0$/m);
    expect(text).toContain(
      `\nrelay_build_info{version="${packageVersion}",node="${process.versions.node}"} 1\n`,
    );
    // The event log's files and their disk: one webhook's record, of the 100,000 such the
    // default retention keeps (less than its 1 GiB) and a 16 MiB segment, on a disk with room.
    const figure = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    const recordBytes = bytesOnDisk(relay.dataDir);
    expect(figure('relay_event_log_bytes')).toBe(recordBytes);
    expect(recordBytes).toBeGreaterThan(0);
    expect(figure('relay_event_log_max_bytes')).toBe(recordBytes * 100_000 + 16 * 1024 * 1024);
    expect(figure('relay_data_dir_free_bytes')).toBeGreaterThan(0);
    client.ws.send(JSON.stringify({ type: 'ack', seq: client.events()[0]?.seq }));
    await eventually(async () =>
      expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(/^relay_acks_total 1$/m),
    );
    client.ws.close();
  });

  it('counts every reason a webhook, a stream or a connection is refused from 0, so that an alert sees the first', async () => {
    const relay = await relayInProcess();
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    const reasons = (name: string) =>
      [...text.matchAll(new RegExp(`^${name}\\{reason="(\\w+)"\\} 0$`, 'gm'))].map(
        (match) => match[1],
      );
    expect(reasons('relay_webhooks_rejected_total')).toEqual([
      'bad_signature',
      'bad_json',
      'bad_envelope',
      'too_large',
      'bad_content_type',
      'aborted',
      'lock_lost',
      'other',
    ]);
    expect(reasons('relay_stream_refused_total')).toEqual([
      'bad_token',
      'bad_path',
      'unavailable',
      'too_many_clients',
    ]);
    expect(reasons('relay_http_connection_errors_total')).toEqual([
      'cut_short',
      'timeout',
      'headers_too_large',
      'malformed',
    ]);
    expect(reasons('relay_stream_closed_total')).toEqual([
      'client_closed',
      'connection_lost',
      'heartbeat_timeout',
      'protocol_error',
      'bad_messages',
      'read_failed',
      'shutdown',
    ]);
  });

  it('refuses a stream connection past its most clients 503, saying why and when to try again, counts and logs it, and takes one again once a client leaves', async () => {
    const logs: string[] = [];
    const relay = await relayInProcess({ maxClients: 2, logs });
    const first = subscriber(relay.url, null);
    const second = subscriber(relay.url, null);
    await eventually(() => expect(first.subscribed() && second.subscribed()).toBe(true));

    const refusal = await streamRefusal(relay.url, token);
    expect(refusal?.status).toBe(503);
    expect(refusal?.headers).toMatchObject({
      'relay-refused': 'too-many-clients',
      'retry-after': '30',
    });
    // A wrong token is refused as such whether or not there is room.
    expect(await refusedStream(relay.url, 'wrong-token-0123456789')).toBe(401);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/^relay_stream_refused_total\{reason="too_many_clients"\} 1$/m);
    expect(metrics).toMatch(/^relay_stream_refused_total\{reason="bad_token"\} 1$/m);
    expect(metrics).toMatch(/^relay_clients_max 2$/m);
    expect(metrics).toMatch(/^relay_clients 2$/m);
    await eventually(() =>
      expect(logs.join('')).toMatch(
        /"reason":"too_many_clients","maxClients":2,"msg":"stream connection refused"/,
      ),
    );
    expect(logs.join('')).not.toContain(token);
    // Apps that wait are refused again and again: the refusals that follow are logged summed.
    expect(await refusedStream(relay.url, token)).toBe(503);
    expect(await refusedStream(relay.url, token)).toBe(503);
    expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(
      /^relay_stream_refused_total\{reason="too_many_clients"\} 3$/m,
    );
    expect(logs.filter((line) => line.includes('"too_many_clients"'))).toHaveLength(1);

    first.ws.close();
    await first.closed;
    await eventually(async () =>
      expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(/^relay_clients 1$/m),
    );
    const third = subscriber(relay.url, null);
    await eventually(() => expect(third.subscribed()).toBe(true));
    // The refusal disturbed no one: both connected now are sent what comes.
    expect((await post(relay.url, webhookBody())).status).toBe(200);
    await eventually(() => {
      expect(second.events()).toHaveLength(1);
      expect(third.events()).toHaveLength(1);
    });
    // The relay's close logs what it had summed and not yet logged.
    await relay.close();
    expect(logs.filter((line) => line.includes('"too_many_clients"'))).toHaveLength(2);
    expect(logs.join('')).toMatch(
      /"reason":"too_many_clients","maxClients":2,"occurrences":2,"seconds":[\d.]+,"msg":"stream connection refused"/,
    );
  });

  it('refuses a stream connection whose request completes as the relay shuts down 503, where a wrong path is refused 404', async () => {
    const relay = await relayInProcess();
    const { hostname, port } = new URL(relay.url);
    const upgradeHeaders = (path: string) =>
      `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
      `Authorization: Bearer ${token}\r\n`;
    expect(await answerTo(relay.url, `${upgradeHeaders('/v1/other')}\r\n`)).toMatch(
      /^HTTP\/1\.1 404 Not Found\r\n/,
    );
    const socket = connect(Number(port), hostname);
    socket.setEncoding('utf8');
    socket.once('error', () => undefined);
    let answer = '';
    socket.on('data', (chunk: string) => (answer += chunk));
    await new Promise((resolve) => socket.once('connect', resolve));
    // Its headers begun before the shutdown, so that the relay does not close it as idle.
    socket.write(upgradeHeaders('/v1/stream'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = relay.close();
    socket.write('\r\n');
    await eventually(() => expect(answer).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/));
    socket.destroy();
    await closed;
  });

  it("keeps a stream subscriber quiet for longer than an HTTP request may take: the request timeouts end at the stream's handshake", async () => {
    // Long enough that a runner busy elsewhere does not hold the handshake up past it.
    const relay = await relayInProcess({ requestTimeoutMs: 500 });
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.subscribed()).toBe(true));
    // Nothing on the connection, either way, for five times the timeout (no heartbeat is due).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await post(relay.url, webhookBody());
    await eventually(() => expect(client.events()).toHaveLength(1));
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.ws.close();
  });

  it('measures how long events wait in the relay before they go out, fan-out window included', async () => {
    const relay = await relayInProcess({ fanOutWindowMs: 400 });
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.messages.some((m) => m.type === 'subscribed')).toBe(true));
    // The first goes out at once; the second waits for the rest of the 400 ms window.
    await post(relay.url, webhookBody({ account_id: 'first' }));
    await post(relay.url, webhookBody({ account_id: 'second' }));
    await eventually(() => expect(client.events()).toHaveLength(2));
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(text).toMatch(/^relay_event_fan_out_delay_seconds_count 2$/m);
    const seconds = Number(/^relay_event_fan_out_delay_seconds_sum (\S+)$/m.exec(text)?.[1]);
    expect(seconds).toBeGreaterThan(0.2);
    expect(seconds).toBeLessThan(1);
    client.ws.close();
  });

  it('counts the stream connections it takes and why each ended: closed by its client, lost, dropped for its heartbeat, for breaking the protocol, for garbage', async () => {
    const relay = await relayInProcess({ heartbeatIntervalMs: 200 });
    const connectedSubscriber = async (options: WebSocket.ClientOptions = {}) => {
      const client = subscriber(relay.url, null, options);
      await eventually(() => expect(client.subscribed()).toBe(true));
      return client;
    };
    const closing = await connectedSubscriber();
    closing.ws.close(1000);
    await closing.closed;
    // Gone with no close frame, as when the network or a proxy cuts the connection.
    const cut = await connectedSubscriber();
    cut.ws.terminate();
    const silent = await connectedSubscriber({ autoPong: false });
    await silent.closed;
    const oversize = await connectedSubscriber();
    oversize.ws.send('x'.repeat(70_000));
    expect(await oversize.closed).toBe(1009);
    const garbage = await connectedSubscriber();
    for (let sent = 0; sent < 10; sent += 1) garbage.ws.send('garbage');
    expect(await garbage.closed).toBe(1008);
    const staying = await connectedSubscriber();

    const count = (text: string, name: string) =>
      Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    await eventually(async () => {
      const text = await (await fetch(`${relay.url}/metrics`)).text();
      expect(count(text, 'relay_stream_connections_total')).toBe(6);
      expect(
        Object.fromEntries(
          [...text.matchAll(/^relay_stream_closed_total\{reason="(\w+)"\} (\d+)$/gm)].map(
            (match) => [match[1], Number(match[2])],
          ),
        ),
      ).toEqual({
        client_closed: 1,
        connection_lost: 1,
        heartbeat_timeout: 1,
        protocol_error: 1,
        bad_messages: 1,
        read_failed: 0,
        shutdown: 0,
      });
      expect(count(text, 'relay_stream_clients_timed_out_total')).toBe(1);
      expect(count(text, 'relay_clients')).toBe(1);
    });
    expect(staying.ws.readyState).toBe(staying.ws.OPEN);
    staying.ws.close();
  });

  it('drops a peer that stops answering heartbeats, and counts and logs it', async () => {
    const logs: string[] = [];
    const relay = await relayInProcess({ heartbeatIntervalMs: 100, logs });
    const answering = subscriber(relay.url, null);
    const silent = subscriber(relay.url, null, {
      autoPong: false,
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'stackone-onboarding/9.9.9' },
    });
    await eventually(() => expect(silent.messages.some((m) => m.type === 'subscribed')).toBe(true));
    expect(await silent.closed).toBe(1006);
    await eventually(async () =>
      expect(await (await fetch(`${relay.url}/healthz`)).json()).toMatchObject({ clients: 1 }),
    );
    // Several intervals on, the peer that answers is still there and the count has not grown.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(answering.ws.readyState).toBe(answering.ws.OPEN);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/^relay_stream_clients_timed_out_total 1$/m);
    const dropped = logs.filter((line) => line.includes('"reason":"heartbeat_timeout"'));
    expect(dropped).toHaveLength(1);
    expect(JSON.parse(dropped[0] as string)).toMatchObject({
      level: 40,
      heartbeatMs: 100,
      client: 'stackone-onboarding/9.9.9',
    });
    answering.ws.close();
  });

  it('names a client that sends what it does not understand as the client names itself, fit for its log', async () => {
    const logs: string[] = [];
    const relay = await relayInProcess({ logs });
    const withUserAgent = (userAgent: string) => ({
      headers: { authorization: `Bearer ${token}`, 'user-agent': userAgent },
    });
    const named = [
      subscriber(relay.url, null, withUserAgent('stackone-onboarding/0.0.1')),
      subscriber(relay.url, null, withUserAgent(`odd\tclient ${'\u00e9'}${'x'.repeat(100)}`)),
      subscriber(relay.url, null),
    ];
    const rejectedLines = () => logs.filter((line) => line.includes('stream message rejected'));
    // One at a time, each logged before the next is sent: lines in the clients' order.
    for (const [index, client] of named.entries()) {
      await eventually(() => expect(client.subscribed()).toBe(true));
      client.ws.send('not json');
      await eventually(() => expect(rejectedLines()).toHaveLength(index + 1));
    }
    const clients = rejectedLines().map((line) => (JSON.parse(line) as { client: string }).client);
    expect(clients).toEqual([
      'stackone-onboarding/0.0.1',
      `odd?client ?${'x'.repeat(65)}...`,
      'unnamed',
    ]);
    for (const client of named) client.ws.close();
  });

  it('counts connected clients by the name each gives itself, for the 20 names most given', async () => {
    const relay = await relayInProcess();
    const named = (userAgent: string) =>
      subscriber(relay.url, null, {
        headers: { authorization: `Bearer ${token}`, 'user-agent': userAgent },
      });
    const tool = (n: number) => `tool-${String(n).padStart(2, '0')}/1.0`;
    // Two of one release; 21 names given by one client each; one client that gives none.
    const clients = [
      named('stackone-onboarding/0.0.1'),
      named('stackone-onboarding/0.0.1'),
      ...Array.from({ length: 21 }, (_, n) => named(tool(n))),
      subscriber(relay.url, null),
    ];
    for (const client of clients) await eventually(() => expect(client.subscribed()).toBe(true));
    const scrape = async () => await (await fetch(`${relay.url}/metrics`)).text();
    const byName = async () =>
      Object.fromEntries(
        [...(await scrape()).matchAll(/^relay_clients_by_name\{client="([^"]*)"\} (\d+)$/gm)].map(
          (match) => [match[1], Number(match[2])],
        ),
      );
    // The most given first, then by name: the last two tools and `unnamed` left out.
    const firstTools = Object.fromEntries(Array.from({ length: 19 }, (_, n) => [tool(n), 1]));
    expect(await byName()).toEqual({ 'stackone-onboarding/0.0.1': 2, ...firstTools });
    expect(await scrape()).toMatch(/^relay_clients 24$/m);
    clients[0]?.ws.close();
    await eventually(async () =>
      expect(await byName()).toEqual({ 'stackone-onboarding/0.0.1': 1, ...firstTools }),
    );
    // A name no client gives any longer goes.
    for (const client of clients) client.ws.close();
    await eventually(async () => expect(await byName()).toEqual({}));
    // A name cannot make lines of its own: its quote is escaped, a control character replaced.
    const forger = named('x"} 99\trelay_clients 1000');
    await eventually(() => expect(forger.subscribed()).toBe(true));
    const text = await scrape();
    expect(text).toContain('\nrelay_clients_by_name{client="x\\"} 99?relay_clients 1000"} 1\n');
    expect(text).toMatch(/^relay_clients 1$/m);
    forger.ws.close();
  });

  it('serves subscribers near the head from the newest events committed, without reading the log', async () => {
    let reads = 0;
    const relay = await relayInProcess({
      wrapLog: (log) => ({
        ...log,
        readAfter(cursor, limit) {
          reads++;
          return log.readAfter(cursor, limit);
        },
      }),
    });
    const bodies = [1, 2, 3].map((n) => webhookBody({ account_id: `near-head-${n}` }));
    for (const body of bodies) expect((await post(relay.url, body)).status).toBe(200);
    const fromStart = subscriber(relay.url, null);
    const fromFirst = subscriber(relay.url, 1);
    await eventually(() => expect(fromStart.events().map((e) => e.body)).toEqual(bodies));
    await eventually(() => expect(fromFirst.events().map((e) => e.body)).toEqual(bodies.slice(1)));
    expect(reads).toBe(0);
    fromStart.ws.close();
    fromFirst.ws.close();
  });

  it('keeps a peer whose answer to a ping is held up while it goes on sending (acking as it catches up)', async () => {
    const relay = await relayInProcess({ heartbeatIntervalMs: 100 });
    const busy = subscriber(relay.url, null, { autoPong: false });
    await eventually(() => expect(busy.messages.some((m) => m.type === 'subscribed')).toBe(true));
    const acking = setInterval(() => busy.ws.send(JSON.stringify({ type: 'ack', seq: 1 })), 20);
    await new Promise((resolve) => setTimeout(resolve, 600));
    clearInterval(acking);
    expect(busy.ws.readyState).toBe(busy.ws.OPEN);
    // Silent from then on, it is dropped as any peer that stops answering.
    expect(await busy.closed).toBe(1006);
  });

  it('shuts down gracefully: every stored event reaches the connected client before it closes, and says so', async () => {
    const logs: string[] = [];
    const relay = await relayInProcess({ logs });
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.messages.some((m) => m.type === 'subscribed')).toBe(true));
    const bodies = Array.from({ length: 200 }, (_, n) =>
      webhookBody({ account_id: `drain-${n}`, padding: 'p'.repeat(2000) }),
    );
    const answers = await Promise.all(bodies.map((body) => post(relay.url, body)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Asked twice, as by SIGTERM and then Ctrl-C: one shutdown, which both wait for.
    await Promise.all([relay.close(), relay.close()]);
    expect(await client.closed).toBe(1001);
    expect(client.events()).toHaveLength(200);
    await relay.close();
    const shutdownLines = logs.filter((line) => line.includes('closed for the shutdown'));
    expect(shutdownLines).toHaveLength(1);
    expect(shutdownLines[0]).toMatch(
      /"level":30,.*"connections":1,"cutShort":0,"drainTimeoutMs":5000,"msg":"stream connections closed for the shutdown, each sent everything stored"/,
    );
    expect(logs.at(-1)).toMatch(/"msg":"relay stopped"/);
  });

  it("says how many connections its shutdown cut short, the drain's time running out before they were sent everything", async () => {
    const logs: string[] = [];
    const relay = await relayInProcess({ logs });
    const reading = subscriber(relay.url, null);
    const stalled = subscriber(relay.url, null);
    cleanups.push(() => stalled.ws.terminate());
    stalled.ws.on('open', () => stalled.ws.pause());
    await eventually(() => expect(reading.subscribed()).toBe(true));
    // About 11 MB: more than the kernel's buffers take for a connection before the relay queues.
    const total = 12;
    for (let i = 0; i < total; i++) {
      const body = webhookBody({ account_id: `cut-short-${i}`, padding: 'q'.repeat(900_000) });
      expect((await post(relay.url, body)).status).toBe(200);
    }
    await eventually(async () =>
      expect(
        Number(
          /^relay_stream_queued_bytes (\S+)$/m.exec(
            await (await fetch(`${relay.url}/metrics`)).text(),
          )?.[1],
        ),
      ).toBeGreaterThan(0),
    );
    await eventually(() => expect(reading.events()).toHaveLength(total));
    await relay.close(300);
    expect(await reading.closed).toBe(1001);
    const shutdownLines = logs.filter((line) => line.includes('closed for the shutdown'));
    expect(shutdownLines).toHaveLength(1);
    expect(shutdownLines[0]).toMatch(
      /"level":40,.*"connections":2,"cutShort":1,"drainTimeoutMs":300,"msg":"stream connections closed for the shutdown, some before they were sent everything stored \(the drain's time ran out\): they resume from their cursors when they connect again"/,
    );
    // What reached its socket it reads, and then the connection's end, with no close from the relay.
    stalled.ws.resume();
    expect(await stalled.closed).toBe(1006);
    expect(stalled.events().length).toBeLessThan(total);
  });

  it('stops sending to a client that stops reading, and gives it everything once it reads again', async () => {
    const relay = await relayInProcess();
    const slow = subscriber(relay.url, null);
    await eventually(() => expect(slow.messages.some((m) => m.type === 'subscribed')).toBe(true));
    slow.ws.pause();
    const total = 600; // about 12 MB: more than the socket buffers and the relay's 1 MiB limit
    for (let n = 0; n < total; n += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          post(
            relay.url,
            webhookBody({ account_id: `slow-${n + i}`, padding: 'x'.repeat(20_000) }),
          ),
        ),
      );
    }
    const metric = async () =>
      Number(
        /^relay_events_delivered_total (\d+)/m.exec(
          await (await fetch(`${relay.url}/metrics`)).text(),
        )?.[1],
      );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await metric()).toBeLessThan(total);

    slow.ws.resume();
    await eventually(() => expect(slow.events()).toHaveLength(total), 20_000);
    expect(slow.events().map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(await metric()).toBe(total);
    slow.ws.close();
  });

  it('says what it holds queued for a client that stopped reading, within its bound, and nothing once it is gone', async () => {
    const relay = await relayInProcess();
    // About 11 MB: more than the kernel's buffers take for a connection before the relay queues.
    for (let i = 0; i < 12; i++) {
      const body = webhookBody({ account_id: `stalled-${i}`, padding: 'q'.repeat(900_000) });
      expect((await post(relay.url, body)).status).toBe(200);
    }
    const stalled = subscriber(relay.url, null);
    cleanups.push(() => stalled.ws.terminate());
    stalled.ws.on('open', () => stalled.ws.pause());
    const queued = async () =>
      Number(
        /^relay_stream_queued_bytes (\S+)$/m.exec(
          await (await fetch(`${relay.url}/metrics`)).text(),
        )?.[1],
      );
    await eventually(async () => expect(await queued()).toBeGreaterThan(0));
    // Its one client's bound: 1 MiB, and one event over at most.
    expect(await queued()).toBeLessThanOrEqual(1024 * 1024 + 1_000_000);
    stalled.ws.terminate();
    await eventually(async () => expect(await queued()).toBe(0));
  });
});

/**
 * Has the relay store a webhook, reject one with a wrong signature and refuse a wrong token, all
 * of which it logs; returns what must not appear in its logs: the secret, the tokens, a body's
 * content and the stored webhook's signature.
 */
async function provokeLoggedRejections(
  url: string,
  marker: string,
  wrongToken: string,
): Promise<string[]> {
  const body = webhookBody({ account_id: marker });
  await post(url, body);
  await postWebhook(url, webhookBody({ account_id: marker }), {
    'content-type': 'application/json',
    'x-stackone-signature': 'wrong',
  });
  expect(await refusedStream(url, wrongToken)).toBe(401);
  return [secret, token, wrongToken, marker, sign(body, secret).slice(0, 12)];
}

/** Sends `bytes` on a raw socket; what the relay answered, once it has closed the connection. */
function answerTo(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('close', () => resolve(answer));
    // The relay closes with the rest of a long request unread, which resets the connection.
    socket.once('error', () => undefined);
  });
}

describe('relay HTTP connections that fail before a request', () => {
  it('answers what is not HTTP 400 and headers too large 431, counts those and connections cut short (a webhook among them) by reason, and logs none of their bytes', async () => {
    const logs: string[] = [];
    const relay = await relayInProcess({ logs });
    const marker = 'header-bytes-marker-3d9a';
    expect(await answerTo(relay.url, `HELLO ${marker}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(
      await answerTo(
        relay.url,
        `GET /healthz HTTP/1.1\r\nHost: relay\r\nX-Big: ${marker}${'a'.repeat(20_000)}\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1\.1 431 /);
    // Webhooks' senders that close, or reset, their connection before their headers are through.
    const { hostname, port } = new URL(relay.url);
    for (const giveUp of ['close', 'reset'] as const) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(`POST /webhooks/stackone HTTP/1.1\r\nHost: ${hostname}\r\n`);
          if (giveUp === 'close') socket.end();
          else socket.resetAndDestroy();
          resolve();
        });
        socket.once('error', () => undefined);
      });
    }
    await eventually(async () =>
      expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(
        /^relay_http_connection_errors_total\{reason="cut_short"\} 2$/m,
      ),
    );
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(text).toMatch(/^relay_http_connection_errors_total\{reason="malformed"\} 1$/m);
    expect(text).toMatch(/^relay_http_connection_errors_total\{reason="headers_too_large"\} 1$/m);
    // None of them was a webhook the relay refused.
    expect(text).not.toMatch(/^relay_webhooks_rejected_total\{.*\} [1-9]/m);
    // One reset mid-webhook, once the relay has its headers (it says to go on with the body), is
    // both: a webhook cut short and a connection cut short.
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write(
          `${webhookCutShort.replace('{host}', hostname).split('\r\n\r\n')[0]}\r\n` +
            'Expect: 100-continue\r\n\r\n',
        ),
      );
      socket.once('data', () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    await eventually(async () => {
      const after = await (await fetch(`${relay.url}/metrics`)).text();
      expect(after).toMatch(/^relay_webhooks_rejected_total\{reason="aborted"\} 1$/m);
      expect(after).toMatch(/^relay_http_connection_errors_total\{reason="cut_short"\} 3$/m);
    });
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    await relay.close();
    const lines = logs.join('');
    expect(lines).toMatch(/"reason":"malformed".*HTTP request refused before it was read/);
    expect(lines).toMatch(/"reason":"headers_too_large".*HTTP request refused before it was read/);
    expect(lines).toMatch(/"reason":"cut_short".*HTTP connection cut short by its client/);
    expect(lines).not.toContain(marker);
  });

  it('answers 408 to a request not sent whole in time (its headers, or its body, trickling in, or nothing sent at all), closing the connection, and counts the timeouts; a kept-alive connection idle between requests is not timed', async () => {
    // Long enough that a runner busy elsewhere does not hold up the kept-alive request past it.
    const relay = await relayInProcess({ requestTimeoutMs: 500 });
    const { hostname } = new URL(relay.url);
    const [slowHeaders, slowBody, silent] = await Promise.all([
      answerTo(relay.url, `POST /webhooks/stackone HTTP/1.1\r\nHost: ${hostname}\r\n`),
      answerTo(relay.url, webhookCutShort.replace('{host}', hostname)),
      answerTo(relay.url, ''),
    ]);
    expect(slowHeaders).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowBody).toMatch(/^HTTP\/1\.1 408 /);
    expect(silent).toMatch(/^HTTP\/1\.1 408 /);
    // A kept-alive connection idle between requests for longer than the timeout is not cut: the
    // time runs from a request's first byte.
    const { port } = new URL(relay.url);
    const keptAlive = connect(Number(port), hostname);
    keptAlive.setEncoding('utf8');
    keptAlive.on('error', () => undefined);
    /** The relay's answer to `request` on that connection, or that it was closed instead. */
    const askKeptAlive = (request: string) =>
      new Promise<string>((resolve) => {
        if (keptAlive.closed) return resolve('closed');
        keptAlive.once('data', resolve);
        keptAlive.once('close', () => resolve('closed'));
        keptAlive.write(request);
      });
    const healthz = `GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`;
    const first = await askKeptAlive(healthz);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const second = await askKeptAlive(healthz);
    keptAlive.destroy();
    expect([first, second]).toEqual([
      expect.stringMatching(/^HTTP\/1\.1 200 /),
      expect.stringMatching(/^HTTP\/1\.1 200 /),
    ]);
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(text).toMatch(/^relay_http_connection_errors_total\{reason="timeout"\} 3$/m);
    expect(text).toMatch(/^relay_http_connection_errors_total\{reason="cut_short"\} 0$/m);
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    await relay.close();
  });

  it('counts no failure for a connection its client resets with no request begun, before any or between keep-alive requests, and one reset with a request begun after an answer as cut short', async () => {
    const relay = await relayInProcess();
    const { hostname, port } = new URL(relay.url);
    const healthz = `GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`;
    /** Has one request answered whole on a connection (or none), sends `begun`, then resets it. */
    const resetAfter = (answered: 0 | 1, begun: string) =>
      new Promise<void>((resolve) => {
        const socket = connect(Number(port), hostname, () => {
          if (answered === 0) resetWith(begun);
          else socket.write(healthz);
        });
        const resetWith = (bytes: string) => {
          if (bytes === '') socket.resetAndDestroy();
          else socket.write(bytes, () => socket.resetAndDestroy());
          resolve();
        };
        let answer = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          answer += chunk;
          if (/^HTTP\/1\.1 200 [^]*\r\n\r\n\{.*\}$/.test(answer)) resetWith(begun);
        });
        socket.once('error', () => undefined);
      });
    // A load balancer's TCP check; a keep-alive pool letting a connection go; a second request
    // given up on mid-headers.
    await resetAfter(0, '');
    await resetAfter(1, '');
    await resetAfter(1, `GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n`);
    await eventually(async () =>
      expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(
        /^relay_http_connection_errors_total\{reason="cut_short"\} 1$/m,
      ),
    );
    // And stays there: the resets with none begun, sent first, were seen by now and not counted.
    expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(
      /^relay_http_connection_errors_total\{reason="cut_short"\} 1$/m,
    );
    await relay.close();
  });
});

describe("relay's figures for its event log's disk", () => {
  it('asks the event log once a scrape for its three gauges, the disk answering after other figures are ready', async () => {
    let asked = 0;
    const relay = await relayInProcess({
      wrapLog: (log) => ({
        ...log,
        async storage() {
          asked++;
          const figures = await log.storage?.();
          if (figures === undefined) throw new Error('the file event log says what it stores');
          // A disk slow to answer: the other gauges are collected meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 50));
          return figures;
        },
      }),
    });
    expect((await post(relay.url, webhookBody())).status).toBe(200);
    for (const scrape of [1, 2]) {
      const text = await (await fetch(`${relay.url}/metrics`)).text();
      expect(asked).toBe(scrape);
      const figure = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      expect(figure('relay_event_log_bytes')).toBe(bytesOnDisk(relay.dataDir));
      expect(figure('relay_event_log_max_bytes')).toBeGreaterThan(figure('relay_event_log_bytes'));
      expect(figure('relay_data_dir_free_bytes')).toBeGreaterThan(0);
    }
  });
});

describe('relay on a disk that will not take a write', () => {
  it('answers 503, counts the webhook and logs the disk’s error code alone, and stores it once the disk takes it again', async () => {
    let diskFull = false;
    const logs: string[] = [];
    const relay = await relayInProcess({
      logs,
      writeAt(fd, bytes, position) {
        if (diskFull) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        writeFully(fd, bytes, position);
      },
    });
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.subscribed()).toBe(true));
    const body = webhookBody({ account_id: 'not-stored-marker-3d4e' });

    diskFull = true;
    const refused = await post(relay.url, body);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: 'the relay could not store the webhook; send it again later',
    });
    // StackOne sends it again once the disk has room.
    diskFull = false;
    expect((await post(relay.url, body)).status).toBe(200);
    await eventually(() => expect(client.events().map((event) => event.body)).toEqual([body]));

    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(text).toMatch(/^relay_webhook_store_failures_total 1$/m);
    expect(text).toMatch(/^relay_events_stored_total 1$/m);
    expect(text).not.toMatch(/^relay_webhooks_rejected_total\{.*\} [1-9]/m);
    const line = logs.find((entry) => entry.includes('webhook could not be stored'));
    expect(JSON.parse(line ?? '')).toMatchObject({ level: 50, code: 'ENOSPC' });
    expect(logs.join('')).not.toContain('not-stored-marker-3d4e');
  });
});

describe('relay whose data directory another relay took over', () => {
  it('answers 503 and counts and logs the webhook as refused for the lost lock, not as the disk’s failure', async () => {
    const logs: string[] = [];
    const relay = await relayInProcess({ logs, lockRenewEveryMs: 50 });
    // As a relay elsewhere would write it, having taken the lock over while this one was held up.
    const theirs = '4242\n3a9c4d2e-0000-4000-8000-000000000000\n1\n\nanother-machine-id\n';
    writeFileSync(join(relay.dataDir, 'relay.lock'), theirs);
    // Past a renewal: found lost by the renewal timer or, where that has not run, before the write.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const refused = await post(relay.url, webhookBody({ account_id: 'lock-lost-marker-8b1f' }));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: 'the relay could not store the webhook; send it again later',
    });
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(text).toMatch(/^relay_webhooks_rejected_total\{reason="lock_lost"\} 1$/m);
    expect(text).toMatch(/^relay_webhook_store_failures_total 0$/m);
    expect(text).toMatch(/^relay_events_stored_total 0$/m);
    expect(logs.join('')).not.toContain('webhook could not be stored');
    const line = logs.find((entry) => entry.includes('webhook refused (answered 503)'));
    expect(JSON.parse(line ?? '')).toMatchObject({ level: 50, code: 'RELAY_LOCK_LOST' });
    expect(line).toContain("the data directory's lock is no longer this relay's");
    expect(logs.join('')).not.toContain('lock-lost-marker-8b1f');
    expect(readFileSync(join(relay.dataDir, 'relay.lock'), 'utf8')).toBe(theirs);
  });
});

describe('relay logs', () => {
  it('never writes secrets, tokens or webhook bodies to its logs', async () => {
    const logs: string[] = [];
    const relay = await relayInProcess({ logs });
    const forbidden = await provokeLoggedRejections(
      relay.url,
      'body-marker-5c1e',
      'wrong-token-77',
    );
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.events()).toHaveLength(1));
    client.ws.close();
    await relay.close();
    const text = logs.join('');
    expect(text).toContain('webhook rejected');
    for (const secretText of forbidden) expect(text).not.toContain(secretText);
  });

  it('logs the first of a rejection that repeats at once and the ones after it summed (wrong tokens, wrong signatures), what is summed on close at the latest', async () => {
    const logs: string[] = [];
    const relay = await relayInProcess({ logs });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await refusedStream(relay.url, 'wrong-token-0123456789')).toBe(401);
      const body = webhookBody();
      const signedWrong = await postWebhook(relay.url, body, {
        'content-type': 'application/json',
        'x-stackone-signature': sign(body, 'whsec_not_this_relays'),
      });
      expect(signedWrong.status).toBe(401);
    }
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/^relay_stream_refused_total\{reason="bad_token"\} 3$/m);
    expect(metrics).toMatch(/^relay_webhooks_rejected_total\{reason="bad_signature"\} 3$/m);
    const linesOf = (reason: string) => logs.filter((line) => line.includes(`"${reason}"`));
    expect(linesOf('bad_token')).toHaveLength(1);
    expect(linesOf('bad_token')[0]).toMatch(
      /"reason":"bad_token","msg":"stream connection refused"/,
    );
    expect(linesOf('bad_signature')).toHaveLength(1);
    expect(linesOf('bad_signature')[0]).toMatch(
      /"reason":"bad_signature","msg":"webhook rejected"/,
    );
    await relay.close();
    expect(linesOf('bad_token')[1]).toMatch(
      /"reason":"bad_token","occurrences":2,"seconds":[\d.]+,"msg":"stream connection refused"/,
    );
    expect(linesOf('bad_signature')[1]).toMatch(
      /"reason":"bad_signature","occurrences":2,"seconds":[\d.]+,"msg":"webhook rejected"/,
    );
    expect(linesOf('bad_token')).toHaveLength(2);
    expect(linesOf('bad_signature')).toHaveLength(2);
  });

  it("never writes them to its logs from the command line either, the stream process's included", async () => {
    const temp = makeTempDir('relay-logs');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0);
    const forbidden = await provokeLoggedRejections(
      relay.url,
      'body-marker-7d2f',
      'wrong-token-88',
    );
    // The stream process logs a malformed client message, through the main process's logger.
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.events()).toHaveLength(1));
    client.ws.send(`{"type":"subscribe","token":"${token}"`);
    await eventually(() => expect(relay.output()).toContain('stream message rejected'));
    const line = relay
      .output()
      .split('\n')
      .find((entry) => entry.includes('stream message rejected'));
    expect(JSON.parse(line ?? '')).toMatchObject({
      level: 40,
      process: 'stream',
      reason: 'bad_client_message',
    });
    client.ws.close();
    relay.child.kill('SIGTERM');
    await new Promise((resolve) => relay.child.once('exit', resolve));
    const text = relay.output();
    expect(text).toContain('webhook rejected');
    for (const secretText of forbidden) expect(text).not.toContain(secretText);
  });
});

const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const credentials = ['--webhook-secret', secret, '--client-token', token];
const cli = join(import.meta.dirname, '../../src/relay/cli.ts');

async function spawnRelay(
  dataDir: string,
  port: number,
  extraArgs: string[] = [],
  nodeFlags: string[] = [],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--import',
      tsxLoader,
      cli,
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      ...credentials,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn', ...env } },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}: ${output}`)));
  });
  return { child, url, output: () => output };
}

/** Runs the relay's command line to its exit (it exits at once on --help or a bad option). */
function runRelayCli(
  args: string[],
  nodeFlags: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', tsxLoader, cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RELAY_WEBHOOK_SECRETS: '', RELAY_CLIENT_TOKENS: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // One that does not exit (it started, or hangs) is killed, and the test fails on its code.
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('relay command line', () => {
  it("prints its version, package.json's", async () => {
    const run = await runRelayCli(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${packageVersion}\n`, stderr: '' });
  });

  it('prints its help, and refuses a bad option with a clear message and exit code 2', async () => {
    const help = await runRelayCli(['--help']);
    expect(help.code).toBe(0);
    for (const flag of [
      '--webhook-secret',
      '--client-token',
      '--retention-hours',
      '--retention-events',
      '--retention-mib',
      '--single-process',
      '--stream-process',
      '--fan-out-window',
      '--fan-out-window-max',
      '--request-timeout',
      '--heartbeat',
      '--max-clients',
      '--version',
    ])
      expect(help.stdout).toContain(flag);

    const refusals: [string[], string][] = [
      [['--bogus', ...credentials], "Unknown option '--bogus'"],
      [
        ['--retention-hours', '1.5', ...credentials],
        '--retention-hours must be a whole number of 1 or more, got "1.5"',
      ],
      [
        ['--retention-mib', '0', ...credentials],
        '--retention-mib must be a whole number of 1 or more, got "0"',
      ],
      [['--port', '70000', ...credentials], '--port must be 0-65535'],
      [
        ['--max-clients', '0', ...credentials],
        '--max-clients must be a whole number of 1 or more, got "0"',
      ],
      [
        ['--request-timeout', '0', ...credentials],
        '--request-timeout must be a whole number of 1 or more, got "0"',
      ],
      [
        ['--heartbeat', '0.5', ...credentials],
        '--heartbeat must be 1-30 s (apps take 45 s without a ping for a dead connection), got "0.5"',
      ],
      [
        ['--heartbeat', '31', ...credentials],
        '--heartbeat must be 1-30 s (apps take 45 s without a ping for a dead connection), got "31"',
      ],
      [
        ['--fan-out-window', '2.5', ...credentials],
        '--fan-out-window must be 0-1000 ms, got "2.5"',
      ],
      [
        ['--fan-out-window', '20', '--fan-out-window-max', '10', ...credentials],
        '--fan-out-window-max (10) must be at least --fan-out-window (20)',
      ],
      [
        ['--single-process', '--stream-process', ...credentials],
        'give --single-process or --stream-process, not both',
      ],
      [['--client-token', token], 'give at least one --webhook-secret'],
      [['--webhook-secret', secret], 'give at least one --client-token'],
      // Too short to withstand guessing; then one that no app's Authorization header could carry.
      [
        [...credentials, '--client-token', 'short-token-0'],
        'the 2nd --client-token is 13 characters long; give each at least 16, made at random (openssl rand -hex 24 makes one)',
      ],
      [
        ['--webhook-secret', secret, '--client-token', 'a token with spaces in it'],
        'the 1st --client-token holds a character a bearer token may not',
      ],
    ];
    for (const [args, message] of refusals) {
      const run = await runRelayCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Run with --help');
      expect(run.stderr).not.toContain(secret);
      expect(run.stderr).not.toMatch(/short-token-0|a token with spaces/);
    }

    // The environment's tokens are named by their place there, not after the flags' ones.
    const shortInEnv = await runRelayCli(credentials, [], {
      RELAY_CLIENT_TOKENS: `${token}-second,short-token-0`,
    });
    expect(shortInEnv.code).toBe(2);
    expect(shortInEnv.stderr).toContain(
      'the 2nd token of RELAY_CLIENT_TOKENS is 13 characters long',
    );
    expect(shortInEnv.stderr).not.toContain('short-token-0');

    // A heap cap too small for the relay is refused before anything starts.
    const cramped = await runRelayCli(credentials, ['--max-old-space-size=32']);
    expect(cramped.code).toBe(2);
    expect(cramped.stderr).toMatch(
      /the relay needs about \d+ MB of heap, more than this Node's limit of \d+ MB/,
    );
  }, 60_000);

  it('refuses a data directory it cannot create, at once (one under /proc made Node spin)', async () => {
    const dataDir = `/proc/relay-test-${process.pid}/data`;
    const refused = await runRelayCli(['--port', '0', '--data-dir', dataDir, ...credentials]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `relay: cannot create the data directory /proc/relay-test-${process.pid}:`,
    );
  }, 30_000);

  it('says where its event log could not be opened, and what to do, where the file system refuses it', async () => {
    const temp = makeTempDir('relay-data-dir-refused');
    cleanups.push(() => temp.remove());
    const advice = 'give --data-dir a directory this user can read and write, on a disk that works';
    // A file given for the directory.
    const file = join(temp.path, 'a-file');
    writeFileSync(file, '');
    const notADirectory = await runRelayCli(['--port', '0', '--data-dir', file, ...credentials]);
    expect(notADirectory.code).toBe(2);
    expect(notADirectory.stderr).toContain(
      `relay: the event log in ${file} could not be opened (ENOTDIR: not a directory`,
    );
    expect(notADirectory.stderr).toContain(advice);
    // Its lock not readable (a directory in the lock file's place): Node's message names no file.
    const dataDir = join(temp.path, 'data');
    mkdirSync(join(dataDir, 'relay.lock'), { recursive: true });
    const lockUnreadable = await runRelayCli([
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...credentials,
    ]);
    expect(lockUnreadable.code).toBe(2);
    expect(lockUnreadable.stderr).toContain(
      `relay: the event log in ${dataDir} could not be opened (EISDIR: illegal operation on a directory, read)`,
    );
    expect(lockUnreadable.stderr).toContain(advice);
  }, 30_000);

  it('refuses a port already in use with a clear message, and leaves its data directory free', async () => {
    const temp = makeTempDir('relay-port-in-use');
    cleanups.push(() => temp.remove());
    const occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => occupier.close(() => resolve())));
    const port = (occupier.address() as AddressInfo).port;

    const refused = await runRelayCli([
      '--port',
      String(port),
      '--data-dir',
      temp.path,
      ...credentials,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `relay: 127.0.0.1:${port} is already in use: stop what listens there, or give another --port`,
    );
    expect(refused.stderr).not.toContain('    at ');
    // The corrected command gets the data directory: the refused relay let go of it.
    const relay = await spawnRelay(temp.path, 0);
    expect((await post(relay.url, webhookBody())).status).toBe(200);
    relay.child.kill('SIGTERM');
  }, 30_000);

  it('logs a warning, once, when the disk will not make a new segment file, and stores on in the current one', async () => {
    const temp = makeTempDir('relay-segment-not-made');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0);
    // Where each next segment file would go (named after its first seq), a directory: the file
    // cannot be opened there, as on a disk that refuses it.
    const blocked = Array.from({ length: 24 }, (_, i) =>
      join(temp.path, `events-${String(i + 2).padStart(16, '0')}.log`),
    );
    for (const path of blocked) mkdirSync(path);
    // About 1 MB each: the first 16 MiB segment is full after the seventeenth.
    const padding = 'p'.repeat(1_000_000);
    for (let i = 0; i < 20; i++) {
      const answer = await post(relay.url, webhookBody({ record_id: `acc-${i}`, padding }));
      expect(answer.status).toBe(200);
    }
    const warnings = () =>
      relay
        .output()
        .split('\n')
        .filter((line) => line.includes('a new segment file could not be made'));
    await eventually(() => expect(warnings()).toHaveLength(1));
    expect(JSON.parse(warnings()[0] ?? '')).toMatchObject({ level: 40, code: 'EISDIR' });
    const segmentFiles = () =>
      readdirSync(temp.path).filter(
        (name) => statSync(join(temp.path, name)).isFile() && name.startsWith('events-'),
      );
    expect(segmentFiles()).toEqual(['events-0000000000000001.log']);

    // Made once the disk takes it: after the next batch.
    for (const path of blocked) rmdirSync(path);
    expect((await post(relay.url, webhookBody({ record_id: 'acc-20' }))).status).toBe(200);
    expect(segmentFiles()).toEqual(['events-0000000000000001.log', 'events-0000000000000022.log']);
    expect(warnings()).toHaveLength(1);
    relay.child.kill('SIGTERM');
  }, 30_000);

  it('refuses to share its data directory with a relay already running there', async () => {
    const temp = makeTempDir('relay-shared-dir');
    cleanups.push(() => temp.remove());
    const first = await spawnRelay(temp.path, 0);
    const second = await runRelayCli(['--port', '0', '--data-dir', temp.path, ...credentials]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `${temp.path} is in use by another relay (process ${first.child.pid}).`,
    );
    expect((await post(first.url, webhookBody())).status).toBe(200);
    first.child.kill('SIGTERM');
  }, 30_000);

  it('logs at start the id of its event log, the one its stream process gives in each handshake', async () => {
    const temp = makeTempDir('relay-log-id');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0, [], [], { LOG_LEVEL: 'info' });
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.subscribed()).toBe(true));
    const line = relay
      .output()
      .split('\n')
      .find((entry) => entry.includes('event log opened'));
    expect(client.logId()).toMatch(relayLogIdPattern);
    expect(JSON.parse(line ?? '')).toMatchObject({ level: 30, logId: client.logId(), headSeq: 0 });
    client.ws.close();
    relay.child.kill('SIGTERM');
  });

  it("stops, with exit code 1, once its data directory's lock is no longer its own, leaving the lock as it is", async () => {
    const temp = makeTempDir('relay-lock-lost');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0);
    const exited = new Promise<number | null>((resolve) => relay.child.once('exit', resolve));
    // As a relay elsewhere would write it, having taken the lock over.
    const theirs = '4242\n3a9c4d2e-0000-4000-8000-000000000000\n1\n\nanother-machine-id\n';
    writeFileSync(join(temp.path, 'relay.lock'), theirs);
    // Found at the next renewal, within 10 s.
    expect(await exited).toBe(1);
    expect(relay.output()).toContain("the data directory's lock is no longer this relay's");
    expect(readFileSync(join(temp.path, 'relay.lock'), 'utf8')).toBe(theirs);
  }, 20_000);

  it('applies --request-timeout: a request not sent whole in that many seconds is answered 408', async () => {
    const temp = makeTempDir('relay-request-timeout');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0, ['--request-timeout', '1']);
    const { hostname } = new URL(relay.url);
    expect(
      await answerTo(relay.url, `POST /webhooks/stackone HTTP/1.1\r\nHost: ${hostname}\r\n`),
    ).toMatch(/^HTTP\/1\.1 408 /);
    relay.child.kill('SIGTERM');
  }, 30_000);

  it('applies --heartbeat: a peer that answers no ping is dropped within two intervals, and logged', async () => {
    const temp = makeTempDir('relay-heartbeat');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0, ['--heartbeat', '1']);
    const answering = subscriber(relay.url, null);
    const silent = subscriber(relay.url, null, { autoPong: false });
    await eventually(() => expect(silent.subscribed()).toBe(true));
    const subscribedAt = performance.now();
    expect(await silent.closed).toBe(1006);
    // Two 1 s intervals at most, with room for a loaded machine; the default would take 15-30 s.
    expect(performance.now() - subscribedAt).toBeLessThan(5_000);
    expect(answering.ws.readyState).toBe(answering.ws.OPEN);
    await eventually(() =>
      expect(relay.output()).toMatch(/"reason":"heartbeat_timeout","heartbeatMs":1000/),
    );
    answering.ws.close();
    relay.child.kill('SIGTERM');
  }, 30_000);

  it('logs, as SIGTERM stops it, how its shutdown left the stream connections, then that it stopped', async () => {
    const temp = makeTempDir('relay-stopped');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0, [], [], { LOG_LEVEL: 'info' });
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.subscribed()).toBe(true));
    const exited = new Promise((resolve) => relay.child.once('exit', resolve));
    relay.child.kill('SIGTERM');
    expect(await client.closed).toBe(1001);
    expect(await exited).toBe(0);
    const lines = relay.output().trim().split('\n');
    expect(lines.at(-2)).toMatch(
      /"process":"stream","connections":1,"cutShort":0,"drainTimeoutMs":5000,"msg":"stream connections closed for the shutdown, each sent everything stored"/,
    );
    expect(lines.at(-1)).toMatch(/"msg":"relay stopped"/);
  }, 30_000);

  it('applies --max-clients: one connection more than it is set to take is refused 503, in its stream process', async () => {
    const temp = makeTempDir('relay-max-clients');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0, ['--max-clients', '1']);
    const taken = subscriber(relay.url, null);
    await eventually(() => expect(taken.subscribed()).toBe(true));
    expect(await refusedStream(relay.url, token)).toBe(503);
    await eventually(() =>
      expect(relay.output()).toMatch(
        /"process":"stream".*"reason":"too_many_clients","maxClients":1/,
      ),
    );
    taken.ws.close();
    relay.child.kill('SIGTERM');
  }, 30_000);

  it('applies the retention flags: a client whose cursor is past them is told of the gap', async () => {
    const temp = makeTempDir('relay-retention');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0, ['--retention-events', '3']);
    for (let n = 1; n <= 5; n++) {
      expect((await post(relay.url, webhookBody({ account_id: `kept-${n}` }))).status).toBe(200);
    }
    const client = subscriber(relay.url, 0);
    await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([3, 4, 5]));
    expect(client.messages.find((m) => m.type === 'gap')).toEqual({
      type: 'gap',
      requestedCursor: 0,
      oldestAvailableSeq: 3,
    });
    client.ws.close();
    relay.child.kill('SIGTERM');
  }, 30_000);
});

describe("the command line relay's stream process", () => {
  it('serves subscribers from a stream process by default, and from the main one with --single-process', async () => {
    const streamProcessesOf = (pid: number) =>
      readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .filter((child) =>
          readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('stream-process'),
        );
    for (const { flags, expected } of [
      { flags: [], expected: 1 },
      { flags: ['--single-process'], expected: 0 },
    ]) {
      const temp = makeTempDir('relay-processes');
      cleanups.push(() => temp.remove());
      const relay = await spawnRelay(temp.path, 0, flags);
      const client = subscriber(relay.url, null);
      await eventually(() =>
        expect(client.messages.some((m) => m.type === 'subscribed')).toBe(true),
      );
      expect((await post(relay.url, webhookBody())).status).toBe(200);
      await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([1]));
      expect(streamProcessesOf(relay.child.pid as number)).toHaveLength(expected);
      client.ws.close();
      relay.child.kill('SIGTERM');
    }
  }, 30_000);

  it('takes over 600 connections made 200 at a time while webhooks arrive, each subscribed', async () => {
    const temp = makeTempDir('relay-handover');
    cleanups.push(() => temp.remove());
    const relay = await spawnRelay(temp.path, 0);
    // Each client subscribes the moment its handshake's answer arrives, while webhooks keep the
    // main process busy: every handshake and first message must reach the stream process.
    const subscribe = encodeClientFrame(
      0x1,
      Buffer.from(JSON.stringify({ type: 'subscribe', cursor: null })),
    );
    const sockets: Socket[] = [];
    let subscribed = 0;
    for (let wave = 0; wave < 3; wave++) {
      const load = Promise.all(
        Array.from({ length: 200 }, (_, n) =>
          post(relay.url, webhookBody({ account_id: `load-${wave}-${n}` })),
        ),
      );
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          const socket = await openLeanStream(`${relay.url}/v1/stream`, token, () => (chunk) => {
            if (chunk.includes('"subscribed"')) subscribed++;
          });
          socket.write(subscribe);
          sockets.push(socket);
        }),
      );
      expect((await load).every((answer) => answer.status === 200)).toBe(true);
    }
    await eventually(() => expect(subscribed).toBe(600), 10_000);
    for (const socket of sockets) socket.destroy();
    relay.child.kill('SIGTERM');
  });
});

describe('relay connections a client resets', () => {
  /** Sends `request` on a raw socket, and resets it (RST, not FIN) when `resetWhen` says so. */
  function sendAndReset(
    url: string,
    request: string,
    resetWhen: 'answered' | 'sent',
  ): Promise<void> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(request.replaceAll('{host}', hostname));
        if (resetWhen === 'sent') {
          socket.resetAndDestroy();
          resolve();
        }
      });
      socket.once('data', () => {
        socket.resetAndDestroy();
        resolve();
      });
      // The relay may reset first (its own end of a refusal); the test asks whether it lives on.
      socket.once('error', () => resolve());
    });
  }
  const upgrade = (path: string, bearer: string) =>
    `GET ${path} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
    `Authorization: Bearer ${bearer}\r\n\r\n`;

  it.each([
    { streams: 'in a process of their own', flags: [] },
    { streams: 'in the relay process', flags: ['--single-process'] },
  ])(
    'survives clients that reset as they are refused, handed over or mid-webhook, streams $streams',
    async ({ flags }) => {
      const temp = makeTempDir('relay-resets');
      cleanups.push(() => temp.remove());
      const relay = await spawnRelay(temp.path, 0, flags);
      for (let round = 0; round < 20; round++) {
        await Promise.all([
          sendAndReset(relay.url, upgrade('/v1/stream', 'not-a-client-token'), 'answered'),
          sendAndReset(relay.url, upgrade('/elsewhere', token), 'answered'),
          sendAndReset(relay.url, webhookCutShort, 'sent'),
          ...Array.from({ length: 10 }, () =>
            sendAndReset(relay.url, upgrade('/v1/stream', token), 'sent'),
          ),
        ]);
      }
      expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
      const client = subscriber(relay.url, null);
      await eventually(() =>
        expect(client.messages.some((m) => m.type === 'subscribed')).toBe(true),
      );
      expect((await post(relay.url, webhookBody())).status).toBe(200);
      await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([1]));
      client.ws.close();
      expect(relay.output()).not.toContain('the stream process exited');
      relay.child.kill('SIGTERM');
    },
    30_000,
  );
});

describe('relay memory', () => {
  it('takes webhooks up to its body limit by the hundred in a small heap, delivers them all, and restarts', async () => {
    const temp = makeTempDir('relay-large');
    cleanups.push(() => temp.remove());
    // 120 webhooks of 800 KB (96 MB) through a 64 MB heap: the relay must not hold them all.
    const heap = ['--max-old-space-size=64'];
    const flags = ['--retention-events', '1000'];
    const first = await spawnRelay(temp.path, 0, flags, heap);
    const client = subscriber(first.url, null);
    await eventually(() => expect(client.messages.some((m) => m.type === 'subscribed')).toBe(true));
    const total = 120;
    const padding = 'l'.repeat(800_000);
    for (let n = 0; n < total; n += 4) {
      const answers = await Promise.all(
        [0, 1, 2, 3].map((i) =>
          post(first.url, webhookBody({ account_id: `large-${n + i}`, padding })),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    }
    const accountIds = (events: { body: string }[]) =>
      events.map((event) => (JSON.parse(event.body) as { account_id: string }).account_id);
    const expected = Array.from({ length: total }, (_, n) => `large-${n}`);
    await eventually(() => expect(client.events()).toHaveLength(total), 20_000);
    expect(new Set(accountIds(client.events()))).toEqual(new Set(expected));
    expect(client.events().map((event) => event.seq)).toEqual(expected.map((_, i) => i + 1));
    client.ws.close();
    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('exit', resolve));

    // Reopening reads the whole log back, and a new client replays all of it from disk.
    const second = await spawnRelay(temp.path, 0, flags, heap);
    const replay = subscriber(second.url, null);
    await eventually(() => expect(replay.events()).toHaveLength(total), 20_000);
    expect(new Set(accountIds(replay.events()))).toEqual(new Set(expected));
    replay.ws.close();
    second.child.kill('SIGTERM');
  }, 90_000);
});

describe('relay crash safety', () => {
  it('sets aside a torn tail on start, says so in its log, and serves every whole event', async () => {
    const temp = makeTempDir('relay-torn');
    cleanups.push(() => temp.remove());
    const first = await spawnRelay(temp.path, 0);
    for (const id of ['torn-1', 'torn-2'])
      expect((await post(first.url, webhookBody({ account_id: id }))).status).toBe(200);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const segment = join(temp.path, 'events-0000000000000001.log');
    const whole = statSync(segment).size;
    appendFileSync(segment, Buffer.from([0xff, 0x00, 0x00, 0x00, 0x12])); // a torn header

    const second = await spawnRelay(temp.path, 0);
    const warning = second
      .output()
      .split('\n')
      .filter((line) => line.includes('set aside'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(warning).toEqual([
      expect.objectContaining({
        level: 40,
        segment,
        fromByte: whole,
        bytes: 5,
        keptAs: `${segment}.from-byte-${whole}`,
      }),
    ]);
    const client = subscriber(second.url, null);
    await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([1, 2]));
    client.ws.close();
    second.child.kill('SIGTERM');
  });

  it.each([
    { streams: 'in the relay process', flags: ['--single-process'] },
    { streams: 'in a process of their own (the default)', flags: [] },
  ])(
    'loses no answered webhook to kill -9 mid-burst, and delivers each exactly once per subscriber (streams $streams)',
    async ({ flags }) => {
      const temp = makeTempDir('relay-crash');
      cleanups.push(() => temp.remove());
      const first = await spawnRelay(temp.path, 0, flags);
      const port = Number(new URL(first.url).port);

      const client = subscriber(first.url, null);
      await eventually(() =>
        expect(client.messages.some((m) => m.type === 'subscribed')).toBe(true),
      );

      const answered: string[] = [];
      let next = 0;
      const total = 600;
      const sender = async () => {
        while (next < total) {
          const id = `crash-${next++}`;
          try {
            const response = await post(first.url, webhookBody({ account_id: id }));
            if (response.status === 200) answered.push(id);
          } catch {
            // the relay died under this request: it was never answered
          }
        }
      };
      const senders = Promise.all(Array.from({ length: 16 }, sender));
      await eventually(() => expect(answered.length).toBeGreaterThanOrEqual(150), 20_000);
      first.child.kill('SIGKILL');
      await senders;
      expect(answered.length).toBeLessThan(total);
      await client.closed;
      const seenBeforeCrash = client.events();

      const second = await spawnRelay(temp.path, port, flags);
      const lastSeq = seenBeforeCrash.at(-1)?.seq ?? null;
      const resumed = subscriber(second.url, lastSeq);
      const head = Number(
        ((await (await fetch(`${second.url}/healthz`)).json()) as { headSeq: number }).headSeq,
      );
      await eventually(() => expect(resumed.events().at(-1)?.seq ?? lastSeq).toBe(head), 20_000);

      const bySeq = new Map<number, string>();
      for (const event of [...seenBeforeCrash, ...resumed.events()])
        bySeq.set(event.seq, event.body);
      const delivered = [...bySeq.values()].map(
        (body) => (JSON.parse(body) as { account_id: string }).account_id,
      );
      expect(new Set(delivered).size).toBe(delivered.length);
      for (const id of answered) expect(delivered).toContain(id);
      expect([...bySeq.keys()]).toEqual(Array.from({ length: bySeq.size }, (_, i) => i + 1));
      resumed.ws.close();
      second.child.kill('SIGTERM');
    },
    60_000,
  );
});
