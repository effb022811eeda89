/**
 * The benchmark's stream clients, in a process of their own (forked by scripts/bench-relay.ts) so
 * that receiving hundreds of thousands of messages a second does not delay the poster's clock
 * readings, nor the poster the clients'. Arrival times are read from CLOCK_MONOTONIC
 * (process.hrtime), the same clock the poster stamps into each webhook, so latencies compare
 * across the two processes.
 */
import WebSocket from 'ws';
import { relayPositionsHeader } from '../../src/shared/relay-protocol';
import { benchOwner } from './bench-owners';
import { readEventMessageFields, type EventMessageFields } from './event-message-fields';
import { createFrameReader, encodeClientFrame, openLeanStream } from './lean-stream-client';
import { nowUs } from './monotonic-clock';

export type ClientsRequest =
  /** `owners`: 0, every client takes every event; else client n takes `benchOwner(n, owners)`'s. */
  | { type: 'connect'; url: string; token: string; count: number; lean: boolean; owners: number }
  | { type: 'round'; sinceUs: number; capacity: number }
  /**
   * `expected`: deliveries of the whole round, warm-up included; the reply counts the measured
   * ones. `resumedUs`: when this process was let go on after being stopped (`--stall-clients`).
   */
  | { type: 'collect'; expected: number; timeoutMs: number; resumedUs?: number }
  | { type: 'cycles'; count: number; cursor: number; owners: number }
  | { type: 'close' };

export type ClientsReply =
  | { type: 'connected' }
  | { type: 'round-ready' }
  | {
      type: 'collected';
      delivered: number;
      latenciesMs: Float64Array;
      recovery?: StallRecovery;
    }
  | { type: 'cycles-done'; seconds: number };

/** How the clients came back from being stopped, from the measured deliveries. */
export interface StallRecovery {
  /** When the last of the events sent before they resumed reached its client, after resuming. */
  caughtUpMs: number;
  /** Latencies of the events sent in the first second after they resumed, sorted. */
  firstSecondMs: Float64Array;
  /** And of those sent later, sorted. */
  laterMs: Float64Array;
}

interface StreamClient {
  close(): Promise<void>;
}

/**
 * Where a client starts, and whose events it takes: null, everyone's; an owner's, as the app
 * subscribes (filters, and its position told).
 */
interface Subscription {
  cursor: number | null;
  owner: string | null;
}

const subscribeMessage = ({ cursor, owner }: Subscription) =>
  JSON.stringify({
    type: 'subscribe',
    cursor,
    ...(owner !== null && { filters: { originOwnerIds: [owner] } }),
  });

const upgradeHeaders = ({ owner }: Subscription): Record<string, string> =>
  owner === null ? {} : { [relayPositionsHeader]: '1' };

/** Client `n`'s subscription. */
const subscriptionOf = (n: number, cursor: number | null, owners: number): Subscription => ({
  cursor,
  owner: owners === 0 ? null : benchOwner(n, owners),
});

const subscribedNeedle = Buffer.from('"subscribed"');

// Every delivery of a round (warm-up included) is recorded, and the measured ones are picked out
// when the round is collected: a recording that switched on mid-round would change which path
// the hot loop takes (and make V8 deoptimise it) just as measurement begins.
let roundSinceUs = 0;
let sentUsLog = new Float64Array(0);
let latencyMsLog = new Float64Array(0);
let recorded = 0;
const fields: EventMessageFields = { seq: 0, sentUs: 0 };

/** Records one event message's latency; returns its seq, or -1 for a message that is not an event. */
function recordEvent(data: Buffer, start: number, end: number, arrivedUs: number): number {
  if (!readEventMessageFields(data, start, end, fields)) return -1;
  if (recorded < sentUsLog.length) {
    sentUsLog[recorded] = fields.sentUs;
    latencyMsLog[recorded] = (arrivedUs - fields.sentUs) / 1000;
    recorded++;
  }
  return fields.seq;
}

/** The latencies of deliveries of webhooks sent at or after `sinceUs`, sorted. */
function measuredLatencies(sinceUs: number): Float64Array {
  const measured = new Float64Array(recorded);
  let count = 0;
  for (let i = 0; i < recorded; i++)
    if ((sentUsLog[i] ?? 0) >= sinceUs) measured[count++] = latencyMsLog[i] ?? 0;
  return measured.slice(0, count).sort();
}

function stallRecovery(sinceUs: number, resumedUs: number): StallRecovery {
  let caughtUpUs = 0;
  const firstSecond: number[] = [];
  const later: number[] = [];
  for (let i = 0; i < recorded; i++) {
    const sentUs = sentUsLog[i] ?? 0;
    const latencyMs = latencyMsLog[i] ?? 0;
    if (sentUs < sinceUs) continue;
    if (sentUs < resumedUs)
      caughtUpUs = Math.max(caughtUpUs, sentUs + latencyMs * 1000 - resumedUs);
    else if (sentUs < resumedUs + 1_000_000) firstSecond.push(latencyMs);
    else later.push(latencyMs);
  }
  return {
    caughtUpMs: caughtUpUs / 1000,
    firstSecondMs: Float64Array.from(firstSecond).sort(),
    laterMs: Float64Array.from(later).sort(),
  };
}

const isWithin = (data: Buffer, needle: Buffer, start: number, end: number) => {
  const at = data.indexOf(needle, start);
  return at >= 0 && at < end;
};

