import type http from 'node:http';
import WebSocket from 'ws';
import type { RelayConnection } from '../shared/domain';
import { appUserAgent } from '../shared/release-version';
import {
  relayClientLivenessTimeoutMs,
  relayClientMessageMaxBytes,
  relayClientMessageSchema,
  relayLogIdHeader,
  relayLogIdPattern,
  relayPositionsHeader,
  relayServerMessageSchema,
  relayVersionHeader,
  relayVersionPattern,
  type RelayClientMessage,
  type RelayEventMessage,
  type RelayServerMessage,
} from '../shared/relay-protocol';
import type { Logger } from './logger';
import { findConnectionFailure } from './network/connection-failure';
import { findProxyFailure } from './network/proxy-tunnel';
import {
  describeRelayAnswer,
  describeRelayHandshakeFault,
  describeRelayUnreached,
  retryAfterMs,
} from './relay-answer';

const applyFailureReason =
  'The account events from the relay could not be applied (something went wrong inside the app). ' +
  'If it keeps happening, restart the app and send its log file to support.';

/** Where the relay's gap said to forget the cursor, among the events queued to be applied. */
const forgetCursorMark = { type: 'forget_cursor' } as const;
/** Where the events queued start to be another log's (the relay's log id changed). */
interface EnterLogMark {
  type: 'enter_log';
  logId: string;
}
/** Where the relay's gap said its retention dropped events up to `lastDroppedSeq`. */
interface PassGapMark {
  type: 'pass_gap';
  lastDroppedSeq: number;
}
/** Where the relay said every event up to `seq` that the subscription takes had been sent. */
type PositionMark = Extract<RelayServerMessage, { type: 'position' }>;
type Queued =
  RelayEventMessage | typeof forgetCursorMark | EnterLogMark | PassGapMark | PositionMark;
const isEvent = (item: Queued): item is RelayEventMessage => item.type === 'event';

/** Whether a burst of events reached the disk, or only the app's memory (a failed write). */
export type EventsApplied = 'persisted' | 'kept_in_memory';

export interface RelayClientOptions {
  /** The relay's stream URL, e.g. ws://127.0.0.1:4020/v1/stream */
  streamUrl: string;
  token: string;
  /** The agent for each connection (e.g. through the system's proxy); ws's default when absent. */
  webSocketAgent?: (url: string) => http.Agent;
  /** The last seq applied and persisted, or null for a first connection. */
  cursor: () => number | null;
  /** The id of the relay's log the cursor is a seq of; null where none was given yet. */
  logId: () => string | null;
  /**
   * Takes the relay's log id, in order with `applyEvents`. Where another was kept, the cursor is
   * forgotten with it: that log's seqs mean nothing in this one.
   */
  enterLog: (logId: string) => void;
  /**
   * The customers (origin_owner_ids) whose events this app wants, read at each subscription; the
   * relay then sends only theirs (and events that name no owner). Omitted: every event.
   */
  originOwnerIds?: () => readonly string[];
  /**
   * Applies and persists a burst of events, each after the cursor, in order, and each once. The
   * client acks them once they are persisted; events kept in memory only (the disk could not be
   * written) are acked with a later burst that is. A burst that fails (rejects) comes again, with
   * everything after it, on the next connection.
   */
  applyEvents: (events: RelayEventMessage[]) => Promise<EventsApplied>;
  /**
   * Forgets the cursor: the relay holds less than it says (its log was reset, or restored from a
   * backup) and starts over behind it, so what it sends from there must be applied, seqs already
   * seen included, as they may now be other events. Called in order with `applyEvents`.
   */
  forgetCursor: () => void;
  /**
   * Called at a gap that says the relay's retention dropped events after the cursor (with no
   * cursor, the start of its log) up to `lastDroppedSeq`: they will never reach the app, and what
   * they told is StackOne's alone. The cursor moves past them, so that the next connection is not
   * told of the same gap again. Called in order with `applyEvents`. (A log that starts over behind
   * the cursor is told by `forgetCursor`.)
   */
  passGap: (lastDroppedSeq: number) => void;
  /**
   * Called where the relay says every event up to `seq` that the subscription takes has been
   * sent, and each has been applied: the cursor moves there, past events the subscription's
   * filters passed over, so that the next subscription does not start behind them (and is not
   * told of a gap where retention dropped only those). Called in order with `applyEvents`.
   */
  advanceCursor: (seq: number) => void;
  onConnectionChange: (connection: RelayConnection) => void;
  /**
   * Called after each (re)connection and each gap, where events may have been missed, so the app
   * can reconcile with StackOne; not after `resubscribe`, which resumes from the cursor.
   */
  onConnected?: () => void;
  logger: Logger;
  initialRetryMs?: number;
  maxRetryMs?: number;
  /**
   * A connection that carries nothing (no message, no ping) for this long is treated as dead and
   * replaced. The relay pings every 15 s, so the default, 45 s, is three missed pings. Without
   * it a relay that vanished without closing the TCP connection (a laptop changing networks, a
   * NAT dropping state) would look connected for as long as TCP takes to notice: hours.
   */
  livenessTimeoutMs?: number;
  /** How long `checkConnection` waits for the relay to answer its ping (default 5 s). */
  checkTimeoutMs?: number;
  /** How long a connection may take to open (TCP, TLS, the upgrade) before it is given up. */
  handshakeTimeoutMs?: number;
}

