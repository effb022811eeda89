import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/logger';
import { openFileEventLog } from '../../src/relay/file-event-log';
import { startRelayServer, type RunningRelay } from '../../src/relay/relay-server';
import {
  createFrameReader,
  encodeClientFrame,
  openLeanStream,
} from '../../scripts/bench-relay/lean-stream-client';
import { createLeanWebhookPoster } from '../../scripts/bench-relay/lean-webhook-poster';
import { eventually } from '../support/eventually';
import { makeTempDir } from '../support/temp-dir';
import { postWebhook, sign, webhookBody } from '../support/webhooks';

// The benchmark's lean client is only worth its figures if it speaks the real protocol to the
// real relay, so it is checked against one here.
const secret = 'whsec_bench';
const token = 'bench-lean-client-token';
let temp: ReturnType<typeof makeTempDir>;
let relay: RunningRelay;

beforeEach(async () => {
  temp = makeTempDir('bench-lean-client');
  relay = await startRelayServer({
    webhookSecrets: [secret],
    clientTokens: [token],
    eventLog: openFileEventLog({ dataDir: temp.path }),
    logger: silentLogger(),
  });
});
afterEach(async () => {
  await relay.close();
  temp.remove();
});

describe("the benchmark's lean stream client", () => {
  it('subscribes to the real relay and receives each event as a text message', async () => {
    const messages: { type: string; seq?: number; body?: string }[] = [];
    const socket = await openLeanStream(`${relay.url}/v1/stream`, token, () =>
      createFrameReader({
        text: (data, start, end) =>
          messages.push(JSON.parse(data.toString('utf8', start, end)) as (typeof messages)[0]),
        ping: () => undefined,
        close: () => undefined,
      }),
    );
    socket.write(encodeClientFrame(0x1, Buffer.from('{"type":"subscribe","cursor":null}')));
    await eventually(() => expect(messages.map((m) => m.type)).toContain('subscribed'));

    const bodies = [webhookBody({ account_id: 'a-1' }), webhookBody({ account_id: 'a-2' })];
    for (const body of bodies) {
      const response = await postWebhook(relay.url, body, {
        'content-type': 'application/json',
        'x-stackone-signature': sign(body, secret),
      });
      expect(response.status).toBe(200);
    }
    await eventually(() =>
      expect(messages.filter((m) => m.type === 'event')).toEqual([
        expect.objectContaining({ seq: 1, body: bodies[0] }),
        expect.objectContaining({ seq: 2, body: bodies[1] }),
      ]),
    );
    socket.destroy();
  });

  it('is refused with the HTTP status when its token is wrong', async () => {
    await expect(
      openLeanStream(`${relay.url}/v1/stream`, 'wrong-token', () => () => undefined),
    ).rejects.toThrow('the relay refused the stream: HTTP 401');
  });
});

describe("the benchmark's lean webhook poster", () => {
  it('posts signed webhooks the real relay stores, queueing those beyond its connections', async () => {
    const poster = createLeanWebhookPoster({
      host: '127.0.0.1',
      port: relay.port,
      path: '/webhooks/stackone',
      maxConnections: 2,
    });
    const bodies = ['a-1', 'a-2', 'a-3', 'a-4', 'a-5'].map((id) => webhookBody({ account_id: id }));
    const answers = await Promise.all(bodies.map((body) => poster.post(body, sign(body, secret))));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.every((answer) => answer.ms > 0)).toBe(true);
    const health = (await (await fetch(`${relay.url}/healthz`)).json()) as { headSeq: number };
    expect(health.headSeq).toBe(5);

    // A refusal is an answer too: the connection carries on with the next webhook.
    const refused = await poster.post(bodies[0] as string, sign(bodies[0] as string, 'wrong'));
    expect(refused.status).toBe(401);
    const duplicate = await poster.post(bodies[0] as string, sign(bodies[0] as string, secret));
    expect(duplicate.status).toBe(200);
    poster.close();
  });
});

describe("the lean poster's reading of answers", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers
        .splice(0)
        .map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  });

  /** A poster (one connection) aimed at a server that serves each connection with `serve`. */
  async function posterFor(serve: (socket: Socket) => void) {
    const server = createServer(serve);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return createLeanWebhookPoster({
      host: '127.0.0.1',
      port: address.port,
      path: '/webhooks/stackone',
      maxConnections: 1,
    });
  }

  it('reads an answer that arrives in pieces', async () => {
    const poster = await posterFor((socket) =>
      socket.once('data', () => {
        socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Le');
        setTimeout(() => socket.write('ngth: 5\r\n\r\nbu'), 20);
        setTimeout(() => socket.write('sy'), 40);
        setTimeout(() => socket.end('!'), 60);
      }),
    );
    const answer = await poster.post('{}', 'sig');
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeGreaterThanOrEqual(50);
    poster.close();
  });

  it('sends one request at a time per connection, queueing the rest', async () => {
    let connections = 0;
    const poster = await posterFor((socket) => {
      connections += 1;
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    });
    const answers = await Promise.all(
      ['{"n":1}', '{"n":2}', '{"n":3}'].map((b) => poster.post(b, 'sig')),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(connections).toBe(1);
    poster.close();
  });

  it('reports status 0 for an answer it cannot delimit (no Content-Length) instead of waiting', async () => {
    const poster = await posterFor((socket) =>
      socket.once('data', () =>
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'),
      ),
    );
    expect((await poster.post('{}', 'sig')).status).toBe(0);
    poster.close();
  });

  it('reports status 0 when the connection dies before an answer', async () => {
    const poster = await posterFor((socket) => socket.once('data', () => socket.destroy()));
    expect((await poster.post('{}', 'sig')).status).toBe(0);
    poster.close();
  });
});

describe("the lean client's handshake check", () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('rejects a server whose Sec-WebSocket-Accept does not answer its key', async () => {
    server = createServer((socket) =>
      socket.once('data', () =>
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBhbnN3ZXI=\r\n\r\n',
        ),
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    await expect(
      openLeanStream(`http://127.0.0.1:${address.port}/v1/stream`, token, () => () => undefined),
    ).rejects.toThrow('wrong Sec-WebSocket-Accept');
  });
});
