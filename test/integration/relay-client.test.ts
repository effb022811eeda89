import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger } from '../../src/main/logger';
import {
  createRelayClient,
  type RelayClient,
  type RelayClientOptions,
} from '../../src/main/relay-client';
import { openFileEventLog } from '../../src/relay/file-event-log';
import { logIdFileName } from '../../src/relay/log-id';
import { startRelayServer } from '../../src/relay/relay-server';
import type { RelayConnection } from '../../src/shared/domain';
import {
  relayLogIdHeader,
  relayLogIdPattern,
  relayVersionHeader,
} from '../../src/shared/relay-protocol';
import { eventually } from '../support/eventually';
import { startFreezableProxy } from '../support/freezable-proxy';
import { closedAddress } from '../support/http-proxy';
import { relaySettingsCheck, relaySettingsCheckError } from '../support/relay-settings-check';
import { streamSubscriber } from '../support/stream-subscriber';
import { makeTempDir } from '../support/temp-dir';
import { logEvent } from '../support/webhooks';

const token = 'relay-client-token-5e6f';
/** RFC 6455's key that a server's Sec-WebSocket-Accept hashes with the client's key. */
const webSocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real relay on a fresh log, first filled with `events`; closed after the test. */
async function startRelay(
  options: {
    events?: Record<string, unknown>[];
    port?: number;
    heartbeatIntervalMs?: number;
    maxEvents?: number;
    /** The log id its data directory holds already (one restored from a backup). */
    logId?: string;
    maxClients?: number;
  } = {},
) {
  const temp = makeTempDir('relay-client');
  cleanups.push(() => temp.remove());
  if (options.logId !== undefined)
    writeFileSync(join(temp.path, logIdFileName), `${options.logId}\n`);
  const eventLog = openFileEventLog({
    dataDir: temp.path,
    ...(options.maxEvents !== undefined && { maxEvents: options.maxEvents }),
  });
  for (const event of options.events ?? []) await eventLog.append(logEvent(event));
  const relay = await startRelayServer({
    webhookSecrets: ['whsec_relay_client'],
    clientTokens: [token],
    eventLog,
    logger: silentLogger(),
    ...(options.port !== undefined && { port: options.port }),
    ...(options.heartbeatIntervalMs !== undefined && {
      heartbeatIntervalMs: options.heartbeatIntervalMs,
    }),
    ...(options.maxClients !== undefined && { maxClients: options.maxClients }),
  });
  cleanups.push(() => relay.close(100));
  return { relay, eventLog, streamUrl: `${relay.url.replace('http', 'ws')}/v1/stream` };
}

/**
 * A started client that records the seqs it applied (its cursor is the last of them, until it is
 * told to forget it, to pass a gap, or how far it has been sent), the gaps it passed and its
 * connection changes; it starts with the cursor and log id `kept`, and `options` override the
 * rest.
 */
function startClient(
  streamUrl: string,
  options: Partial<RelayClientOptions> = {},
  kept: { cursor?: number; logId?: string } = {},
) {
  const applied: number[] = [];
  const changes: RelayConnection[] = [];
  const gapsPassed: number[] = [];
  let cursor: number | null = kept.cursor ?? null;
  let logId: string | null = kept.logId ?? null;
  const client: RelayClient = createRelayClient({
    streamUrl,
    token,
    cursor: () => cursor,
    applyEvents: async (events) => {
      applied.push(...events.map((event) => event.seq));
      cursor = applied.at(-1) ?? cursor;
      return 'persisted';
    },
    forgetCursor: () => {
      cursor = null;
    },
    passGap: (lastDroppedSeq) => {
      gapsPassed.push(lastDroppedSeq);
      cursor = Math.max(cursor ?? 0, lastDroppedSeq);
    },
    advanceCursor: (seq) => {
      cursor = Math.max(cursor ?? 0, seq);
    },
    logId: () => logId,
    enterLog: (entered) => {
      if (logId !== null && entered !== logId) cursor = null;
      logId = entered;
    },
    onConnectionChange: (connection) => changes.push(connection),
    logger: silentLogger(),
    initialRetryMs: 50,
    ...options,
  });
  client.start();
  cleanups.push(() => client.stop());
  return { client, applied, changes, gapsPassed, cursor: () => cursor, logId: () => logId };
}

