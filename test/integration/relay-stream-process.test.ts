import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningRelay } from '../../src/relay/relay-server';
import type { StoredEvent } from '../../src/relay/event-log';
import type { FromStreamProcess, ToStreamProcess } from '../../src/relay/stream-process-protocol';
import { eventually } from '../support/eventually';
import { refusedStream, streamSubscriber } from '../support/stream-subscriber';
import { initForEmptyLog } from '../support/stream-process-messages';
import { streamProcessPid } from '../support/stream-process-pid';
import { startStreamProcessRelay } from '../support/stream-process-relay';
import { postWebhook, sign, webhookBody } from '../support/webhooks';

const secret = 'whsec_stream_process';
const token = 'client-token-stream-process';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRelay(): Promise<RunningRelay> {
  const { relay, stop } = await startStreamProcessRelay({
    secret,
    token,
    dirPrefix: 'relay-stream-process',
  });
  cleanups.push(stop);
  return relay;
}

const post = (url: string, body: string) =>
  postWebhook(url, body, {
    'content-type': 'application/json',
    'x-stackone-signature': sign(body, secret),
  });

const subscriber = (url: string, cursor: number | null) => streamSubscriber(url, token, cursor);

/** The relay's /metrics, as a lookup of an unlabelled metric's value by its name. */
async function scrape(url: string): Promise<(name: string) => number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return (name) => {
    const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
    if (value === undefined) throw new Error(`/metrics has no ${name}`);
    // Prometheus reads its values case-blind: prom-client writes no value as "Nan".
    return /^nan$/i.test(value) ? Number.NaN : Number(value);
  };
}

describe('relay stream process', () => {
  it('takes over every one of 100 connections made at once, each subscribed and sent what follows', async () => {
    const relay = await startRelay();
    // Each client subscribes the moment its handshake completes: a socket still open in the main
    // process at that moment would read that message there and lose it.
    const clients = Array.from({ length: 100 }, () => subscriber(relay.url, null));
    await eventually(() => expect(clients.filter((c) => c.subscribed())).toHaveLength(100), 15_000);
    const body = webhookBody({ account_id: 'after-all-connected' });
    expect((await post(relay.url, body)).status).toBe(200);
    await eventually(() =>
      expect(clients.filter((c) => c.events()[0]?.body === body)).toHaveLength(100),
    );
    expect(await (await fetch(`${relay.url}/healthz`)).json()).toMatchObject({ clients: 100 });
    for (const client of clients) client.ws.close();
  });

  it('replaces a stream process that dies; webhooks are taken meanwhile, connections refused with 503, and a client resumes from its cursor', async () => {
    const relay = await startRelay();
    const first = subscriber(relay.url, null);
    await eventually(() => expect(first.subscribed()).toBe(true));
    expect((await post(relay.url, webhookBody({ account_id: 'before' }))).status).toBe(200);
    await eventually(() => expect(first.events()).toHaveLength(1));

    const pid = streamProcessPid();
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    expect(await first.closed).toBe(1006);
    // Its exit seen, before its replacement starts (a second later): no client is connected.
    await eventually(async () => expect((await scrape(relay.url))('relay_clients')).toBe(0));
    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'streams_unavailable' });
    // Its gauges give no value rather than the figures of a process that is gone.
    const whileDown = await scrape(relay.url);
    expect(whileDown('relay_stream_process_up')).toBe(0);
    expect(whileDown('relay_fan_out_window_seconds')).toBeNaN();
    expect(whileDown('relay_stream_process_resident_memory_bytes')).toBeNaN();
    expect(whileDown('relay_stream_process_eventloop_lag_max_seconds')).toBeNaN();
    expect(await refusedStream(relay.url, token)).toBe(503);
    expect((await post(relay.url, webhookBody({ account_id: 'while-down' }))).status).toBe(200);

    await eventually(async () => expect((await fetch(`${relay.url}/healthz`)).status).toBe(200));
    expect(streamProcessPid()).not.toBe(pid);
    const resumed = subscriber(relay.url, first.events().at(-1)?.seq ?? null);
    await eventually(() => expect(resumed.events()).toHaveLength(1));
    const replaced = await scrape(relay.url);
    expect(replaced('relay_stream_process_up')).toBe(1);
    expect(replaced('relay_clients')).toBe(1);
    expect(replaced('relay_fan_out_window_seconds')).toBeGreaterThan(0);
    expect(replaced('relay_stream_process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(JSON.parse(resumed.events()[0]?.body ?? '{}')).toMatchObject({
      account_id: 'while-down',
    });
    expect((await post(relay.url, webhookBody({ account_id: 'after' }))).status).toBe(200);
    await eventually(() => expect(resumed.events().map((e) => e.seq)).toEqual([2, 3]));
    resumed.ws.close();
  });

  it('reports in /metrics the stream process’s own memory, and its event loop’s worst delay since the last scrape', async () => {
    const relay = await startRelay();
    const pid = streamProcessPid() as number;

    const metrics = await scrape(relay.url);
    const residentKib = Number(
      /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1],
    );
    const resident = metrics('relay_stream_process_resident_memory_bytes');
    expect(resident / (residentKib * 1024)).toBeGreaterThan(0.8);
    expect(resident / (residentKib * 1024)).toBeLessThan(1.25);
    const heapUsed = metrics('relay_stream_process_heap_used_bytes');
    expect(heapUsed).toBeGreaterThan(1_000_000);
    expect(heapUsed).toBeLessThan(resident);
    // Not the main process's figure, which the default metrics give.
    expect(resident).not.toBe(metrics('process_resident_memory_bytes'));

    // The stream process held up (stopped) for 300 ms: the next scrape says so, even after a
    // health check in between; the one after it no longer does. Not at once after the scrape:
    // the monitor's first timer after a scrape only sets where its next delay is measured from.
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.kill(pid, 'SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(pid, 'SIGCONT');
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    expect(
      (await scrape(relay.url))('relay_stream_process_eventloop_lag_max_seconds'),
    ).toBeGreaterThan(0.25);
    expect(
      (await scrape(relay.url))('relay_stream_process_eventloop_lag_max_seconds'),
    ).toBeLessThan(0.25);
  });

  it('gives no client count while a running stream process does not answer', async () => {
    const relay = await startRelay();
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.subscribed()).toBe(true));
    const pid = streamProcessPid() as number;
    process.kill(pid, 'SIGSTOP');
    try {
      // Held up past the scrape's 2 s wait: its client is connected still, unknown to the relay.
      const whileHeldUp = await scrape(relay.url);
      expect(whileHeldUp('relay_stream_process_up')).toBe(0);
      expect(whileHeldUp('relay_clients')).toBeNaN();
      expect(whileHeldUp('relay_stream_queued_bytes')).toBeNaN();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const after = await scrape(relay.url);
    expect(after('relay_stream_process_up')).toBe(1);
    expect(after('relay_clients')).toBe(1);
    client.ws.close();
  });

  it.each([
    ['once its replacement runs, with no connection sent to it', true],
    ['while it is being replaced', false],
  ])('closes after a stream process that had connections died, %s', async (_when, replaced) => {
    const relay = await startRelay();
    const client = subscriber(relay.url, null);
    await eventually(() => expect(client.subscribed()).toBe(true));
    process.kill(streamProcessPid() as number, 'SIGKILL');
    expect(await client.closed).toBe(1006);
    if (replaced)
      await eventually(async () => expect((await fetch(`${relay.url}/healthz`)).status).toBe(200));
    // Node's server.close() had waited for ever here for the process that held the connection.
    const closed = await Promise.race([
      relay.close(100).then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still closing after 10 s'), 10_000)),
    ]);
    expect(closed).toBe('closed');
  });

  it('stops the stream process when the relay closes', async () => {
    const relay = await startRelay();
    const pid = streamProcessPid();
    expect(pid).toBeDefined();
    await relay.close();
    expect(streamProcessPid()).toBeUndefined();
    expect(() => process.kill(pid as number, 0)).toThrow();
  });
});

