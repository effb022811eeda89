import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  relayClientMessageMaxBytes,
  relayLogIdHeader,
  relayPositionsHeader,
  relayRefusalHeader,
  relayRefusedTooManyClients,
  relayVersionHeader,
} from '../shared/relay-protocol';
import { releaseVersion } from '../shared/release-version';
import { clientName, mostConnectedNames, type ClientsOfName } from './client-name';
import { createFanOut } from './fan-out';
import {
  createStreamConnection,
  queueLimitBytes,
  type StreamConnection,
} from './stream-connection';
import { createStreamEvents, type CommittedEvents } from './stream-events';
import type { StreamLog, StreamMetrics } from './stream-reporting';
import { createSummedLog } from './summed-log';
import { refuseUpgrade } from './upgrade-socket';

/** What the WebSocket handshake reads of an upgrade request; all a handed-over socket brings along. */
export type UpgradeRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers'>;

export interface StreamHubOptions {
  /** Sent in each connection's handshake (`relayLogIdHeader`), beside the seqs it is for. */
  logId: string;
  events: CommittedEvents;
  log: StreamLog;
  metrics: StreamMetrics;
  heartbeatIntervalMs: number;
  fanOutWindowMs: number;
  fanOutWindowMaxMs: number;
  /** Connections served at once; one more is refused 503 until one of them closes. */
  maxClients: number;
}

/** What a connection refused for `maxClients` is told to wait before trying again, in seconds. */
const tooManyClientsRetryAfterSeconds = 30;

/** What a stream hub says of itself in the relay's status (`/metrics`, `/healthz`). */
export interface StreamHubFigures {
  clients: number;
  /** The fan-out's current window, in ms. */
  fanOutWindowMs: number;
  /** Bytes queued for all subscribers in their sockets here, not yet taken by the kernel. */
  queuedBytes: number;
  /** The names clients give themselves most (`mostConnectedNames`), and how many give each. */
  clientsByName: ClientsOfName[];
}

/** Every stream subscriber of one relay, and the fan-out that feeds them. */
export interface StreamHub {
  /** Completes the WebSocket handshake of an upgrade already authorised, and serves it. */
  accept(request: UpgradeRequest, socket: Duplex, head: Buffer): void;
  figures(): StreamHubFigures;
  /** Sends each subscriber what it has not had yet, then closes every connection. */
  close(drainTimeoutMs: number): Promise<void>;
}

export function createStreamHub(options: StreamHubOptions): StreamHub {
  const { metrics } = options;
  // Its clients bring on its lines as often as they like (refused, dropped, misbehaving): summed.
  const log = createSummedLog(options.log);
  const events = createStreamEvents(options.events);
  const connections = new Set<StreamConnection>();
  const fanOut = createFanOut({
    commits: events,
    connections,
    windowMs: options.fanOutWindowMs,
    maxWindowMs: options.fanOutWindowMaxMs,
    onSent(sent) {
      const now = Date.now();
      for (const event of sent) metrics.fannedOut(now - event.receivedAtMs);
    },
  });
  // No permessage-deflate: stream connections write pre-encoded frames (see stream-connection).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: relayClientMessageMaxBytes,
    perMessageDeflate: false,
  });
  wss.on('headers', (headers) =>
    headers.push(
      `${relayLogIdHeader}: ${options.logId}`,
      `${relayVersionHeader}: ${releaseVersion}`,
    ),
  );

  return {
    accept(request, socket, head) {
      // Counted before the handshake, which ws completes before this returns.
      if (connections.size >= options.maxClients) {
        metrics.refusedTooManyClients(1);
        log.warn(
          { reason: 'too_many_clients', maxClients: options.maxClients },
          'stream connection refused',
        );
        refuseUpgrade(socket, 503, 'Service Unavailable', {
          'Retry-After': String(tooManyClientsRetryAfterSeconds),
          [relayRefusalHeader]: relayRefusedTooManyClients,
        });
        return;
      }
      // ws reads only these fields of the request during the handshake.
      wss.handleUpgrade(request as IncomingMessage, socket, head, (ws: WebSocket) => {
        const connection = createStreamConnection({
          ws,
          socket,
          client: clientName(request.headers['user-agent']),
          tellsPositions: request.headers[relayPositionsHeader] === '1',
          events,
          log,
          heartbeatIntervalMs: options.heartbeatIntervalMs,
          metrics,
          queueLimitBytes: () => queueLimitBytes(connections.size),
          onClose: () => connections.delete(connection),
        });
        connections.add(connection);
      });
    },
    figures() {
      let queuedBytes = 0;
      const byName = new Map<string, number>();
      for (const connection of connections) {
        queuedBytes += connection.queuedBytes();
        byName.set(connection.client, (byName.get(connection.client) ?? 0) + 1);
      }
      return {
        clients: connections.size,
        fanOutWindowMs: fanOut.windowMs(),
        queuedBytes,
        clientsByName: [...byName]
          .map(([client, count]) => ({ client, count }))
          .sort((a, b) => b.count - a.count || (a.client < b.client ? -1 : 1))
          .slice(0, mostConnectedNames),
      };
    },
    async close(drainTimeoutMs) {
      const drained = await Promise.all(
        [...connections].map((connection) => connection.drainAndClose(drainTimeoutMs)),
      );
      logShutdown(log, drained, drainTimeoutMs);
      fanOut.stop();
      wss.close();
      log.close();
    },
  };
}

/**
 * How the shutdown left the connections open at its start: sent everything stored before they
 * were closed, or cut short by the drain's time running out (they resume from their cursors when
 * they connect again, so nothing is lost, but an operator restarting the relay should know).
 */
function logShutdown(log: StreamLog, drained: readonly boolean[], drainTimeoutMs: number): void {
  if (drained.length === 0) return;
  const cutShort = drained.filter((sentEverything) => !sentEverything).length;
  const fields = { connections: drained.length, cutShort, drainTimeoutMs };
  if (cutShort === 0)
    log.info(fields, 'stream connections closed for the shutdown, each sent everything stored');
  else
    log.warn(
      fields,
      'stream connections closed for the shutdown, some before they were sent everything stored ' +
        "(the drain's time ran out): they resume from their cursors when they connect again",
    );
}