/**
 * A stand-in relay that answers each subscription and then sends only what the test sends on its
 * connections, recording every message the client sends; closed after the test.
 */
async function startScriptedRelay(
  options: {
    logIdHeader?: string;
    versionHeader?: string;
    /** Called once each subscription is answered, with its connection. */
    onSubscribe?: (ws: WebSocket) => void;
  } = {},
) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const { logIdHeader, versionHeader } = options;
  if (logIdHeader !== undefined)
    server.on('headers', (headers) => headers.push(`${relayLogIdHeader}: ${logIdHeader}`));
  if (versionHeader !== undefined)
    server.on('headers', (headers) => headers.push(`${relayVersionHeader}: ${versionHeader}`));
  const connections: WebSocket[] = [];
  const fromClient: { type: string }[] = [];
  /** The User-Agent of each connection's upgrade request. */
  const userAgents: (string | undefined)[] = [];
  server.on('connection', (ws, request) => {
    connections.push(ws);
    userAgents.push(request.headers['user-agent']);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      fromClient.push(message);
      if (message.type !== 'subscribe') return;
      ws.send(JSON.stringify({ type: 'subscribed', headSeq: 0 }));
      options.onSubscribe?.(ws);
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const ws of connections) ws.terminate();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { connections, fromClient, userAgents, streamUrl: `ws://127.0.0.1:${port}/v1/stream` };
}

/** Sends an event message on `ws` as the relay would, for a scripted relay's connection. */
function sendEvent(ws: WebSocket | undefined, seq: number): void {
  ws?.send(
    JSON.stringify({
      type: 'event',
      seq,
      body: '{}',
      signature: 't=1,v1=x',
      receivedAt: new Date().toISOString(),
    }),
  );
}