/**
 * The stream process itself, with the test in the main process's place: it keeps the log in
 * `log`, answers the stream process's reads from it (or, with `holdReads`, keeps them in
 * `heldReads` until `answerHeldRead`) and collects what the process sends.
 */
async function forkStreamProcess(options: { log?: StoredEvent[]; holdReads?: boolean } = {}) {
  const child = fork(join(import.meta.dirname, '../../src/relay/stream-process.ts'), [], {
    execArgv: ['--import', createRequire(import.meta.url).resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanups.push(() => void child.kill('SIGKILL'));
  const log: StoredEvent[] = options.log ?? [];
  const position = () => ({ headSeq: log.length, oldestSeq: log.length > 0 ? 1 : null });
  const received: FromStreamProcess[] = [];
  const heldReads: Extract<FromStreamProcess, { type: 'read' }>[] = [];
  const answer = (read: Extract<FromStreamProcess, { type: 'read' }>) =>
    child.send({
      type: 'read-result',
      id: read.id,
      events: log.slice(read.cursor, read.cursor + read.limit),
      ...position(),
    } satisfies ToStreamProcess);
  child.on('message', (message: FromStreamProcess) => {
    received.push(message);
    if (message.type !== 'read') return;
    if (options.holdReads) heldReads.push(message);
    else answer(message);
  });
  child.send({ ...initForEmptyLog, ...position() });
  await eventually(() => expect(received).toContainEqual({ type: 'ready' }));
  const answerHeldRead = () => {
    const read = heldReads.shift();
    if (read !== undefined) answer(read);
  };
  return { child, log, position, received, heldReads, answerHeldRead };
}

/**
 * An HTTP server that hands each WebSocket upgrade to `child` as the relay's main process does,
 * with the upgrade message `messageFor` makes of it; resolves with the server's URL.
 */
async function handingUpgradesTo(
  child: ChildProcess,
  messageFor: (request: IncomingMessage, head: Buffer) => object,
): Promise<string> {
  const server = createServer();
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    child.send(messageFor(request, head), socket, { keepOpen: true }, () => {
      socket.destroy();
      child.send({ type: 'upgrade-go', id: 1 } satisfies ToStreamProcess);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => void server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const upgradeMessage = (request: IncomingMessage, head: Buffer): ToStreamProcess => ({
  type: 'upgrade',
  id: 1,
  method: request.method ?? 'GET',
  url: request.url ?? '',
  headers: request.headers,
  head: head.toString('base64'),
});

describe("the stream process's messages from the main process", () => {
  it('logs one it does not understand, without its values, and a subscriber still gets the events it carried', async () => {
    const { child, log, position, received } = await forkStreamProcess();
    const client = subscriber(await handingUpgradesTo(child, upgradeMessage), null);
    cleanups.push(() => client.ws.terminate());
    await eventually(() => expect(client.subscribed()).toBe(true));

    const stored = (seq: number, body: string): StoredEvent => ({
      seq,
      body,
      signature: 'v1=abc',
      receivedAt: new Date().toISOString(),
      event: 'account.created',
      originOwnerId: null,
    });
    const badBody = '{"marker":"body-in-a-bad-commit-5e1f"}';
    const first = stored(1, badBody);
    const second = stored(2, '{"marker":"second"}');
    log.push(first);
    // As another build might send it: without originOwnerId (JSON drops an undefined field).
    child.send({ type: 'commit', events: [{ ...first, originOwnerId: undefined }], ...position() });
    log.push(second);
    child.send({ type: 'commit', events: [second], ...position() } satisfies ToStreamProcess);

    // The second commit does not follow what the subscriber had: it is sent both from the log.
    await eventually(() => expect(client.events().map((event) => event.seq)).toEqual([1, 2]));
    expect(client.events()[0]?.body).toBe(badBody);
    const logged = received.filter((message) => message.type === 'log');
    expect(logged).toEqual([
      {
        type: 'log',
        level: 'error',
        fields: { problem: 'type "commit" at events.0.originOwnerId: invalid_type' },
        message: expect.stringContaining('a message from the main process was not understood'),
      },
    ]);
    expect(JSON.stringify(logged)).not.toContain('body-in-a-bad-commit');

    client.ws.close();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    expect(await exited).toBe(0);
  });

  it('asks the main process for at most four reads at once, however many subscribers are behind', async () => {
    const log = Array.from({ length: 4_000 }, (_, i): StoredEvent => ({
      seq: i + 1,
      body: `{"event":"account.updated","account_id":"behind-${i + 1}"}`,
      signature: 'v1=abc',
      receivedAt: new Date().toISOString(),
      event: 'account.updated',
      originOwnerId: null,
    }));
    const { child, heldReads, answerHeldRead } = await forkStreamProcess({ log, holdReads: true });
    const url = await handingUpgradesTo(child, upgradeMessage);
    // Ten subscribers, each a stretch of the log apart, so that no two share a read.
    const cursors = Array.from({ length: 10 }, (_, n) => n * 300);
    const clients = [];
    for (const cursor of cursors) {
      const client = subscriber(url, cursor);
      cleanups.push(() => client.ws.terminate());
      await eventually(() => expect(client.subscribed()).toBe(true));
      clients.push(client);
    }
    await eventually(() => expect(heldReads).toHaveLength(4));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heldReads).toHaveLength(4);

    // Each answer lets the next read go; every subscriber gets everything after its cursor.
    const deadline = Date.now() + 20_000;
    while (clients.some((client, n) => client.events().length < log.length - (cursors[n] ?? 0))) {
      expect(heldReads.length).toBeLessThanOrEqual(4);
      if (Date.now() > deadline) throw new Error('the subscribers did not catch up in 20 s');
      answerHeldRead();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const [n, client] of clients.entries())
      expect(client.events().map((event) => event.seq)).toEqual(
        log.slice(cursors[n]).map((event) => event.seq),
      );
  }, 30_000);

  it('closes a connection that came with an upgrade it does not understand, and logs it', async () => {
    const { child, received } = await forkStreamProcess();
    // An id of 0 is not one the main process gives.
    const url = await handingUpgradesTo(child, (request, head) => ({
      ...upgradeMessage(request, head),
      id: 0,
    }));
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`);
    cleanups.push(() => ws.terminate());
    ws.on('error', () => undefined);
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('close', () => resolve(false));
    });
    expect(opened).toBe(false);
    await eventually(() =>
      expect(received).toContainEqual({
        type: 'log',
        level: 'error',
        fields: { problem: 'type "upgrade" at id: too_small' },
        message: expect.stringContaining('a message from the main process was not understood'),
      }),
    );
  });
});