/** Acks the newest seq every 50 ms, as an app acks in batches. */
function startAcking(send: (seq: number) => void, lastSeq: () => number): NodeJS.Timeout {
  let acked = 0;
  return setInterval(() => {
    const seq = lastSeq();
    if (seq > acked) {
      acked = seq;
      send(seq);
    }
  }, 50);
}

async function connectLean(
  url: string,
  token: string,
  subscription: Subscription,
): Promise<StreamClient> {
  let lastSeq = 0;
  let onSubscribed: () => void = () => undefined;
  const subscribed = new Promise<void>((resolve) => (onSubscribed = resolve));
  const stream = await openLeanStream(
    `${url}/v1/stream`,
    token,
    (socket) => {
      let arrivedUs = 0;
      const read = createFrameReader({
        text(data, start, end) {
          const seq = recordEvent(data, start, end, arrivedUs);
          if (seq >= 0) lastSeq = seq;
          else if (isWithin(data, subscribedNeedle, start, end)) onSubscribed();
        },
        ping: (payload) => socket.write(encodeClientFrame(0xa, payload)),
        close: () => socket.end(),
      });
      return (chunk) => {
        arrivedUs = nowUs();
        read(chunk);
      };
    },
    upgradeHeaders(subscription),
  );
  stream.on('error', () => stream.destroy());
  const ackTimer = startAcking(
    (seq) => stream.write(encodeClientFrame(0x1, Buffer.from(`{"type":"ack","seq":${seq}}`))),
    () => lastSeq,
  );
  stream.on('close', () => clearInterval(ackTimer));
  stream.write(encodeClientFrame(0x1, Buffer.from(subscribeMessage(subscription))));
  await subscribed;
  return {
    close: () =>
      new Promise<void>((resolve) => {
        // The relay may have closed it already (a restarted stream process drops its subscribers).
        if (stream.destroyed) return resolve();
        stream.once('close', () => resolve());
        stream.end(encodeClientFrame(0x8, Buffer.alloc(0)));
      }),
  };
}

/** A client on the `ws` library, as the app's own relay client is built. */
function connectWs(url: string, token: string, subscription: Subscription): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`, {
      headers: { authorization: `Bearer ${token}`, ...upgradeHeaders(subscription) },
      skipUTF8Validation: true,
    });
    let lastSeq = 0;
    const ackTimer = startAcking(
      (seq) => ws.send(`{"type":"ack","seq":${seq}}`),
      () => lastSeq,
    );
    ws.on('close', () => clearInterval(ackTimer));
    ws.on('error', reject);
    ws.on('open', () => ws.send(subscribeMessage(subscription)));
    ws.on('message', (data: Buffer) => {
      const seq = recordEvent(data, 0, data.length, nowUs());
      if (seq >= 0) lastSeq = seq;
      else if (isWithin(data, subscribedNeedle, 0, data.length))
        resolve({
          close: () =>
            new Promise<void>((done) => {
              if (ws.readyState === WebSocket.CLOSED) return done();
              ws.once('close', () => done()).close();
            }),
        });
    });
  });
}

const reply = (message: ClientsReply) => process.send?.(message);
let clients: StreamClient[] = [];
let relay = { url: '', token: '' };

async function handle(request: ClientsRequest): Promise<void> {
  switch (request.type) {
    case 'connect': {
      relay = { url: request.url, token: request.token };
      const connect = request.lean ? connectLean : connectWs;
      for (let i = 0; i < request.count; i += 50) {
        const batch = Array.from({ length: Math.min(50, request.count - i) }, (_, j) =>
          connect(request.url, request.token, subscriptionOf(i + j, null, request.owners)),
        );
        clients.push(...(await Promise.all(batch)));
      }
      reply({ type: 'connected' });
      return;
    }
    case 'round':
      sentUsLog = new Float64Array(request.capacity);
      latencyMsLog = new Float64Array(request.capacity);
      recorded = 0;
      roundSinceUs = request.sinceUs;
      reply({ type: 'round-ready' });
      return;
    case 'collect': {
      const deadline = performance.now() + request.timeoutMs;
      while (recorded < request.expected && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const latenciesMs = measuredLatencies(roundSinceUs);
      const recovery =
        request.resumedUs === undefined
          ? undefined
          : stallRecovery(roundSinceUs, request.resumedUs);
      sentUsLog = new Float64Array(0);
      latencyMsLog = new Float64Array(0);
      reply({
        type: 'collected',
        delivered: latenciesMs.length,
        latenciesMs,
        ...(recovery && { recovery }),
      });
      return;
    }
    case 'cycles': {
      // Churn as apps cause it: each connection resumes from the newest event, as an app does from its cursor.
      const started = performance.now();
      for (let done = 0; done < request.count; done += 50) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(50, request.count - done) }, (_, j) =>
            connectWs(
              relay.url,
              relay.token,
              subscriptionOf(done + j, request.cursor, request.owners),
            ),
          ),
        );
        await Promise.all(batch.map((client) => client.close()));
      }
      reply({ type: 'cycles-done', seconds: (performance.now() - started) / 1000 });
      return;
    }
    case 'close':
      await Promise.all(clients.map((client) => client.close()));
      clients = [];
      process.disconnect?.();
      return;
  }
}

process.on('message', (request: ClientsRequest) => {
  handle(request).catch((error: unknown) => {
    console.error('bench clients:', error);
    process.exit(1);
  });
});
