import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger } from '../../src/main/logger';
import type { EventLog } from '../../src/relay/event-log';
import { openFileEventLog } from '../../src/relay/file-event-log';
import { startRelayServer, type RunningRelay } from '../../src/relay/relay-server';
import {
  relayLogIdHeader,
  relayLogIdPattern,
  relayPositionsHeader,
  relayVersionHeader,
  type RelayServerMessage,
} from '../../src/shared/relay-protocol';
import { makeTempDir } from '../support/temp-dir';
import { damageMiddleOf, range, segmentFiles } from '../support/event-log-files';
import { logEvent, postWebhook, sign, webhookBody } from '../support/webhooks';
import { eventually } from '../support/eventually';

const secret = 'whsec_test';
const token = 'client-token-1-c0ffee';
let temp: ReturnType<typeof makeTempDir>;
let relay: RunningRelay;
/** Set by the suite below: every test runs with streams in the relay's process and in their own. */
let streamsInOwnProcess = false;

/** Starts the relay on the test's data directory, with its file log unless given another. */
async function start(
  eventLog: EventLog = openFileEventLog({ dataDir: temp.path }),
  options: { heartbeatIntervalMs?: number } = {},
): Promise<void> {
  relay = await startRelayServer({
    webhookSecrets: ['old-secret', secret],
    clientTokens: [token],
    eventLog,
    logger: silentLogger(),
    streamsInOwnProcess,
    ...options,
  });
}

beforeEach(async () => {
  temp = makeTempDir('relay');
  await start();
});
afterEach(async () => {
  await relay.close();
  temp.remove();
});

const signed = (body: string) =>
  postWebhook(relay.url, body, {
    'content-type': 'application/json',
    'x-stackone-signature': sign(body, secret),
  });

/**
 * Stops the relay and writes events 1 to `count` into its data directory, in segment files of
 * about `segmentBytes` each (one append at a time: a segment is started only after a batch);
 * returns the log's options, to start the relay again on them.
 */
async function stopWithEventsInSmallSegments(count: number, segmentBytes: number) {
  await relay.close();
  const smallSegments = { dataDir: temp.path, segmentBytes };
  const log = openFileEventLog(smallSegments);
  for (let n = 1; n <= count; n++) await log.append(logEvent({ account_id: `a-${n}` }));
  await log.close();
  return smallSegments;
}