describe('a relay that answers, but not with the stream', () => {
  /** Listens on loopback until the test ends; resolves to host:port. */
  async function onLoopback(server: Server) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A loopback server answering every request with `status` and `headers`; resolves to host:port. */
  const answeringServer = (status: number, headers: Record<string, string> = {}) =>
    onLoopback(createServer((_request, response) => response.writeHead(status, headers).end()));

  /**
   * A loopback server that answers every upgrade with 101 and a handshake a WebSocket client must
   * refuse: the accept key wrong (a filter rewriting headers), or right but with a subprotocol
   * never asked for (another WebSocket service at that address). Resolves to host:port.
   */
  async function wrongHandshakeServer(fault: 'accept key' | 'subprotocol') {
    const server = createServer((_request, response) => response.writeHead(426).end());
    server.on('upgrade', (request, socket) => {
      const accept = createHash('sha1')
        .update(`${String(request.headers['sec-websocket-key'])}${webSocketGuid}`)
        .digest('base64');
      socket.end(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          (fault === 'accept key'
            ? 'Sec-WebSocket-Accept: bm90LXRoZS1yaWdodC1rZXk=\r\n\r\n'
            : `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: graphql-ws\r\n\r\n`),
      );
    });
    return onLoopback(server);
  }

  const realRelayHost = async () => new URL((await startRelay()).relay.url).host;
  /** A real relay set to take one stream client, and serving one. */
  async function fullRelayHost() {
    const { relay } = await startRelay({ maxClients: 1 });
    const other = streamSubscriber(relay.url, token, null);
    cleanups.push(() => other.ws.terminate());
    await eventually(() => expect(other.subscribed()).toBe(true));
    return new URL(relay.url).host;
  }
  const handshakeFault = (host: string) =>
    `Something at ${host} answered the stream’s request, but not as a relay does (its WebSocket handshake was not valid). Check the relay URL in Settings; if it is right, a proxy or filter on this network may be altering the connection: try another network, and if it goes on, tell whoever runs the relay.`;

  it.each([
    {
      answer: 'a token refused',
      at: async () => ({ host: await realRelayHost(), path: '/v1/stream', token: 'wrong-token' }),
      code: 'relay_unauthorized',
      causeInSettings: true,
      says: (host: string) =>
        `The relay at ${host} refused this app’s relay token (HTTP 401). Check the relay token in Settings with whoever runs the relay.`,
    },
    {
      answer: 'no stream at that path',
      at: async () => ({ host: await realRelayHost(), path: '/v1/streams', token }),
      code: 'relay_unreachable',
      causeInSettings: true,
      says: (host: string) =>
        `The relay at ${host} has no stream at that address (HTTP 404). Check the relay URL in Settings (it ends in /v1/stream).`,
    },
    {
      // A load balancer in front of a relay that is down answers for it.
      answer: 'a relay down',
      at: async () => ({ host: await answeringServer(503), path: '/v1/stream', token }),
      code: 'relay_unreachable',
      causeInSettings: false,
      says: (host: string) =>
        `The relay at ${host} answered HTTP 503: it may be down or restarting. Try again in a few minutes; if it goes on, tell whoever runs the relay.`,
    },
    {
      // A server that sends plain HTTP to HTTPS, which a sign-in page's state may ride along with.
      answer: 'a redirect',
      at: async () => ({
        host: await answeringServer(301, {
          location: 'https://relay.example.com/v1/stream?state=sign-in-state-never-shown',
        }),
        path: '/v1/stream',
        token,
      }),
      code: 'relay_unreachable',
      causeInSettings: true,
      says: (host: string) =>
        `The relay at ${host} sends the stream to another address (HTTP 301, to https://relay.example.com/v1/stream). Check the relay URL in Settings: it must be the stream’s own address (wss:// for a relay on https://).`,
    },
    {
      answer: 'a web page',
      at: async () => ({ host: await answeringServer(200), path: '/', token }),
      code: 'relay_unreachable',
      causeInSettings: true,
      says: (host: string) =>
        `The relay at ${host} answered HTTP 200, not with its stream. Check the relay URL in Settings (it ends in /v1/stream).`,
    },
    {
      answer: 'a handshake whose accept key is wrong',
      at: async () => ({
        host: await wrongHandshakeServer('accept key'),
        path: '/v1/stream',
        token,
      }),
      code: 'relay_unreachable',
      causeInSettings: true,
      says: handshakeFault,
    },
    {
      answer: 'a handshake with a subprotocol not asked for',
      at: async () => ({
        host: await wrongHandshakeServer('subprotocol'),
        path: '/v1/stream',
        token,
      }),
      code: 'relay_unreachable',
      causeInSettings: true,
      says: handshakeFault,
    },
  ])(
    'says what $answer means, the same as the client waits to retry and in the settings check',
    async ({ at, code, causeInSettings, says }) => {
      const { host, path, token: clientToken } = await at();
      const streamUrl = `ws://${host}${path}`;
      const { changes } = startClient(streamUrl, { token: clientToken, initialRetryMs: 60_000 });
      await eventually(() => expect(changes.at(-1)?.state).toBe('offline'));
      expect(changes.at(-1)?.detail).toMatch(/ Retrying in \d+\u00a0s\.$/);
      expect(changes.at(-1)?.detail.replace(/ Retrying in \d+\u00a0s\.$/, '')).toBe(says(host));
      expect(changes.at(-1)?.causeInSettings).toBe(causeInSettings ? true : undefined);

      const error = await relaySettingsCheckError(streamUrl, 2_000, clientToken);
      expect(error.code).toBe(code);
      expect(error.userMessage).toBe(says(host));
    },
  );

  it('says what a relay serving as many apps as it is set to means, where the settings check passes: the token was taken', async () => {
    const host = await fullRelayHost();
    const streamUrl = `ws://${host}/v1/stream`;
    const { changes } = startClient(streamUrl, { initialRetryMs: 60_000 });
    await eventually(() => expect(changes.at(-1)?.state).toBe('offline'));
    expect(changes.at(-1)?.detail.replace(/ Retrying in \d+\u00a0s\.$/, '')).toBe(
      `The relay at ${host} took this app’s relay token, but it is serving as many apps as it is set to (HTTP 503). The app connects once one of them leaves; if this goes on, tell whoever runs the relay (its --max-clients sets how many).`,
    );
    expect(changes.at(-1)?.causeInSettings).toBeUndefined();

    await expect(relaySettingsCheck(streamUrl, 2_000, token)).resolves.toBeUndefined();
    // A wrong token is refused as such, full or not.
    const refused = await relaySettingsCheckError(streamUrl, 2_000, 'wrong-token-0123456789');
    expect(refused.code).toBe('relay_unauthorized');
  });

  it('waits as long as a relay asks (Retry-After) before trying again, where its own wait is shorter', async () => {
    const fullRelay = startClient(`ws://${await fullRelayHost()}/v1/stream`);
    await eventually(() => expect(fullRelay.changes.at(-1)?.state).toBe('offline'));
    // 30 s asked, spread over up to half as much again so that a relay's apps do not all return at once.
    const waitSeconds = Number(
      /Retrying in (\d+)\u00a0s\.$/.exec(fullRelay.changes.at(-1)?.detail ?? '')?.[1],
    );
    expect(waitSeconds).toBeGreaterThanOrEqual(30);
    expect(waitSeconds).toBeLessThanOrEqual(45);

    const requestedAt: number[] = [];
    const host = await onLoopback(
      createServer((_request, response) => {
        requestedAt.push(performance.now());
        response.writeHead(503, { 'retry-after': '1' }).end();
      }),
    );
    startClient(`ws://${host}/v1/stream`);
    await eventually(() => expect(requestedAt).toHaveLength(2), 5_000);
    // Its own first wait is 50 ms in these tests.
    expect((requestedAt[1] as number) - (requestedAt[0] as number)).toBeGreaterThanOrEqual(1_000);
  });

  it('is told from a relay not reached, which offers no settings to open', async () => {
    const { changes: unreached } = startClient(`ws://${await closedAddress()}/v1/stream`);
    await eventually(() => expect(unreached.at(-1)?.state).toBe('offline'));
    expect(unreached.at(-1)?.causeInSettings).toBeUndefined();
  });
});

