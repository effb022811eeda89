import { EventEmitter } from 'node:events';
import { Writable, type Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Registry } from 'prom-client';
import { silentLogger } from '../../src/main/logger';
import type { EventLog, StoredEvent } from '../../src/relay/event-log';
import { openFileEventLog } from '../../src/relay/file-event-log';
import { createStreamMetrics } from '../../src/relay/relay-metrics';
import {
  createStreamConnection,
  highWaterBytes,
  type StreamConnection,
  queueLimitBytes,
} from '../../src/relay/stream-connection';
import { createStreamEvents, type CommittedEvents } from '../../src/relay/stream-events';
import { toOutgoingEvents } from '../../src/relay/outgoing-event';
import { makeTempDir } from '../support/temp-dir';
import { eventually } from '../support/eventually';
import { logEvent } from '../support/webhooks';

let temp: ReturnType<typeof makeTempDir>;
let eventLog: EventLog;
afterEach(async () => {
  await eventLog.close();
  temp.remove();
});

/** A WebSocket, as far as a stream connection uses one; `send` gets its text messages. */
function fakeWebSocket(send: (text: string) => void = () => undefined) {
  const ws = Object.assign(new EventEmitter(), {
    OPEN: 1,
    readyState: 1,
    send,
    ping: () => undefined,
    close: () => undefined,
    terminate: () => undefined,
  });
  return ws as unknown as WebSocket & EventEmitter;
}

/**
 * The socket under a subscriber's WebSocket, as a stream that never drains (a client that has
 * stopped reading): `writes` has the size of the first write the relay makes (frames written
 * together, corked, come as one, as a TCP socket's one writev), and its `writableLength` what is
 * queued in all. A real socket would hide the write boundaries; everything else here is real.
 */
function stalledSubscriber() {
  const writes: number[] = [];
  const socket = new Writable({
    writev(chunks, _done) {
      writes.push(chunks.reduce((bytes, { chunk }) => bytes + (chunk as Buffer).length, 0));
    },
  });
  return { ws: fakeWebSocket(), socket, writes };
}

/**
 * A stream connection for `ws` on `socket` over the test's event log, subscribed from `cursor`,
 * its socket's queue limited as with `subscribers` connected.
 */
function subscribeOver(
  ws: WebSocket & EventEmitter,
  socket: Writable,
  cursor: number,
  subscribers = 1,
  committed: CommittedEvents = eventLog,
  filters?: { originOwnerIds: string[] },
): StreamConnection {
  const connection = createStreamConnection({
    ws,
    socket: socket as Duplex,
    client: 'stackone-onboarding/0.0.0-test',
    tellsPositions: false,
    events: createStreamEvents(committed),
    log: silentLogger(),
    heartbeatIntervalMs: 60_000,
    metrics: createStreamMetrics(new Registry(), {
      refused: () => undefined,
      maxClients: 1_000,
      clients: () => 1,
      fanOutWindowMs: () => 5,
      queuedBytes: () => 0,
      clientsByName: () => [],
    }),
    queueLimitBytes: () => queueLimitBytes(subscribers),
    onClose: () => undefined,
  });
  ws.emit('message', Buffer.from(JSON.stringify({ type: 'subscribe', cursor, filters })), false);
  return connection;
}

