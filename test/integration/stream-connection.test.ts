import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { silentLogger } from '../../src/main/logger';
import type { EventLog } from '../../src/relay/event-log';
import { openFileEventLog } from '../../src/relay/file-event-log';
import { createRelayMetrics } from '../../src/relay/relay-metrics';
import {
  createEventFrames,
  createStreamConnection,
  highWaterBytes,
} from '../../src/relay/stream-connection';
import { makeTempDir } from '../support/temp-dir';
import { webhookBody } from '../support/webhooks';

let temp: ReturnType<typeof makeTempDir>;
let eventLog: EventLog;
afterEach(async () => {
  await eventLog.close();
  temp.remove();
});

/**
 * The socket under a subscriber's WebSocket, as a stream that records each write and never
 * drains (a client that has stopped reading), so the size of every write the relay makes shows.
 * A real TCP socket would hide the write boundaries; everything else here is real.
 */
function stalledSubscriber() {
  const writes: number[] = [];
  const socket = new Writable({
    write(chunk: Buffer, _encoding, _done) {
      writes.push(chunk.length);
    },
  });
  const ws = Object.assign(new EventEmitter(), {
    OPEN: 1,
    readyState: 1,
    _socket: socket,
    send: () => undefined,
    ping: () => undefined,
    close: () => undefined,
    terminate: () => undefined,
  });
  return { ws: ws as unknown as WebSocket & EventEmitter, writes };
}

describe('a subscriber catching up', () => {
  it('is sent large events a socket limit at a time, not all it asked for in one write', async () => {
    temp = makeTempDir('stream-connection');
    eventLog = openFileEventLog({ dataDir: temp.path });
    // 10 events of 400 KB: 4 MB, more than one read or write should carry.
    for (let i = 0; i < 10; i++)
      await eventLog.append({
        body: webhookBody({ account_id: `catch-up-${i}`, padding: 'c'.repeat(400_000) }),
        signature: 'sig',
        receivedAt: new Date().toISOString(),
        event: 'account.updated',
        originOwnerId: 'acme',
      });
    const { ws, writes } = stalledSubscriber();
    createStreamConnection({
      ws,
      eventLog,
      logger: silentLogger(),
      heartbeatIntervalMs: 60_000,
      metrics: createRelayMetrics({ clients: () => 1, headSeq: () => 10, fanOutWindowMs: () => 5 }),
      eventFrame: createEventFrames(),
      onClose: () => undefined,
    });
    ws.emit('message', Buffer.from(JSON.stringify({ type: 'subscribe', cursor: 0 })), false);

    // One write of about the limit (three 400 KB events), then it waits for the socket to drain.
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBeGreaterThan(highWaterBytes);
    expect(writes[0]).toBeLessThan(highWaterBytes + 450_000);
    ws.emit('close');
  });
});
