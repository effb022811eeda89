import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import {
  relayClientMessageSchema,
  type RelayClientMessage,
  type RelayServerMessage,
} from '../shared/relay-protocol';
import type { OutgoingEvent } from './outgoing-event';
import type { StreamEvents } from './stream-events';
import type { StreamCloseCount, StreamLog, StreamMetrics } from './stream-reporting';
import { joinAdjacentFrames } from './websocket-frame';

export interface StreamConnection {
  /** How the client names itself (`clientName`). */
  readonly client: string;
  /** New events were committed: send them, from `batch` when this subscriber can take it whole. */
  deliverNew(batch: SharedBatch): void;
  /**
   * Sends what the client has not had yet, waits until it is written out, then closes. False where
   * the time ran out with some of it not written out; true where all of it was, or the client left.
   */
  drainAndClose(timeoutMs: number): Promise<boolean>;
  /** Bytes queued in its socket here, not yet taken by the kernel. */
  queuedBytes(): number;
}

/** The wire frames of the events after `afterSeq` through `lastSeq`, encoded once for everyone. */
export interface SharedBatch {
  afterSeq: number;
  lastSeq: number;
  count: number;
  frames: Buffer;
  /** The events themselves, each with its own frame: what a subscriber with filters takes of it. */
  events: readonly OutgoingEvent[];
}

/**
 * Bytes queued in a socket before the relay stops sending to it and waits for it to drain, with
 * few subscribers; and the most one write from the log or the fan-out carries.
 */
export const highWaterBytes = 1024 * 1024;
/** What the queues of all subscribers may hold together, with many ... */
const allQueuesBytes = 16 * 1024 * 1024;
/** ... though never less than this each. */
const minQueueBytes = 64 * 1024;

/**
 * How much may be queued in each subscriber's socket with `subscribers` connected: `highWaterBytes`
 * while that keeps all the queues within `allQueuesBytes`, less with more subscribers. Queued
 * frames are shared only by subscribers at the same position: 200 of them stalled at positions far
 * apart, each with its 1 MiB, had the stream process hold over 250 MB. A subscriber's reads bring
 * no more than its room, so a smaller share costs it more reads, not the same events read twice;
 * 16 MiB in all, where it was 64, took about 60 MB off that case's peak and did not slow its
 * clients' reading on (docs/relay-benchmark-log.md, "2026-12-06, night", "late night" and
 * "2026-12-07, small hours").
 */
export function queueLimitBytes(subscribers: number): number {
  const share = Math.floor(allQueuesBytes / Math.max(1, subscribers));
  return Math.min(highWaterBytes, Math.max(minQueueBytes, share));
}
const readBatch = 256;
const maxBadMessages = 10;

/**
 * One subscriber. It never holds events of its own: its position in the log is all it keeps, so
 * a slow or offline client costs the server nothing but that number and its socket buffer.
 */