/** A stream client that collects every message it receives, and the log id of its handshake. */
async function subscribe(
  cursor: number | null,
  filters?: Record<string, string[]>,
  headers: Record<string, string> = {},
) {
  const messages: RelayServerMessage[] = [];
  const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/stream`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  let logId: string | string[] | undefined;
  let version: string | string[] | undefined;
  ws.once('upgrade', (response) => {
    logId = response.headers[relayLogIdHeader];
    version = response.headers[relayVersionHeader];
  });
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as RelayServerMessage));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'subscribe', cursor, ...(filters && { filters }) }));
  const events = () => messages.filter((m) => m.type === 'event');
  return { ws, messages, events, logId, version };
}

describe.each([
  { streams: 'in the relay process', ownProcess: false },
  { streams: 'in a process of their own', ownProcess: true },
])('with streams served $streams', ({ ownProcess }) => {
  beforeAll(() => {
    streamsInOwnProcess = ownProcess;
  });

  describe('relay ingest', () => {
    it('stores a correctly signed webhook and answers 200 with its seq', async () => {
      const response = await signed(webhookBody());
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: true, seq: 1 });
    });

    it('accepts a webhook signed with an older secret still configured for rotation', async () => {
      const body = webhookBody();
      const response = await postWebhook(relay.url, body, {
        'content-type': 'application/json',
        'x-stackone-signature': sign(body, 'old-secret'),
      });
      expect(response.status).toBe(200);
    });

    it.each([
      ['a missing signature', {}],
      ['a wrong signature', { 'x-stackone-signature': sign(webhookBody(), 'wrong') }],
    ])('answers 401 for %s', async (_label, headers) => {
      const response = await postWebhook(relay.url, webhookBody({ account_id: 'other' }), {
        'content-type': 'application/json',
        ...headers,
      });
      expect(response.status).toBe(401);
    });

    it.each([
      ['no signature', ''],
      ['a signature that cannot be one', 'x-stackone-signature: not-a-signature\r\n'],
    ])(
      'answers 401 for %s before the body is sent, so unsigned posts cost no memory',
      async (_label, signatureLine) => {
        const { port } = new URL(relay.url);
        const socket = connect(Number(port), '127.0.0.1');
        const answer = new Promise<string>((resolve) =>
          socket.on('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))),
        );
        // Announces a 1 MiB body and sends none of it.
        socket.write(
          `POST /webhooks/stackone HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n` +
            `${signatureLine}Content-Length: 1048576\r\n\r\n`,
        );
        expect(await answer).toMatch(/^HTTP\/1\.1 401 /);
        socket.destroy();
        const metrics = await fetch(`${relay.url}/metrics`).then((r) => r.text());
        expect(metrics).toMatch(/relay_webhooks_rejected_total\{reason="bad_signature"\} 1\b/);
      },
    );

    it('answers 415 for a body that is not JSON by content type', async () => {
      const body = webhookBody();
      const response = await postWebhook(relay.url, body, {
        'content-type': 'text/plain',
        'x-stackone-signature': sign(body, secret),
      });
      expect(response.status).toBe(415);
    });

    it('answers 413 over the size limit', async () => {
      const body = webhookBody({ padding: 'x'.repeat(1024 * 1024) });
      const response = await signed(body);
      expect(response.status).toBe(413);
    });

    it('answers 400 for signed JSON that is not a StackOne envelope, and for broken JSON', async () => {
      expect((await signed(JSON.stringify({ hello: 'world' }))).status).toBe(400);
      expect((await signed('{"event": ')).status).toBe(400);
      expect((await fetch(`${relay.url}/healthz`).then((r) => r.json())) as unknown).toMatchObject({
        headSeq: 0,
      });
    });

    it('answers 400 for a signed body that is not UTF-8, which apps could not verify', async () => {
      const bytes = Buffer.concat([
        Buffer.from(webhookBody({ origin_owner_name: 'Acme' }).slice(0, -1)),
        Buffer.from(',"note":"\xff"}', 'latin1'),
      ]);
      const response = await fetch(`${relay.url}/webhooks/stackone`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-stackone-signature': createHmac('sha256', secret).update(bytes).digest('base64url'),
        },
        body: bytes,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'body is not UTF-8 JSON' });
    });

    it('stores a redelivered identical webhook once', async () => {
      const body = webhookBody();
      expect(await (await signed(body)).json()).toEqual({ received: true, seq: 1 });
      expect(await (await signed(body)).json()).toEqual({ received: true, seq: 1 });
      expect(await (await signed(webhookBody({ account_id: 'acc-2' }))).json()).toEqual({
        received: true,
        seq: 2,
      });
    });
  });

  describe('relay stream', () => {
    it("gives its release in each stream connection's handshake (Relay-Version), package.json's", async () => {
      const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
      const client = await subscribe(null);
      expect(client.version).toBe(version);
      client.ws.close();
    });

    it('will not start with a client token too short to withstand guessing, or one no app could send', async () => {
      for (const [clientTokens, problem] of [
        [[token, 'fifteen-chars-x'], 'client token 2 is 15 characters long; give each at least 16'],
        [['a token with spaces'], 'client token 1 holds a character a bearer token may not'],
      ] as const) {
        const eventLog = openFileEventLog({ dataDir: join(temp.path, 'refused') });
        const refused = startRelayServer({
          webhookSecrets: [secret],
          clientTokens,
          eventLog,
          logger: silentLogger(),
          streamsInOwnProcess,
        });
        await expect(refused).rejects.toThrow(`The relay cannot take ${problem}`);
        await expect(refused).rejects.not.toThrow(clientTokens.at(-1) as string);
        await eventLog.close();
      }
    });

    it('will not start set to serve no stream client, or a part of one', async () => {
      for (const maxClients of [0, 1.5]) {
        const eventLog = openFileEventLog({ dataDir: join(temp.path, 'refused') });
        await expect(
          startRelayServer({
            webhookSecrets: [secret],
            clientTokens: [token],
            eventLog,
            logger: silentLogger(),
            streamsInOwnProcess,
            maxClients,
          }),
        ).rejects.toThrow(
          `The relay's maxClients must be a whole number of 1 or more, not ${maxClients}.`,
        );
        await eventLog.close();
      }
    });

    it('refuses a wrong or missing token before any data flows', async () => {
      for (const headers of [{ authorization: 'Bearer nope' }, {}]) {
        const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/stream`, { headers });
        ws.on('error', () => undefined); // terminating a refused socket reports an error; expected
        const status = await new Promise<number | undefined>((resolve) => {
          ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
          ws.once('open', () => resolve(undefined));
        });
        expect(status).toBe(401);
        ws.terminate();
      }
    });

    it('replays stored events after the cursor, then streams live ones, with the raw body and signature', async () => {
      const bodies = [1, 2, 3].map((n) => webhookBody({ account_id: `acc-${n}` }));
      for (const body of bodies) await signed(body);
      const client = await subscribe(1);
      await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([2, 3]));
      expect(client.messages[0]).toEqual({ type: 'subscribed', headSeq: 3 });

      const live = webhookBody({ account_id: 'acc-4' });
      await signed(live);
      await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([2, 3, 4]));
      const last = client.events().at(-1);
      expect(last).toMatchObject({ body: live, signature: sign(live, secret) });
      client.ws.close();
    });

    it('gives a client offline for 1,000 events all of them, in order', async () => {
      for (let n = 1; n <= 1000; n++) await signed(webhookBody({ account_id: `acc-${n}` }));
      const client = await subscribe(0);
      await eventually(() => expect(client.events()).toHaveLength(1000), 15_000);
      expect(client.events().map((e) => e.seq)).toEqual(
        Array.from({ length: 1000 }, (_, i) => i + 1),
      );
      client.ws.close();
    });

    it('gives clients behind at once, at positions near and far, every event once, in order, across segment files', async () => {
      // Segments of a few records each, so that reads end where files do, mid-stretch.
      const smallSegments = await stopWithEventsInSmallSegments(700, 2048);
      await start(openFileEventLog(smallSegments));

      const cursors = [0, 0, 1, 7, 255, 256, 257, 300, 511, 650, 699, 700];
      const clients = await Promise.all(cursors.map((cursor) => subscribe(cursor)));
      await signed(webhookBody({ account_id: 'live' }));
      for (const [i, client] of clients.entries()) {
        await eventually(() => expect(client.events().at(-1)?.seq).toBe(701), 15_000);
        expect(client.events().map((e) => e.seq)).toEqual(range((cursors[i] ?? 0) + 1, 701));
        client.ws.close();
      }
    });

    it('filters by owner and event name', async () => {
      await signed(webhookBody({ account_id: 'a', origin_owner_id: 'acme' }));
      await signed(webhookBody({ account_id: 'b', origin_owner_id: 'globex' }));
      await signed(
        webhookBody({ account_id: 'c', origin_owner_id: 'acme', event: 'account.deleted' }),
      );
      const client = await subscribe(null, {
        originOwnerIds: ['acme'],
        events: ['account.created'],
      });
      await eventually(() =>
        expect(client.messages.some((m) => m.type === 'subscribed')).toBe(true),
      );
      await signed(webhookBody({ account_id: 'd', origin_owner_id: 'acme' }));
      // No owner named: it may be acme's, so it is not filtered out (the event name still is).
      await signed(webhookBody({ account_id: 'e', origin_owner_id: undefined }));
      await signed(
        webhookBody({ account_id: 'f', origin_owner_id: undefined, event: 'account.deleted' }),
      );
      // Sent last, so the events before it have been decided when it arrives.
      await signed(webhookBody({ account_id: 'g', origin_owner_id: 'acme' }));
      await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([1, 4, 5, 7]));
      client.ws.close();
    });

    it('tells a subscriber with filters that asked for it how far it has been sent the log, at each heartbeat where events it passed over moved it on; no other subscriber', async () => {
      await relay.close();
      await start(openFileEventLog({ dataDir: temp.path }), { heartbeatIntervalMs: 100 });
      await signed(webhookBody({ account_id: 'a', origin_owner_id: 'acme' }));
      await signed(webhookBody({ account_id: 'b', origin_owner_id: 'globex' }));
      const asking = { [relayPositionsHeader]: '1' };
      const filtered = await subscribe(null, { originOwnerIds: ['acme'] }, asking);
      const notAsking = await subscribe(null, { originOwnerIds: ['acme'] });
      const unfiltered = await subscribe(null, undefined, asking);
      const positions = (client: { messages: RelayServerMessage[] }) =>
        client.messages.flatMap((m) => (m.type === 'position' ? [m.seq] : []));

      await eventually(() => expect(positions(filtered)).toEqual([2]));
      // After its own event, which it had first.
      expect(filtered.messages.map((m) => m.type)).toEqual(['subscribed', 'event', 'position']);
      await signed(webhookBody({ account_id: 'c', origin_owner_id: 'globex' }));
      await eventually(() => expect(positions(filtered)).toEqual([2, 3]));
      // Not moved since: nothing more to tell.
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(positions(filtered)).toEqual([2, 3]);
      for (const other of [notAsking, unfiltered]) {
        expect(other.messages.some((m) => m.type === 'subscribed')).toBe(true);
        expect(positions(other)).toEqual([]);
      }
      for (const client of [filtered, notAsking, unfiltered]) client.ws.close();
    });

    it('tells a subscriber with filters that asked for it its position as soon as it has caught up, not after each live event it passes over', async () => {
      // The default heartbeat, 15 s: a position within the test's wait came of the catch-up.
      await signed(webhookBody({ account_id: 'a', origin_owner_id: 'acme' }));
      await signed(webhookBody({ account_id: 'b', origin_owner_id: 'globex' }));
      await signed(webhookBody({ account_id: 'c', origin_owner_id: 'globex' }));
      const filtered = await subscribe(
        0,
        { originOwnerIds: ['acme'] },
        {
          [relayPositionsHeader]: '1',
        },
      );
      const positions = () =>
        filtered.messages.flatMap((m) => (m.type === 'position' ? [m.seq] : []));

      await eventually(() => expect(positions()).toEqual([3]));
      expect(filtered.messages.map((m) => m.type)).toEqual(['subscribed', 'event', 'position']);
      await signed(webhookBody({ account_id: 'd', origin_owner_id: 'globex' }));
      await signed(webhookBody({ account_id: 'e', origin_owner_id: 'acme' }));
      await eventually(() => expect(filtered.events().map((e) => e.seq)).toEqual([1, 5]));
      expect(positions()).toEqual([3]);
      filtered.ws.close();
    });

    it('tells a client whose cursor is ahead of the log about the gap and replays from the start', async () => {
      await signed(webhookBody());
      const client = await subscribe(50);
      await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([1]));
      expect(client.messages[0]).toEqual({
        type: 'gap',
        requestedCursor: 50,
        oldestAvailableSeq: 1,
      });
      client.ws.close();
    });

    it('tells a client of events lost from the middle of the log with a gap where they were', async () => {
      const smallSegments = await stopWithEventsInSmallSegments(40, 1024);
      // Damage the first segment in the middle: the relay sets the rest of it aside at start.
      damageMiddleOf(join(temp.path, segmentFiles(temp.path)[0] ?? ''));
      await start(openFileEventLog(smallSegments));

      const client = await subscribe(null);
      await eventually(() => expect(client.events().at(-1)?.seq).toBe(40));
      const replayed = client.messages.filter((m) => m.type !== 'subscribed');
      const gapAt = replayed.findIndex((m) => m.type === 'gap');
      const before = replayed.slice(0, gapAt).map((m) => (m.type === 'event' ? m.seq : m.type));
      const after = replayed.slice(gapAt + 1).map((m) => (m.type === 'event' ? m.seq : m.type));
      const lastBefore = gapAt;
      const firstAfter = 41 - after.length;
      expect(gapAt).toBeGreaterThan(0);
      expect(firstAfter).toBeGreaterThan(lastBefore + 1);
      expect(before).toEqual(range(1, lastBefore));
      expect(replayed[gapAt]).toEqual({
        type: 'gap',
        requestedCursor: lastBefore,
        oldestAvailableSeq: firstAfter,
      });
      expect(after).toEqual(range(firstAfter, 40));
      client.ws.close();
    });

    it('closes a subscriber with 1011 when the log cannot be read for it, and serves on', async () => {
      await relay.close();
      const log = openFileEventLog({ dataDir: temp.path });
      // Stored before this relay started, so that catching up reads the log: a stream process
      // serves the newest events it was sent from memory.
      await log.append(logEvent({ account_id: 'a-1' }));
      await log.append(logEvent({ account_id: 'a-2' }));
      let readsFail = true;
      const failingReads: EventLog = {
        ...log,
        readAfter(cursor, limit) {
          if (readsFail) throw new Error('EIO: i/o error, read');
          return log.readAfter(cursor, limit);
        },
      };
      await start(failingReads);

      // Catching up from the start needs a read of the log, which fails.
      const client = await subscribe(null);
      const [code, reason] = await new Promise<[number, string]>((resolve) =>
        client.ws.once('close', (closeCode, closeReason) =>
          resolve([closeCode, closeReason.toString()]),
        ),
      );
      expect(code).toBe(1011);
      expect(reason).toBe('relay could not read its event log');
      expect(client.events()).toEqual([]);
      await eventually(async () =>
        expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(
          /^relay_stream_closed_total\{reason="read_failed"\} 1$/m,
        ),
      );

      // The relay goes on taking webhooks, and a client that resumes once reads work gets them all.
      expect((await signed(webhookBody({ account_id: 'a-3' }))).status).toBe(200);
      expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
      readsFail = false;
      const resumed = await subscribe(null);
      await eventually(() => expect(resumed.events().map((e) => e.seq)).toEqual([1, 2, 3]));
      resumed.ws.close();
    });

    it('answers malformed messages with an error and keeps serving the connection', async () => {
      const client = await subscribe(null);
      client.ws.send('not json');
      client.ws.send(JSON.stringify({ type: 'subscribe', cursor: -1 }));
      client.ws.send(JSON.stringify({ type: 'subscribe', cursor: null }));
      await eventually(() =>
        expect(client.messages.map((m) => (m.type === 'error' ? m.code : m.type))).toEqual([
          'subscribed',
          'bad_message',
          'bad_message',
          'already_subscribed',
        ]),
      );
      await signed(webhookBody());
      await eventually(() => expect(client.events()).toHaveLength(1));
      expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
      // Counted: the two that are not messages of the protocol, not the second subscribe.
      expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(
        /^relay_stream_messages_rejected_total 2$/m,
      );
      client.ws.close();
    });

    it('delivers a webhook body of any size the relay accepts intact, past the 16-bit frame length', async () => {
      const client = await subscribe(null);
      await eventually(() =>
        expect(client.messages.some((m) => m.type === 'subscribed')).toBe(true),
      );
      const bodies = [200, 70_000, 900_000].map((size) =>
        webhookBody({ account_id: `acc-${size}`, padding: 'x'.repeat(size) }),
      );
      for (const body of bodies) expect((await signed(body)).status).toBe(200);
      await eventually(() => expect(client.events()).toHaveLength(3));
      expect(client.events().map((e) => e.body)).toEqual(bodies);
      client.ws.close();
    });

    it('gives live, filtered and late subscribers exactly their events, in order, through a burst', async () => {
      const live = await subscribe(null);
      const acmeOnly = await subscribe(null, { originOwnerIds: ['acme'] });
      await eventually(() =>
        expect([live, acmeOnly].every((c) => c.messages.some((m) => m.type === 'subscribed'))).toBe(
          true,
        ),
      );
      const owners = Array.from({ length: 60 }, (_, n) => (n % 3 === 0 ? 'acme' : 'globex'));
      const burst = owners.map((owner, n) =>
        signed(webhookBody({ account_id: `acc-${n}`, origin_owner_id: owner })),
      );
      // Joins while the burst is being stored and fanned out.
      const late = await subscribe(null);
      await Promise.all(burst);
      const all = Array.from({ length: 60 }, (_, n) => n + 1);
      await eventually(() => expect(live.events().map((e) => e.seq)).toEqual(all));
      await eventually(() => expect(late.events().map((e) => e.seq)).toEqual(all));
      const acmeSeqs = live
        .events()
        .filter(
          (e) => (JSON.parse(e.body) as { origin_owner_id: string }).origin_owner_id === 'acme',
        )
        .map((e) => e.seq);
      expect(acmeSeqs).toHaveLength(20);
      await eventually(() => expect(acmeOnly.events().map((e) => e.seq)).toEqual(acmeSeqs));
      for (const client of [live, acmeOnly, late]) client.ws.close();
    });

    it('closes a connection that keeps sending garbage', async () => {
      const client = await subscribe(null);
      const closed = new Promise<number>((resolve) =>
        client.ws.once('close', (code) => resolve(code)),
      );
      for (let i = 0; i < 10; i++) client.ws.send('garbage');
      expect(await closed).toBe(1008);
      expect(await (await fetch(`${relay.url}/metrics`)).text()).toMatch(
        /^relay_stream_messages_rejected_total 10$/m,
      );
    });

    it('keeps two relays in one process apart, though their seqs overlap', async () => {
      const otherDir = makeTempDir('relay-other');
      const other = await startRelayServer({
        webhookSecrets: [secret],
        clientTokens: [token],
        eventLog: openFileEventLog({ dataDir: otherDir.path }),
        logger: silentLogger(),
        streamsInOwnProcess,
      });
      try {
        const mine = webhookBody({ account_id: 'mine' });
        const theirs = webhookBody({ account_id: 'theirs' });
        await signed(mine);
        const client = await subscribe(null);
        await eventually(() => expect(client.events()).toHaveLength(1));
        await postWebhook(other.url, theirs, {
          'content-type': 'application/json',
          'x-stackone-signature': sign(theirs, secret),
        });
        const otherClient = new WebSocket(`${other.url.replace('http', 'ws')}/v1/stream`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const otherLogId = new Promise<unknown>((resolve) =>
          otherClient.once('upgrade', (response) => resolve(response.headers[relayLogIdHeader])),
        );
        const received = new Promise<string>((resolve) =>
          otherClient.on('message', (data) => {
            const message = JSON.parse(data.toString()) as RelayServerMessage;
            if (message.type === 'event') resolve(message.body);
          }),
        );
        otherClient.on('open', () =>
          otherClient.send(JSON.stringify({ type: 'subscribe', cursor: null })),
        );
        expect(await received).toBe(theirs);
        expect(client.events()[0]?.body).toBe(mine);
        // Each names its own log, so that a client moved from one to the other knows its cursor
        // is no seq of the other's.
        expect(client.logId).toMatch(relayLogIdPattern);
        expect(await otherLogId).toMatch(relayLogIdPattern);
        expect(await otherLogId).not.toBe(client.logId);
        otherClient.close();
        client.ws.close();
      } finally {
        await other.close();
        otherDir.remove();
      }
    });

    it('keeps events, and the name of their log, across a restart of the relay', async () => {
      await signed(webhookBody({ account_id: 'x' }));
      const before = await subscribe(null);
      before.ws.close();
      await relay.close();
      await start();
      const client = await subscribe(null);
      await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([1]));
      expect(before.logId).toMatch(relayLogIdPattern);
      expect(client.logId).toBe(before.logId);
      client.ws.close();
    });

    it('names another log once its data directory starts anew, though its seqs start over', async () => {
      await signed(webhookBody({ account_id: 'lost' }));
      const before = await subscribe(null);
      before.ws.close();
      await relay.close();
      temp.remove();
      temp = makeTempDir('relay');
      await start();
      await signed(webhookBody({ account_id: 'new' }));
      const client = await subscribe(null);
      await eventually(() => expect(client.events().map((e) => e.seq)).toEqual([1]));
      expect(client.logId).toMatch(relayLogIdPattern);
      expect(client.logId).not.toBe(before.logId);
      client.ws.close();
    });
  });
});