describe('relay client', () => {
  it("names itself to the relay as this release of the app, in the stream's connection and in the settings check", async () => {
    const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const { userAgents, streamUrl } = await startScriptedRelay();
    const { client } = startClient(streamUrl);
    await eventually(() => expect(client.connection.state).toBe('connected'));
    await relaySettingsCheck(streamUrl, 2_000, token);
    expect(userAgents).toEqual([
      `stackone-onboarding/${packageJson.version}`,
      `stackone-onboarding/${packageJson.version}`,
    ]);
  });

  it('keeps the relay’s release as its stream connection gives it, and none that is not one', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const { streamUrl } = await startRelay();
    const real = startClient(streamUrl);
    expect(real.client.relayVersion).toBeNull();
    await eventually(() => expect(real.client.connection.state).toBe('connected'));
    expect(real.client.relayVersion).toBe(version);
    for (const [versionHeader, kept] of [
      ['2.0.0-rc.1+build.7', '2.0.0-rc.1+build.7'],
      ['2.0 <script>', null],
      [undefined, null],
    ] as const) {
      const scripted = await startScriptedRelay(
        versionHeader === undefined ? {} : { versionHeader },
      );
      const { client } = startClient(scripted.streamUrl);
      await eventually(() => expect(client.connection.state).toBe('connected'));
      expect(client.relayVersion).toBe(kept);
    }
  });
});

describe('relay client liveness', () => {
  it('replaces a connection that goes silent, and says why', async () => {
    // A relay that answers the subscription and then neither sends nor pings: from the client's
    // side, exactly what a relay that vanished without closing the TCP connection looks like.
    const { connections, streamUrl } = await startScriptedRelay();
    const { changes } = startClient(streamUrl, {
      livenessTimeoutMs: 300,
    });
    await eventually(() => expect(changes.some((c) => c.state === 'connected')).toBe(true));
    await eventually(() =>
      expect(changes.map((c) => c.detail)).toContainEqual(
        expect.stringMatching(/^The relay stopped answering \(nothing for 1 s\)\. Retrying in/),
      ),
    );
    await eventually(() => expect(connections.length).toBeGreaterThanOrEqual(2));
  });

  it('stays connected to a relay that pings, however quiet its events', async () => {
    const { streamUrl } = await startRelay({ heartbeatIntervalMs: 100 });
    const { client, changes } = startClient(streamUrl, { livenessTimeoutMs: 400 });
    await eventually(() => expect(client.connection.state).toBe('connected'));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(client.connection.state).toBe('connected');
    expect(changes.filter((c) => c.state === 'connected')).toHaveLength(1);
  });
});