describe('a subscriber catching up', () => {
  it("is sent large events up to its socket's limit, not all it asked for", async () => {
    temp = makeTempDir('stream-connection');
    eventLog = openFileEventLog({ dataDir: temp.path });
    // 10 events of 400 KB: 4 MB, more than one read or write should carry.
    for (let i = 0; i < 10; i++)
      await eventLog.append(
        logEvent({ account_id: `catch-up-${i}`, padding: 'c'.repeat(400_000) }),
      );
    const { ws, socket, writes } = stalledSubscriber();
    subscribeOver(ws, socket, 0);

    // About the limit queued (three 400 KB events, the first two in one write: a read is no more
    // than the room left), then it waits for the socket to drain.
    await eventually(() => expect(socket.writableLength).toBeGreaterThan(highWaterBytes));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes[0]).toBeLessThanOrEqual(highWaterBytes);
    expect(socket.writableLength).toBeLessThan(highWaterBytes + 450_000);
    ws.emit('close');
  });

  it('queues less with many subscribers connected, so that all their queues together stay bounded', async () => {
    temp = makeTempDir('stream-connection');
    eventLog = openFileEventLog({ dataDir: temp.path });
    // 100 events of 20 KB: 2 MB behind.
    for (let i = 0; i < 100; i++)
      await eventLog.append(logEvent({ account_id: `many-${i}`, padding: 'm'.repeat(20_000) }));
    /** What the socket holds once the relay has stopped sending to it. */
    const queuedWith = async (subscribers: number) => {
      const { ws, socket, writes } = stalledSubscriber();
      subscribeOver(ws, socket, 0, subscribers);
      await eventually(() => expect(writes.length).toBeGreaterThan(0));
      await new Promise((resolve) => setTimeout(resolve, 50));
      ws.emit('close');
      return socket.writableLength;
    };

    // Alone, 1 MiB or more (the last read written whole); one of 1,000, its 64 KiB share and at
    // most one event more.
    expect(await queuedWith(1)).toBeGreaterThanOrEqual(highWaterBytes);
    const amongMany = await queuedWith(1_000);
    expect(amongMany).toBeGreaterThanOrEqual(64 * 1024);
    expect(amongMany).toBeLessThan(64 * 1024 + 21_000);
  });

  it('reads no more than its socket has room for, so that nothing read is dropped to be read again', async () => {
    temp = makeTempDir('stream-connection');
    eventLog = openFileEventLog({ dataDir: temp.path });
    for (let i = 0; i < 100; i++)
      await eventLog.append(logEvent({ account_id: `room-${i}`, padding: 'r'.repeat(20_000) }));
    const read: StoredEvent[] = [];
    const recordingLog: CommittedEvents = {
      readAfter: (cursor, limit, maxBytes) => {
        const events = eventLog.readAfter(cursor, limit, maxBytes);
        read.push(...events);
        return events;
      },
      headSeq: () => eventLog.headSeq(),
      oldestSeq: () => eventLog.oldestSeq(),
      onCommit: (listener) => eventLog.onCommit(listener),
    };
    const { ws, socket, writes } = stalledSubscriber();
    // One of 1,000 subscribers: 64 KiB of room, three or four of these events.
    subscribeOver(ws, socket, 0, 1_000, recordingLog);
    await eventually(() => expect(writes.length).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    ws.emit('close');

    expect(read.length).toBeLessThanOrEqual(5);
    const framesRead = toOutgoingEvents(read).reduce(
      (bytes, event) => bytes + event.frame.length,
      0,
    );
    expect(socket.writableLength).toBe(framesRead);
  });

  it.each([
    { with: 'no filters', filters: undefined },
    { with: 'filters that pass them', filters: { originOwnerIds: ['acme'] } },
  ])(
    'is sent a burst of new events larger than the room left in its socket only up to that room ($with)',
    async ({ filters }) => {
      temp = makeTempDir('stream-connection');
      eventLog = openFileEventLog({ dataDir: temp.path });
      const { ws, socket } = stalledSubscriber();
      // One of 1,000 subscribers, caught up: 64 KiB of room.
      const connection = subscribeOver(ws, socket, 0, 1_000, eventLog, filters);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Five new events of 20 KB, committed together: 100 KB in one batch of the fan-out's.
      for (let i = 0; i < 5; i++)
        await eventLog.append(logEvent({ account_id: `burst-${i}`, padding: 'u'.repeat(20_000) }));
      const events = toOutgoingEvents(eventLog.readAfter(0, 5));
      const frames = Buffer.concat(events.map((e) => e.frame));
      connection.deliverNew({ afterSeq: 0, lastSeq: 5, count: 5, frames, events });
      await eventually(() => expect(socket.writableLength).toBeGreaterThanOrEqual(64 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(socket.writableLength).toBeLessThan(64 * 1024 + 21_000);
      ws.emit('close');
    },
  );

  it('with filters, caught up, takes what they pass of each new batch as it comes, without reading the log again', async () => {
    temp = makeTempDir('stream-connection');
    eventLog = openFileEventLog({ dataDir: temp.path });
    let reads = 0;
    const countingReads: CommittedEvents = {
      readAfter: (cursor, limit, maxBytes) => {
        reads += 1;
        return eventLog.readAfter(cursor, limit, maxBytes);
      },
      headSeq: () => eventLog.headSeq(),
      oldestSeq: () => eventLog.oldestSeq(),
      onCommit: (listener) => eventLog.onCommit(listener),
    };
    const received: number[] = [];
    const socket = new Writable({
      writev(chunks, done) {
        for (const { chunk } of chunks)
          for (const match of (chunk as Buffer).toString().matchAll(/"type":"event","seq":(\d+)/g))
            received.push(Number(match[1]));
        done();
      },
    });
    const ws = fakeWebSocket();
    const connection = subscribeOver(ws, socket, 0, 1, countingReads, {
      originOwnerIds: ['acme'],
    });
    // Caught up: its read of the empty log found nothing.
    await eventually(() => expect(reads).toBe(1));
    const batchOf = async (...owners: string[]) => {
      const afterSeq = eventLog.headSeq();
      for (const owner of owners)
        await eventLog.append(
          logEvent({ account_id: `new-${eventLog.headSeq()}`, origin_owner_id: owner }),
        );
      const events = toOutgoingEvents(eventLog.readAfter(afterSeq, owners.length));
      const frames = Buffer.concat(events.map((e) => e.frame));
      return { afterSeq, lastSeq: afterSeq + owners.length, count: owners.length, frames, events };
    };

    connection.deliverNew(await batchOf('acme', 'globex', 'acme'));
    // None of its: passed over, its position moved on all the same.
    connection.deliverNew(await batchOf('globex'));
    connection.deliverNew(await batchOf('globex', 'acme'));
    await eventually(() => expect(received).toEqual([1, 3, 6]));
    expect(reads).toBe(1);
    ws.emit('close');
  });

  it('is told of a gap when retention drops events it has not been sent yet', async () => {
    temp = makeTempDir('stream-connection');
    eventLog = openFileEventLog({ dataDir: temp.path, maxEvents: 5 });
    const append = (n: number, paddingBytes: number) =>
      eventLog.append(logEvent({ account_id: `behind-${n}`, padding: 'b'.repeat(paddingBytes) }));
    for (let n = 1; n <= 3; n++) await append(n, 400_000);
    // In the order the client would read them: frames written to the socket, messages sent by ws.
    const received: (number | string)[] = [];
    const pendingWrites: (() => void)[] = [];
    const socket = new Writable({
      writev(chunks, done) {
        for (const { chunk } of chunks)
          for (const match of (chunk as Buffer).toString().matchAll(/"type":"event","seq":(\d+)/g))
            received.push(Number(match[1]));
        pendingWrites.push(done);
      },
    });
    const ws = fakeWebSocket((text) => received.push(text));
    subscribeOver(ws, socket, 0);
    // Events 1-3 fill the socket; while it is stalled, 9 more arrive and only the newest 5 are kept.
    await eventually(() => expect(socket.writableLength).toBeGreaterThan(3 * 400_000));
    for (let n = 4; n <= 12; n++) await append(n, 100);
    expect(eventLog.oldestSeq()).toBe(8);

    // The client reads again.
    while (pendingWrites.length > 0) pendingWrites.shift()?.();
    await eventually(() => expect(received.at(-1)).toBe(12));
    expect(received.slice(1)).toEqual([
      1,
      2,
      3,
      JSON.stringify({ type: 'gap', requestedCursor: 3, oldestAvailableSeq: 8 }),
      8,
      9,
      10,
      11,
      12,
    ]);
    ws.emit('close');
  });
});
