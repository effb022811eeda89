import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/logger';
import { openFileEventLog } from '../../src/relay/file-event-log';
import { startRelayServer, type RunningRelay } from '../../src/relay/relay-server';
import { eventually } from '../support/eventually';
import { refusedStream, streamSubscriber } from '../support/stream-subscriber';
import { makeTempDir } from '../support/temp-dir';
import { postWebhook, sign, webhookBody } from '../support/webhooks';

const secret = 'whsec_stream_process';
const token = 'client-token-stream-process';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRelay(): Promise<RunningRelay> {
  const temp = makeTempDir('relay-stream-process');
  const relay = await startRelayServer({
    webhookSecrets: [secret],
    clientTokens: [token],
    eventLog: openFileEventLog({ dataDir: temp.path }),
    logger: silentLogger(),
    streamsInOwnProcess: true,
  });
  cleanups.push(() => temp.remove());
  cleanups.push(() => relay.close(100).catch(() => undefined));
  return relay;
}

const post = (url: string, body: string) =>
  postWebhook(url, body, {
    'content-type': 'application/json',
    'x-stackone-signature': sign(body, secret),
  });

const subscriber = (url: string, cursor: number | null) => streamSubscriber(url, token, cursor);

/** The pid of this process's child running the relay's stream process. */
function streamProcessPid(): number | undefined {
  const children = readdirSync(`/proc/${process.pid}/task`).flatMap((thread) =>
    readFileSync(`/proc/${process.pid}/task/${thread}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number),
  );
  return children.find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('stream-process');
    } catch {
      return false;
    }
  });
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
    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'streams_unavailable' });
    expect(await refusedStream(relay.url, token)).toBe(503);
    expect((await post(relay.url, webhookBody({ account_id: 'while-down' }))).status).toBe(200);

    await eventually(async () => expect((await fetch(`${relay.url}/healthz`)).status).toBe(200));
    expect(streamProcessPid()).not.toBe(pid);
    const resumed = subscriber(relay.url, first.events().at(-1)?.seq ?? null);
    await eventually(() => expect(resumed.events()).toHaveLength(1));
    expect(JSON.parse(resumed.events()[0]?.body ?? '{}')).toMatchObject({
      account_id: 'while-down',
    });
    expect((await post(relay.url, webhookBody({ account_id: 'after' }))).status).toBe(200);
    await eventually(() => expect(resumed.events().map((e) => e.seq)).toEqual([2, 3]));
    resumed.ws.close();
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