describe('relay client acks', () => {
  it('acks only events on disk, keeps the connection while the disk cannot be written, and acks them with the next that are', async () => {
    const { connections, fromClient, streamUrl } = await startScriptedRelay();
    const send = (seq: number) => sendEvent(connections[0], seq);
    let diskWritable = false;
    const applied: number[] = [];
    const { client } = startClient(streamUrl, {
      cursor: () => applied.at(-1) ?? null,
      applyEvents: async (events) => {
        applied.push(...events.map((event) => event.seq));
        return diskWritable ? 'persisted' : 'kept_in_memory';
      },
    });
    await eventually(() => expect(client.connection.state).toBe('connected'));

    send(1);
    send(2);
    await eventually(() => expect(applied).toEqual([1, 2]));
    diskWritable = true;
    send(3);
    await eventually(() => expect(applied).toEqual([1, 2, 3]));
    await eventually(() => expect(fromClient).toContainEqual({ type: 'ack', seq: 3 }));
    expect(fromClient.filter((m) => m.type === 'ack')).toEqual([{ type: 'ack', seq: 3 }]);
    expect(connections).toHaveLength(1);
    expect(client.connection.state).toBe('connected');
  });
});

describe('relay client, events sent again', () => {
  /**
   * A client whose first burst is held until `release` (then applied, or failed), on a scripted
   * relay: events 1-3 go out, 4-5 follow while the burst is held, the connection drops, and the
   * next connection is sent 1-6, as a relay replays from the cursor.
   */
  async function burstHeldAcrossAReconnect(firstBurst: 'applied' | 'failed') {
    const { connections, fromClient, streamUrl } = await startScriptedRelay();
    const applied: number[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    startClient(streamUrl, {
      cursor: () => applied.at(-1) ?? null,
      applyEvents: async (events) => {
        calls++;
        if (calls === 1) {
          await held;
          if (firstBurst === 'failed') throw new Error('the account list could not be updated');
        }
        applied.push(...events.map((event) => event.seq));
        return 'persisted';
      },
    });
    const subscriptions = () => fromClient.filter((m) => m.type === 'subscribe').length;
    await eventually(() => expect(subscriptions()).toBe(1));
    for (const seq of [1, 2, 3]) sendEvent(connections[0], seq);
    await eventually(() => expect(calls).toBe(1));
    for (const seq of [4, 5]) sendEvent(connections[0], seq);
    // Queued behind the held burst before the connection drops.
    await new Promise((resolve) => setTimeout(resolve, 50));
    connections[0]?.terminate();
    await eventually(() => expect(subscriptions()).toBe(2));
    for (const seq of [1, 2, 3, 4, 5, 6]) sendEvent(connections[1], seq);
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    return { applied, connections, subscriptions };
  }

  it('applies each event once and in order where a connection drops while its events are being applied and the next one sends them again', async () => {
    const { applied } = await burstHeldAcrossAReconnect('applied');
    await eventually(() => expect(applied).toEqual([1, 2, 3, 4, 5, 6]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(applied).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('applies a burst that failed, and every event after it, in order from the next connection, none ahead of it', async () => {
    const { applied, connections, subscriptions } = await burstHeldAcrossAReconnect('failed');
    // The failure drops the connection that was open: the next is sent everything again.
    await eventually(() => expect(subscriptions()).toBe(3));
    for (const seq of [1, 2, 3, 4, 5, 6, 7]) sendEvent(connections[2], seq);
    await eventually(() => expect(applied).toEqual([1, 2, 3, 4, 5, 6, 7]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(applied).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('says events that fail to apply could not be applied, and waits longer each time they fail again', async () => {
    const subscribedAt: number[] = [];
    const { streamUrl } = await startScriptedRelay({
      onSubscribe: (ws) => {
        subscribedAt.push(performance.now());
        sendEvent(ws, 1);
      },
    });
    const { changes } = startClient(streamUrl, {
      applyEvents: () => Promise.reject(new Error('the account list could not be updated')),
    });
    await eventually(() => expect(subscribedAt.length).toBeGreaterThanOrEqual(5));
    expect(changes).toContainEqual({
      state: 'offline',
      detail: expect.stringMatching(
        /^The account events from the relay could not be applied \(something went wrong inside the app\)\. If it keeps happening, restart the app and send its log file to support\. Retrying in \d+\u00a0s\.$/,
      ),
    });
    // Waits of 50, 100, 200 and 400 ms, each give or take a quarter, where they had stayed at 50:
    // the last at least 300 ms, however slow the machine.
    expect((subscribedAt[4] ?? 0) - (subscribedAt[3] ?? 0)).toBeGreaterThanOrEqual(300);
  });
});

describe('relay client gaps', () => {
  it.each([
    { cursor: 1, where: 'after its cursor' },
    // It subscribes from seq 0, not null, for which the relay would say nothing.
    { cursor: null, where: 'at its log’s start, where it has applied no event' },
  ])(
    'asks the app to reconcile, and says it may have missed events, when the relay no longer holds events $where, and applies the rest',
    async ({ cursor }) => {
      const { streamUrl } = await startRelay({
        maxEvents: 3,
        events: [1, 2, 3, 4, 5].map((n) => ({ account_id: `gap-${n}` })),
      });
      // Retention has kept only 3-5.
      let reconciles = 0;
      const { applied, gapsPassed } = startClient(
        streamUrl,
        { onConnected: () => (reconciles += 1) },
        cursor === null ? {} : { cursor },
      );

      await eventually(() => expect(applied).toEqual([3, 4, 5]));
      // Once for the connection and once for the gap: what is gone only StackOne knows.
      expect(reconciles).toBe(2);
      expect(gapsPassed).toEqual([2]);
    },
  );

  it('is told of a gap once: the cursor passes the events dropped, though none after them is its customers’, and the next subscription resumes from there', async () => {
    // Retention has kept only 3-5, globex's; the app takes acme's alone.
    const { streamUrl } = await startRelay({
      maxEvents: 3,
      events: [1, 2, 3, 4, 5].map((n) => ({ account_id: `g-${n}`, origin_owner_id: 'globex' })),
    });
    const { client, applied, changes, gapsPassed } = startClient(streamUrl, {
      originOwnerIds: () => ['acme'],
    });
    await eventually(() => expect(gapsPassed).toEqual([2]));
    client.resubscribe();
    await eventually(() => expect(changes.filter((c) => c.state === 'connected')).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gapsPassed).toEqual([2]);
    expect(applied).toEqual([]);
  });

  it('applies what a relay whose log was restored from a backup sends, seqs it had seen before included, from the relay’s start and on', async () => {
    const {
      relay: before,
      eventLog: logBefore,
      streamUrl,
    } = await startRelay({
      events: [1, 2, 3, 4, 5].map((n) => ({ account_id: `before-${n}` })),
    });
    let reconciles = 0;
    const { client, applied, gapsPassed } = startClient(streamUrl, {
      onConnected: () => (reconciles += 1),
    });
    await eventually(() => expect(applied).toEqual([1, 2, 3, 4, 5]));

    // The relay comes back at the same address on its data directory as a backup had it, before
    // events 3-5 (its log id, then, the same), and stores two webhooks before the app is back.
    await before.close(100);
    await eventually(() => expect(client.connection.state).not.toBe('connected'));
    const { eventLog } = await startRelay({
      port: before.port,
      events: [1, 2].map((n) => ({ account_id: `after-${n}` })),
      logId: logBefore.logId,
    });
    await eventually(() => expect(applied).toEqual([1, 2, 3, 4, 5, 1, 2]), 5_000);
    // Live events go on under seqs the app had seen from the relay before.
    await eventLog.append(logEvent({ account_id: 'after-3' }));
    await eventually(() => expect(applied).toEqual([1, 2, 3, 4, 5, 1, 2, 3]));
    // The first connection, the second, and its gap: StackOne has what happened in between.
    expect(reconciles).toBe(3);
    // A log that starts over is told by forgetting the cursor; the first dropped nothing.
    expect(gapsPassed).toEqual([]);
  });

  it('starts over on a relay whose data directory started anew, though its log has passed the app’s cursor', async () => {
    const { relay: before, streamUrl } = await startRelay({
      events: [1, 2, 3].map((n) => ({ account_id: `before-${n}` })),
    });
    let reconciles = 0;
    const { client, applied, gapsPassed, logId } = startClient(streamUrl, {
      onConnected: () => (reconciles += 1),
    });
    await eventually(() => expect(applied).toEqual([1, 2, 3]));
    const logBefore = logId();
    expect(logBefore).toMatch(relayLogIdPattern);

    // Back on an empty data directory (a disk replaced, a container without its volume), the
    // relay stores five webhooks before the app is back: seqs 1-5, past the app's cursor (3).
    await before.close(100);
    await eventually(() => expect(client.connection.state).not.toBe('connected'));
    const { eventLog } = await startRelay({
      port: before.port,
      events: [1, 2, 3, 4, 5].map((n) => ({ account_id: `after-${n}` })),
    });
    await eventually(() => expect(applied).toEqual([1, 2, 3, 1, 2, 3, 4, 5]), 5_000);
    expect(logId()).toBe(eventLog.logId);
    expect(logId()).not.toBe(logBefore);
    await eventLog.append(logEvent({ account_id: 'after-6' }));
    await eventually(() => expect(applied).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6]));
    // Each connection; no gap, since the app asked for the new log from its start.
    expect(reconciles).toBe(2);
    // Each subscription from the start of a log that has dropped nothing: nothing missed.
    expect(gapsPassed).toEqual([]);
  });

  it('takes its cursor for the relay’s log where it kept no log id (an app from before them)', async () => {
    const { eventLog, streamUrl } = await startRelay({
      events: [1, 2, 3, 4].map((n) => ({ account_id: `kept-${n}` })),
    });
    const { applied, logId } = startClient(streamUrl, {}, { cursor: 2 });
    await eventually(() => expect(applied).toEqual([3, 4]));
    expect(logId()).toBe(eventLog.logId);
  });

  it.each([
    ['names no log (a relay from before log ids)', undefined],
    ['gives a log id that is not one', 'not an id'],
  ])('resumes from its cursor on a relay that %s', async (_, logIdHeader) => {
    const { fromClient, streamUrl } = await startScriptedRelay({
      ...(logIdHeader !== undefined && { logIdHeader }),
    });
    const kept = { cursor: 7, logId: 'kept-log-0001' };
    const { client, logId } = startClient(streamUrl, {}, kept);
    await eventually(() => expect(client.connection.state).toBe('connected'));
    expect(fromClient[0]).toEqual({ type: 'subscribe', cursor: 7 });
    expect(logId()).toBe(kept.logId);
  });

  it('subscribes from the start of a relay’s log that is not its cursor’s', async () => {
    const { fromClient, streamUrl } = await startScriptedRelay({ logIdHeader: 'other-log-0002' });
    const { client, logId } = startClient(streamUrl, {}, { cursor: 7, logId: 'kept-log-0001' });
    await eventually(() => expect(client.connection.state).toBe('connected'));
    expect(fromClient[0]).toEqual({ type: 'subscribe', cursor: 0 });
    await eventually(() => expect(logId()).toBe('other-log-0002'));
  });
});

describe('relay client subscriptions', () => {
  const owned = (...owners: string[]) =>
    owners.map((owner, n) => ({ account_id: `acc-${n}`, origin_owner_id: owner }));

  it('takes only its customers’ events, and theirs too once it subscribes again with more', async () => {
    const { streamUrl, eventLog } = await startRelay({ events: owned('acme', 'globex', 'acme') });
    let owners = ['acme'];
    let reconciles = 0;
    const { client, applied, changes } = startClient(streamUrl, {
      originOwnerIds: () => owners,
      onConnected: () => (reconciles += 1),
    });
    await eventually(() => expect(applied).toEqual([1, 3]));

    owners = ['acme', 'globex'];
    client.resubscribe();
    await eventually(() => expect(changes.filter((c) => c.state === 'connected')).toHaveLength(2));
    // Subscribed again from its cursor: globex's earlier event is StackOne's to tell (reconcile).
    await eventLog.append(logEvent({ account_id: 'g2', origin_owner_id: 'globex' }));
    await eventLog.append(logEvent({ account_id: 'a3', origin_owner_id: 'acme' }));
    await eventually(() => expect(applied).toEqual([1, 3, 4, 5]));
    // Replaced without a "connecting" or "offline" moment in between.
    expect(changes.map((c) => c.state)).toEqual(['connecting', 'connected', 'connected']);
    // Nothing was missed across the replacement: no second reconciliation.
    expect(reconciles).toBe(1);
  });

  it('moves its cursor where the relay says how far it has been sent the log, past the events its filters passed over, once it has applied its own', async () => {
    const { streamUrl, eventLog } = await startRelay({
      heartbeatIntervalMs: 100,
      events: owned('acme', 'globex', 'globex'),
    });
    const { applied, cursor } = startClient(streamUrl, { originOwnerIds: () => ['acme'] });
    await eventually(() => expect(cursor()).toBe(3));
    expect(applied).toEqual([1]);
    await eventLog.append(logEvent({ account_id: 'g4', origin_owner_id: 'globex' }));
    await eventually(() => expect(cursor()).toBe(4));
    expect(applied).toEqual([1]);
  });

  it.each([
    ['more owners than a subscription may name', 10_001, 12],
    ['a subscription over the relay’s message limit', 1_000, 100],
  ])('takes every event when its customers are too many to name: %s', async (_, count, length) => {
    const { streamUrl } = await startRelay({ events: owned('acme', 'globex') });
    const owners = Array.from({ length: count }, (_, n) => String(n).padStart(length, 'c'));
    const { applied } = startClient(streamUrl, { originOwnerIds: () => owners });
    await eventually(() => expect(applied).toEqual([1, 2]));
  });
});

describe('relay client checks, for when the network may have changed', () => {
  // Long enough that only the check can be what notices a dead connection in these tests.
  const checked = { livenessTimeoutMs: 60_000, checkTimeoutMs: 300 };

  /** A client connected to a relay through a proxy that can stop all traffic. */
  async function connectedThroughProxy() {
    const { relay } = await startRelay();
    const proxy = await startFreezableProxy(relay.port);
    cleanups.push(() => proxy.close());
    const started = startClient(`ws://127.0.0.1:${proxy.port}/v1/stream`, checked);
    await eventually(() => expect(started.client.connection.state).toBe('connected'));
    return { proxy, ...started };
  }

  it('replaces a connection that no longer answers once asked to check it', async () => {
    const { proxy, client, changes } = await connectedThroughProxy();
    proxy.freeze();
    client.checkConnection();
    await eventually(() =>
      expect(client.connection.detail).toMatch(
        /^The relay did not answer after the network changed\. Retrying in/,
      ),
    );
    proxy.thaw();
    await eventually(() => expect(client.connection.state).toBe('connected'));
    expect(proxy.connections()).toBeGreaterThanOrEqual(2);
    expect(changes.filter((c) => c.state === 'connected')).toHaveLength(2);
  });

  it('keeps a connection that answers the check', async () => {
    const { proxy, client, changes } = await connectedThroughProxy();
    client.checkConnection();
    await new Promise((resolve) => setTimeout(resolve, 900)); // three check timeouts
    expect(client.connection.state).toBe('connected');
    expect(changes.map((c) => c.state)).toEqual(['connecting', 'connected']);
    expect(proxy.connections()).toBe(1);
  });

  it('tries at once when asked while it waits to retry', async () => {
    const { relay: gone, streamUrl } = await startRelay();
    await gone.close(100);
    // A minute between attempts: only the check can bring it back within the test.
    const { client } = startClient(streamUrl, { ...checked, initialRetryMs: 60_000 });
    // Never connected: not "lost".
    await eventually(() =>
      expect(client.connection.detail).toMatch(
        /^Could not reach the relay: 127\.0\.0\.1:\d+ refused the connection \(nothing answers at that address and port\)\. Check the relay URL in Settings, then try again\. Retrying in \d+\u00a0s\.$/,
      ),
    );

    await startRelay({ port: gone.port });
    client.checkConnection();
    await eventually(() => expect(client.connection.state).toBe('connected'), 3_000);
  });
});