export interface RelayClient {
  start(): void;
  stop(): Promise<void>;
  /**
   * Subscribes again, with the owners `originOwnerIds` gives now. A subscription cannot change on
   * an open connection, so it is replaced at once (no retry delay, no "connecting" shown).
   */
  resubscribe(): void;
  /**
   * For when the network may have changed under the connection (the computer woke up, the network
   * came back): an open connection must answer a ping within `checkTimeoutMs` or is replaced, and
   * a client waiting to retry tries at once. Without it a dead connection looks connected until
   * the liveness timeout, and a retry may be half a minute away.
   */
  checkConnection(): void;
  readonly connection: RelayConnection;
  /**
   * The relay's release as its last stream connection gave it (`Relay-Version`), for the
   * diagnostics; null until a relay has given one.
   */
  readonly relayVersion: string | null;
}

export function createRelayClient(options: RelayClientOptions): RelayClient {
  const { logger } = options;
  const initialRetryMs = options.initialRetryMs ?? 500;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  const livenessTimeoutMs = options.livenessTimeoutMs ?? relayClientLivenessTimeoutMs;
  const checkTimeoutMs = options.checkTimeoutMs ?? 5_000;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const relayHost = new URL(options.streamUrl).host;
  let connection: RelayConnection = { state: 'offline', detail: 'Not started.' };
  let relayVersion: string | null = null;
  let socket: WebSocket | null = null;
  let retryMs = initialRetryMs;
  let retryTimer: NodeJS.Timeout | null = null;
  let stopped = true;
  const queue: Queued[] = [];
  /** The log the events queued last are of: one still on its way to the app, or the one kept. */
  const logIdOfQueue = () =>
    queue.findLast((item): item is EnterLogMark => item.type === 'enter_log')?.logId ??
    options.logId();
  let draining: Promise<void> | null = null;
  /** The socket being closed to subscribe again; its close connects at once. */
  let replacing: WebSocket | null = null;
  /** Pings the open connection and drops it if no answer comes in time. */
  let checkOpenConnection: (() => void) | null = null;
  /**
   * The last burst of events failed to apply, and none has applied since: each connection that
   * brings them again waits longer, where a failure that persists would reconnect every half second.
   */
  let applyFailing = false;
  /** Connections ended because their events could not be applied: said so, not as a lost link. */
  const endedByApplyFailure = new WeakSet<WebSocket>();

  const setConnection = (next: RelayConnection) => {
    connection = next;
    options.onConnectionChange(next);
  };

  function connect({ quietly = false }: { quietly?: boolean } = {}): void {
    if (stopped) return;
    if (!quietly) setConnection({ state: 'connecting', detail: 'Connecting to the relay…' });
    const ws = new WebSocket(options.streamUrl, {
      headers: {
        authorization: `Bearer ${options.token}`,
        'user-agent': appUserAgent,
        [relayPositionsHeader]: '1',
      },
      ...(options.webSocketAgent && { agent: options.webSocketAgent(options.streamUrl) }),
    });
    socket = ws;
    // Until the connection opens, a close means the relay could not be reached at all.
    let closeReason =
      'Could not reach the relay. Check the network connection, and the relay URL in Settings.';
    let closeCauseInSettings = false;
    let opened = false;
    // A server answered the upgrade: a failure from then until open is its handshake's fault.
    let upgraded = false;
    /** The log id the relay gave in its answer; null from a relay that gives none. */
    let relayLogId: string | null = null;
    // ws's own handshake timeout fails with no code to tell it by; this one says why.
    const handshakeTimer = setTimeout(() => {
      closeReason = describeRelayUnreached('no_answer', relayHost);
      ws.terminate();
    }, handshakeTimeoutMs);
    let livenessTimer: NodeJS.Timeout | null = null;
    // Called for every message: refresh() restarts the one timer instead of making a new one.
    const stillAlive = () => {
      if (livenessTimer !== null) {
        livenessTimer.refresh();
        return;
      }
      livenessTimer = setTimeout(() => {
        logger.warn({ silentForMs: livenessTimeoutMs }, 'relay went silent; reconnecting');
        closeReason = `The relay stopped answering (nothing for ${Math.ceil(livenessTimeoutMs / 1000)} s).`;
        ws.terminate();
      }, livenessTimeoutMs);
    };
    ws.on('open', () => {
      opened = true;
      clearTimeout(handshakeTimer);
      closeReason = 'Lost the connection to the relay.';
      if (!applyFailing) retryMs = initialRetryMs;
      stillAlive();
      checkOpenConnection = () => {
        if (ws.readyState !== WebSocket.OPEN) return;
        const unanswered = setTimeout(() => {
          logger.warn({ waitedMs: checkTimeoutMs }, 'relay did not answer a check; reconnecting');
          closeReason = 'The relay did not answer after the network changed.';
          ws.terminate();
        }, checkTimeoutMs);
        ws.once('pong', () => clearTimeout(unanswered));
        ws.once('close', () => clearTimeout(unanswered));
        ws.ping();
      };
      let cursor = options.cursor();
      const currentLogId = logIdOfQueue();
      const logId = relayLogId;
      if (logId !== null && logId !== currentLogId) {
        queue.push({ type: 'enter_log', logId });
        drainSoon(ws);
        // Another log's cursor would pass over this one's events numbered up to it. With none
        // kept (an app from before log ids), it is taken as this log's.
        if (currentLogId !== null) cursor = null;
      }
      // With no event applied, from seq 0 rather than null: the same events, and a gap where the
      // relay's retention has dropped the start of its log, of which null would be told nothing.
      send(ws, subscription(cursor ?? 0, options.originOwnerIds?.()));
    });
    ws.on('upgrade', (response) => {
      upgraded = true;
      const header = response.headers[relayLogIdHeader];
      if (typeof header === 'string' && relayLogIdPattern.test(header)) relayLogId = header;
      else if (header !== undefined) logger.warn('ignoring a relay log id that is not one');
      const version = response.headers[relayVersionHeader];
      relayVersion =
        typeof version === 'string' && relayVersionPattern.test(version) ? version : null;
    });
    ws.on('ping', stillAlive);
    ws.on('pong', stillAlive);
    ws.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      logger.warn({ status }, 'relay refused the connection');
      ws.terminate();
      const answer = describeRelayAnswer(status, relayHost, response.headers);
      const retryAfter = response.headers['retry-after'];
      scheduleRetry(answer.message, answer.causeInSettings, retryAfterMs(retryAfter));
    });
    ws.on('message', (data) => {
      stillAlive();
      let message;
      try {
        message = relayServerMessageSchema.parse(JSON.parse(data.toString()));
      } catch {
        logger.warn('ignoring a malformed relay message');
        return;
      }
      switch (message.type) {
        case 'subscribed':
          setConnection({ state: 'connected', detail: 'Receiving account events live.' });
          // A subscription replaced on purpose resumes from the cursor with nothing missed.
          if (!quietly) options.onConnected?.();
          break;
        case 'event':
        case 'position':
          queue.push(message);
          drainSoon(ws);
          break;
        case 'gap':
          // From seq 0 (no event applied yet): retention dropped the log's start, perhaps none of
          // it this app's events.
          if (message.requestedCursor === 0)
            logger.info(
              { oldest: message.oldestAvailableSeq },
              "relay gap: the relay's retention has dropped the start of its log",
            );
          else
            logger.warn(
              { requested: message.requestedCursor, oldest: message.oldestAvailableSeq },
              'relay gap',
            );
          // A cursor the relay starts over behind (not one retention left behind) is forgotten:
          // its log holds less than the app has seen.
          queue.push(
            message.requestedCursor >= message.oldestAvailableSeq
              ? forgetCursorMark
              : { type: 'pass_gap', lastDroppedSeq: message.oldestAvailableSeq - 1 },
          );
          drainSoon(ws);
          options.onConnected?.();
          break;
        case 'error':
          logger.warn({ code: message.code }, 'relay reported an error');
          break;
      }
    });
    ws.on('close', () => {
      clearTimeout(handshakeTimer);
      if (livenessTimer !== null) clearTimeout(livenessTimer);
      if (socket === ws) {
        socket = null;
        checkOpenConnection = null;
      }
      if (replacing === ws) {
        replacing = null;
        // Events of the old connection are applied before the new one replays from the cursor.
        void (draining ?? Promise.resolve()).then(() => {
          if (socket === null && retryTimer === null) connect({ quietly: true });
        });
        return;
      }
      if (endedByApplyFailure.has(ws)) scheduleRetry(applyFailureReason);
      else scheduleRetry(closeReason, closeCauseInSettings);
    });
    ws.on('error', (error) => {
      const atProxy = findProxyFailure(error);
      if (atProxy !== null) {
        logger.warn(
          { proxy: atProxy.proxy, kind: atProxy.kind },
          'relay connection failed at the proxy',
        );
        closeReason = atProxy.describe('reach the relay');
        closeCauseInSettings =
          atProxy.kind === 'sign_in_rejected' ||
          (atProxy.kind === 'sign_in' && atProxy.takesPasswordSignIn);
        return;
      }
      if (upgraded && !opened) {
        closeReason = describeRelayHandshakeFault(relayHost);
        closeCauseInSettings = true;
        logger.warn({ err: error.message }, 'relay answered with a handshake not valid');
        return;
      }
      const failure = opened ? null : findConnectionFailure(error);
      if (failure !== null) closeReason = describeRelayUnreached(failure, relayHost);
      logger.debug({ err: error.message }, 'relay socket error');
    });
  }

  /** Starts applying what is queued, unless that is under way. */
  function drainSoon(ws: WebSocket): void {
    draining ??= drain(ws).finally(() => {
      draining = null;
    });
  }

  /** Applies queued events in bursts; acks the newest seq of each burst once it is persisted. */
  async function drain(ws: WebSocket): Promise<void> {
    // Let the rest of what arrived in the same read join the first burst.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const first = queue[0] as Queued;
      if (!isEvent(first)) {
        queue.shift();
        if (first.type === 'forget_cursor') options.forgetCursor();
        else if (first.type === 'pass_gap') options.passGap(first.lastDroppedSeq);
        else if (first.type === 'position') options.advanceCursor(first.seq);
        else options.enterLog(first.logId);
        continue;
      }
      const markAt = queue.findIndex((item) => !isEvent(item));
      const burst = queue.splice(0, markAt === -1 ? queue.length : markAt).filter(isEvent);
      // Each seq once and in order: a connection that dropped while its events were being applied
      // leaves the rest queued ahead of the same events sent again on the next one.
      let newestTaken = options.cursor() ?? 0;
      const fresh = burst.filter((event) => {
        if (event.seq <= newestTaken) return false;
        newestTaken = event.seq;
        return true;
      });
      if (fresh.length === 0) continue;
      let applied: EventsApplied;
      try {
        applied = await options.applyEvents(fresh);
      } catch (error) {
        logger.error(
          { err: error instanceof Error ? error.message : 'unknown' },
          'applying relay events failed',
        );
        // The events queued after the burst would be applied without it: dropped, with the
        // connection they came on, so that the next one sends everything after the cursor again.
        applyFailing = true;
        queue.length = 0;
        for (const open of [ws, socket]) {
          if (open === null) continue;
          endedByApplyFailure.add(open);
          open.terminate();
        }
        return;
      }
      applyFailing = false;
      // Not yet on disk: an ack says it is. The cursor in memory moves on all the same, so a
      // reconnection does not bring these events again; a later ack covers them.
      if (applied === 'persisted') send(ws, { type: 'ack', seq: newestTaken });
    }
  }

  /** `atLeastMs`: what the relay asked to wait (Retry-After), spread so its apps do not return at once. */
  function scheduleRetry(reason: string, causeInSettings = false, atLeastMs = 0): void {
    if (stopped || retryTimer !== null) return;
    const delay = Math.round(
      Math.max(retryMs * (0.75 + Math.random() * 0.5), atLeastMs * (1 + Math.random() * 0.5)),
    );
    retryMs = Math.min(retryMs * 2, maxRetryMs);
    setConnection({
      state: 'offline',
      // A no-break space: the number stays with its unit where the window wraps the line.
      detail: `${reason} Retrying in ${Math.ceil(delay / 1000)}\u00a0s.`,
      ...(causeInSettings && { causeInSettings: true }),
    });
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      connect();
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const ws = socket;
      socket = null;
      if (ws && ws.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(1000, 'app closing');
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 1_000).unref();
        });
      }
      if (draining) await draining;
      setConnection({ state: 'offline', detail: 'Stopped.' });
    },
    resubscribe() {
      const ws = socket;
      // A connection not open yet subscribes with the owners of the moment it opens; one waiting
      // to retry will too.
      if (stopped || ws === null || ws.readyState !== WebSocket.OPEN) return;
      replacing = ws;
      socket = null;
      checkOpenConnection = null;
      ws.close(1000, 'subscribing again');
      // A relay that does not answer the close would otherwise hold the new subscription up.
      setTimeout(() => ws.terminate(), 1_000).unref();
    },
    checkConnection() {
      if (stopped) return;
      if (retryTimer !== null) {
        clearTimeout(retryTimer);
        retryTimer = null;
        retryMs = initialRetryMs;
        connect();
        return;
      }
      checkOpenConnection?.();
    },
    get connection() {
      return connection;
    },
    get relayVersion() {
      return relayVersion;
    },
  };
}

/**
 * The subscribe message, filtered to `originOwnerIds` when given. A list too long for the relay to
 * accept in one message subscribes to every event instead: the app ignores other customers' events
 * itself, so this costs traffic, not correctness.
 */
function subscription(
  cursor: number,
  originOwnerIds: readonly string[] | undefined,
): RelayClientMessage {
  const unfiltered: RelayClientMessage = { type: 'subscribe', cursor };
  if (originOwnerIds === undefined) return unfiltered;
  const filtered: RelayClientMessage = {
    ...unfiltered,
    filters: { originOwnerIds: [...originOwnerIds] },
  };
  const fits =
    relayClientMessageSchema.safeParse(filtered).success &&
    Buffer.byteLength(JSON.stringify(filtered)) <= relayClientMessageMaxBytes;
  return fits ? filtered : unfiltered;
}

function send(ws: WebSocket, message: RelayClientMessage): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}