export function createStreamConnection(options: {
  ws: WebSocket;
  /**
   * The upgraded TCP socket `ws` runs on. Event frames are written straight to it: one write per
   * subscriber per batch, of bytes shared by all subscribers, instead of one ws.send (and its
   * allocations) per event per subscriber. Safe because the server runs without
   * permessage-deflate, so ws writes each of its own frames (pings, control replies) to the
   * socket whole and at once: frames never interleave.
   */
  socket: Duplex;
  /** How the client names itself, for the log lines of what it does wrong (`clientName`). */
  client: string;
  /**
   * The client asked to be told its position (`relayPositionsHeader`): with filters, once caught
   * up after subscribing and at each heartbeat where it has moved since.
   */
  tellsPositions: boolean;
  events: Pick<StreamEvents, 'readAfter' | 'headSeq' | 'oldestSeq'>;
  log: StreamLog;
  heartbeatIntervalMs: number;
  metrics: StreamMetrics;
  /** Bytes its socket may queue before it waits for the socket to drain (`queueLimitBytes`). */
  queueLimitBytes: () => number;
  onClose: () => void;
}): StreamConnection {
  const { ws, socket, events: source, log, metrics } = options;
  let subscription: {
    position: number;
    /** null: every event. */
    filter: ((event: OutgoingEvent) => boolean) | null;
    /** The position the client last had from it: its cursor, or a `position` message. */
    positionTold: number;
    /** It has reached the head of the log once since subscribing. */
    caughtUp: boolean;
  } | null = null;
  let waitingForDrain = false;
  /** A read from the log is in flight: batches wait, and the pump reads again for what they held. */
  let pumping = false;
  let committedWhilePumping = false;
  let badMessages = 0;
  let alive = true;
  /** Why the relay ended the connection, where it did: counted as it closes. */
  let endedBy: StreamCloseCount | null = null;
  metrics.connected(1);

  const send = (message: RelayServerMessage) => ws.send(JSON.stringify(message));
  const canWrite = () => !waitingForDrain && ws.readyState === ws.OPEN;

  /**
   * Writes the frames together (one writev). Given as a list, frames that subscribers share are
   * queued as they are, not copied into one buffer for this socket: with copies, 200 subscribers
   * catching up at once, their sockets' queues full, had the stream process's pages about double.
   * Frames read together lie side by side, and are queued as one view.
   */
  function writeFrames(frames: Buffer | readonly Buffer[]): void {
    if (Buffer.isBuffer(frames)) {
      socket.write(frames);
    } else {
      socket.cork();
      for (const run of joinAdjacentFrames(frames)) socket.write(run);
      socket.uncork();
    }
    if (roomInQueue() <= 0) waitForDrain();
  }

  /** Bytes its socket may still queue. */
  const roomInQueue = () => options.queueLimitBytes() - socket.writableLength;

  /** The client is not keeping up: stop here and carry on from its position once it drains. */
  function waitForDrain(): void {
    waitingForDrain = true;
    socket.once('drain', () => {
      waitingForDrain = false;
      pump();
    });
  }

  /** Sends everything after this subscriber's position, in batches, until it is caught up or backed up. */
  function pump(): void {
    if (pumping) {
      committedWhilePumping = true;
      return;
    }
    pumping = true;
    sendUntilCaughtUp().then(
      () => {
        pumping = false;
      },
      (error: unknown) => {
        pumping = false;
        log.error(
          { reason: error instanceof Error ? error.message : String(error) },
          'stream could not read the event log; closing the connection so that the client resumes',
        );
        endedBy ??= 'closedForReadFailure';
        ws.close(1011, 'relay could not read its event log');
      },
    );
  }

  async function sendUntilCaughtUp(): Promise<void> {
    while (subscription !== null && canWrite()) {
      committedWhilePumping = false;
      // Subscribers connected since may have made the limit smaller.
      if (roomInQueue() <= 0) {
        waitForDrain();
        return;
      }
      // Read no more than the socket has room for: what a read brings beyond that is dropped
      // and read again.
      const events = await source.readAfter(subscription.position, readBatch, roomInQueue());
      if (events.length === 0) {
        if (committedWhilePumping) continue;
        if (!subscription.caughtUp) {
          // Told at once, not at the next heartbeat: a client over a bad network may not stay
          // connected that long, and would read past the same events at each connection.
          subscription.caughtUp = true;
          tellPosition();
        }
        return;
      }
      if (!canWrite()) return;
      const frames: Buffer[] = [];
      const writeBytes = Math.max(1, roomInQueue());
      let bytes = 0;
      let missingBefore: number | null = null;
      for (const event of events) {
        // Large events: one write of at most about the room in the socket, then on from here.
        if (bytes >= writeBytes) break;
        if (event.seq !== subscription.position + 1) {
          missingBefore = event.seq;
          break;
        }
        subscription.position = event.seq;
        if (subscription.filter === null || subscription.filter(event)) {
          frames.push(event.frame);
          bytes += event.frame.length;
        }
      }
      if (frames.length > 0) {
        metrics.delivered(frames.length);
        writeFrames(frames);
      }
      if (missingBefore !== null) {
        // The log no longer holds the events in between: retention dropped them while this
        // client was behind, or they were in a damaged segment set aside at start. Said as for
        // an old cursor, so that the client reconciles instead of missing them unawares.
        send({
          type: 'gap',
          requestedCursor: subscription.position,
          oldestAvailableSeq: missingBefore,
        });
        subscription.position = missingBefore - 1;
      }
    }
  }

  function deliverNew(batch: SharedBatch): void {
    if (subscription === null || subscription.position !== batch.afterSeq || pumping || !canWrite())
      return pump();
    const { filter } = subscription;
    if (filter === null) {
      // A batch larger than the room left (a burst of large events) goes as the pump sends.
      if (batch.frames.length > roomInQueue()) return pump();
      subscription.position = batch.lastSeq;
      metrics.delivered(batch.count);
      writeFrames(batch.frames);
      return;
    }
    // Taken from the batch at once, not read again: most subscribers with filters (apps, each
    // with its own customers) take nothing of most batches.
    let taken: Buffer[] | null = null;
    let bytes = 0;
    for (const event of batch.events) {
      if (!filter(event)) continue;
      (taken ??= []).push(event.frame);
      bytes += event.frame.length;
    }
    if (bytes > roomInQueue()) return pump();
    subscription.position = batch.lastSeq;
    if (taken === null) return;
    metrics.delivered(taken.length);
    writeFrames(taken);
  }

  function handle(message: RelayClientMessage): void {
    if (message.type === 'ack') {
      metrics.acked(1);
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
    const head = source.headSeq();
    const oldest = source.oldestSeq();
    // Just before the oldest event held: where a null cursor starts, and where a client is put
    // after it is told of a gap.
    const start = (oldest ?? head + 1) - 1;
    let position = message.cursor ?? start;
    // Ahead of the log: the client has seen more than this relay holds (its log was reset), so it
    // starts over. Behind the oldest event held: retention has dropped what it asks for.
    if (position > head || position < start) {
      send({ type: 'gap', requestedCursor: position, oldestAvailableSeq: start + 1 });
      position = start;
    }
    const owners = message.filters?.originOwnerIds ? new Set(message.filters.originOwnerIds) : null;
    const names = message.filters?.events ? new Set(message.filters.events) : null;
    subscription = {
      position,
      positionTold: position,
      caughtUp: false,
      filter:
        owners === null && names === null
          ? null
          : (event) =>
              // An event that names no owner may be any subscriber's: it is never filtered out.
              (owners === null ||
                event.originOwnerId === null ||
                owners.has(event.originOwnerId)) &&
              (names === null || names.has(event.event)),
    };
    send({ type: 'subscribed', headSeq: head });
    pump();
  }

  ws.on('message', (data, isBinary) => {
    // A peer that sends is alive, whether or not it has answered the last ping yet: a ping is
    // queued behind what was written before it, and a client catching up over a slow link (acking
    // as it goes) can take longer than the heartbeat to read that far; dropped for it, it would
    // reconnect behind as far and be dropped again.
    alive = true;
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
    metrics.rejectedMessages(1);
    log.warn({ reason: 'bad_client_message', client: options.client }, 'stream message rejected');
    if (badMessages >= maxBadMessages) {
      endedBy ??= 'closedForBadMessages';
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
      log.warn(
        {
          reason: 'heartbeat_timeout',
          heartbeatMs: options.heartbeatIntervalMs,
          client: options.client,
        },
        'stream client dropped: it sent nothing, not even an answer to a ping, for a heartbeat interval',
      );
      endedBy ??= 'timedOut';
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
    tellPosition();
  }, options.heartbeatIntervalMs);

  /**
   * Tells a subscriber with filters how far it has been sent the log, where events passed over
   * moved it on: the events before it went out first, on the same socket. Not after each live
   * batch: a subscriber with filters passes over most of them, and would be sent a message for
   * each all the same.
   */
  function tellPosition(): void {
    if (!options.tellsPositions || subscription === null || subscription.filter === null) return;
    if (subscription.position <= subscription.positionTold) return;
    subscription.positionTold = subscription.position;
    send({ type: 'position', seq: subscription.position });
  }
  ws.on('pong', () => {
    alive = true;
  });
  // ws emits errors of the protocol alone (a frame it does not allow, or over maxPayload); the
  // socket's own (a reset) end the connection with no close, 1006.
  ws.on('error', () => {
    endedBy ??= 'closedForProtocolError';
    ws.terminate();
  });
  ws.on('close', (code: number) => {
    clearInterval(heartbeat);
    metrics[endedBy ?? (code === 1006 ? 'connectionsLost' : 'closedByClient')](1);
    options.onClose();
  });

  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return {
    client: options.client,
    deliverNew,
    queuedBytes: () => socket.writableLength,
    async drainAndClose(timeoutMs) {
      pump();
      const deadline = Date.now() + timeoutMs;
      const owed = () => pumping || waitingForDrain || socket.writableLength > 0;
      while (ws.readyState === ws.OPEN && owed() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const drained = ws.readyState !== ws.OPEN || !owed();
      endedBy ??= 'closedForShutdown';
      ws.close(1001, 'relay shutting down');
      const timer = setTimeout(() => ws.terminate(), Math.max(0, deadline - Date.now()) + 1_000);
      await closed;
      clearTimeout(timer);
      return drained;
    },
  };
}
