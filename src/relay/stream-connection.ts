import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import {
  relayClientMessageSchema,
  type RelayClientMessage,
  type RelayServerMessage,
} from '../shared/relay-protocol';
import type { EventLog, StoredEvent } from './event-log';
import type { RelayMetrics } from './relay-metrics';

export interface StreamConnection {
  /** The log has grown: send what this subscriber has not had yet. */
  notifyNewEvents(): void;
  /** Sends what the client has not had yet, waits until it is written out, then closes. */
  drainAndClose(timeoutMs: number): Promise<void>;
}

/** Bytes queued in a socket before the relay stops sending to it and waits for it to drain. */
const highWaterBytes = 1024 * 1024;
const readBatch = 256;
const maxBadMessages = 10;

export type EventFrames = (event: StoredEvent) => Buffer;

/**
 * Encodes each event's stream message once, whatever the number of subscribers. Keeps the most
 * recent ones (live fan-out hits them); older replays are encoded again. One per relay: seqs are
 * only unique within one event log.
 */
export function createEventFrames(capacity = 4096): EventFrames {
  const cache = new Map<number, Buffer>();
  return (event) => {
    let frame = cache.get(event.seq);
    if (frame === undefined) {
      frame = Buffer.from(
        JSON.stringify({
          type: 'event',
          seq: event.seq,
          body: event.body,
          signature: event.signature,
          receivedAt: event.receivedAt,
        } satisfies RelayServerMessage),
      );
      cache.set(event.seq, frame);
      if (cache.size > capacity) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
    }
    return frame;
  };
}

/**
 * ws writes every message with its own syscall. Corking the underlying socket while a batch is
 * sent lets the kernel get the whole batch in one writev. `_socket` is ws's own (unexported but
 * long-stable) handle on it; without it, sending still works, one write per message.
 */
function underlyingSocket(ws: WebSocket): Duplex | undefined {
  return (ws as unknown as { _socket?: Duplex })._socket;
}

/**
 * One subscriber. It never holds events of its own: its position in the log is all it keeps, so
 * a slow or offline client costs the server nothing but that number.
 */
export function createStreamConnection(options: {
  ws: WebSocket;
  eventLog: EventLog;
  logger: Logger;
  heartbeatIntervalMs: number;
  metrics: RelayMetrics;
  eventFrame: EventFrames;
  onClose: () => void;
}): StreamConnection {
  const { ws, eventLog, logger, metrics, eventFrame } = options;
  let subscription: {
    position: number;
    filter: (event: StoredEvent) => boolean;
  } | null = null;
  let waitingForDrain = false;
  let badMessages = 0;
  let alive = true;

  const send = (message: RelayServerMessage) => ws.send(JSON.stringify(message));

  function pump(): void {
    if (subscription === null || waitingForDrain || ws.readyState !== ws.OPEN) return;
    const socket = underlyingSocket(ws);
    socket?.cork();
    try {
      sendPending();
    } finally {
      socket?.uncork();
    }
  }

  function sendPending(): void {
    if (subscription === null) return;
    for (;;) {
      const batch = eventLog.readAfter(subscription.position, readBatch);
      if (batch.length === 0) return;
      for (const event of batch) {
        subscription.position = event.seq;
        if (!subscription.filter(event)) continue;
        const frame = eventFrame(event);
        metrics.delivered();
        if (ws.bufferedAmount + frame.length < highWaterBytes) {
          ws.send(frame, { binary: false });
          continue;
        }
        // The socket is backed up: send this one, then wait until it has been written out.
        waitingForDrain = true;
        ws.send(frame, { binary: false }, () => {
          waitingForDrain = false;
          pump();
        });
        return;
      }
    }
  }

  function handle(message: RelayClientMessage): void {
    if (message.type === 'ack') {
      metrics.acked();
      return;
    }
    if (subscription !== null) {
      send({
        type: 'error',
        code: 'already_subscribed',
        message: 'This connection is already subscribed.',
      });
      return;
    }
    const head = eventLog.headSeq();
    const oldest = eventLog.oldestSeq();
    let position = message.cursor ?? 0;
    if (position > head) {
      // The client has seen more than this relay holds (its log was reset): start over.
      send({ type: 'gap', requestedCursor: position, oldestAvailableSeq: oldest ?? head + 1 });
      position = 0;
    } else if (message.cursor !== null && oldest !== null && message.cursor < oldest - 1) {
      send({ type: 'gap', requestedCursor: message.cursor, oldestAvailableSeq: oldest });
      position = oldest - 1;
    }
    const owners = message.filters?.originOwnerIds ? new Set(message.filters.originOwnerIds) : null;
    const names = message.filters?.events ? new Set(message.filters.events) : null;
    subscription = {
      position,
      filter: (event) =>
        (owners === null || (event.originOwnerId !== null && owners.has(event.originOwnerId))) &&
        (names === null || names.has(event.event)),
    };
    send({ type: 'subscribed', headSeq: head });
    pump();
  }

  ws.on('message', (data, isBinary) => {
    let parsed: ReturnType<typeof relayClientMessageSchema.safeParse> | null = null;
    if (!isBinary) {
      try {
        parsed = relayClientMessageSchema.safeParse(JSON.parse(data.toString()));
      } catch {
        parsed = null;
      }
    }
    if (parsed?.success) {
      handle(parsed.data);
      return;
    }
    badMessages += 1;
    logger.warn({ reason: 'bad_client_message' }, 'stream message rejected');
    if (badMessages >= maxBadMessages) {
      ws.close(1008, 'too many malformed messages');
      return;
    }
    send({
      type: 'error',
      code: 'bad_message',
      message: 'Expected {"type":"subscribe","cursor":<seq|null>} or {"type":"ack","seq":<seq>}.',
    });
  });

  const heartbeat = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, options.heartbeatIntervalMs);
  ws.on('pong', () => {
    alive = true;
  });
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    clearInterval(heartbeat);
    options.onClose();
  });

  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return {
    notifyNewEvents: pump,
    async drainAndClose(timeoutMs) {
      pump();
      const deadline = Date.now() + timeoutMs;
      while (
        ws.readyState === ws.OPEN &&
        (waitingForDrain || ws.bufferedAmount > 0) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      ws.close(1001, 'relay shutting down');
      const timer = setTimeout(() => ws.terminate(), Math.max(0, deadline - Date.now()) + 1_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
