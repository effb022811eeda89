import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { stackOneWebhookSchema } from '../shared/webhook-event';
import { releaseVersion } from '../shared/release-version';
import { eventLogNotOwnedCode, type AppendResult, type EventLog } from './event-log';
import { closeAfterSocketHoldersExit } from './handed-over-sockets';
import { createRelayMetrics, createStreamMetrics } from './relay-metrics';
import {
  couldBeStackOneSignature,
  isKnownToken,
  isValidStackOneSignature,
} from './signature-verifier';
import type { Logger } from 'pino';
import { createStreamHub, type StreamHub } from './stream-hub';
import { startStreamProcess, type StreamStatus, type Streams } from './stream-process-host';
import { clientTokenProblem } from './client-token-rules';
import { answerHttpClientError, httpClientErrorReason } from './http-client-error';
import { watchHttpRequestsBegun } from './http-requests-begun';
import { ignoreErrorsBeforeHandshake, refuseUpgrade } from './upgrade-socket';
import { createSummedLog } from './summed-log';
import {
  defaultFanOutWindowMaxMs,
  defaultFanOutWindowMs,
  defaultHeartbeatIntervalMs,
  defaultMaxClients,
  defaultRequestTimeoutMs,
} from './relay-defaults';

export interface RelayServerOptions {
  host?: string;
  port?: number;
  webhookSecrets: readonly string[];
  clientTokens: readonly string[];
  eventLog: EventLog;
  logger: Logger;
  maxBodyBytes?: number;
  /**
   * How long a client may take to send a request whole (timed from its connection, or from a
   * later request's first byte) before the relay answers 408 and closes the connection (default
   * 30 s): slow or silent senders hold no connection and no half-read body for long.
   */
  requestTimeoutMs?: number;
  /**
   * How often each subscriber is pinged; one that sends nothing, not even the ping's answer, by
   * the next is dropped as dead (default 15 s).
   */
  heartbeatIntervalMs?: number;
  /**
   * The most stream connections served at once (default 1,000); one more is refused 503 with
   * `Retry-After` until one closes, so that an app opening connections without end cannot grow
   * the relay's memory with them.
   */
  maxClients?: number;
  /** At most one fan-out to subscribers per this many ms; events committed meanwhile wait for it (default 8). */
  fanOutWindowMs?: number;
  /** How far that window may grow while fan-outs are slow (default 50). */
  fanOutWindowMaxMs?: number;
  /**
   * Serve stream subscribers from a process of their own (stream-process.ts), so that sending
   * to them and taking webhooks use two cores (the command line's default). Default here: in
   * this process (the command line's `--single-process`, and the app's built-in demo relay).
   */
  streamsInOwnProcess?: boolean;
}

export interface RunningRelay {
  url: string;
  port: number;
  close(drainTimeoutMs?: number): Promise<void>;
}

export const webhookPath = '/webhooks/stackone';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
export const streamPath = '/v1/stream';

export async function startRelayServer(options: RelayServerOptions): Promise<RunningRelay> {
  if (options.webhookSecrets.length === 0)
    throw new Error('The relay needs at least one webhook secret.');
  if (options.clientTokens.length === 0)
    throw new Error('The relay needs at least one client token.');
  for (const [index, clientToken] of options.clientTokens.entries()) {
    const problem = clientTokenProblem(clientToken, `client token ${index + 1}`);
    if (problem !== null) throw new Error(`The relay cannot take ${problem}.`);
  }
  const maxClients = options.maxClients ?? defaultMaxClients;
  if (!Number.isSafeInteger(maxClients) || maxClients < 1)
    throw new Error(
      `The relay's maxClients must be a whole number of 1 or more, not ${maxClients}.`,
    );
  const { eventLog, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const metrics = createRelayMetrics({
    headSeq: () => eventLog.headSeq(),
    ...(eventLog.storage && { storage: eventLog.storage.bind(eventLog) }),
  });
  const streamOptions = {
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? defaultHeartbeatIntervalMs,
    fanOutWindowMs: options.fanOutWindowMs ?? defaultFanOutWindowMs,
    fanOutWindowMaxMs: options.fanOutWindowMaxMs ?? defaultFanOutWindowMaxMs,
    maxClients,
  };
  /** As the stream side answered /metrics' question before its gauges are read; null: no answer. */
  let streamStatus: StreamStatus | null = null;
  const streamMetrics = createStreamMetrics(metrics.registry, {
    refused: metrics.refused,
    maxClients,
    // With no stream process running, none is connected; with one that did not answer, unknown.
    clients: () => streamStatus?.clients ?? (streams.running() ? Number.NaN : 0),
    fanOutWindowMs: () => streamStatus?.fanOutWindowMs ?? Number.NaN,
    queuedBytes: () => streamStatus?.queuedBytes ?? (streams.running() ? Number.NaN : 0),
    clientsByName: () => streamStatus?.clientsByName ?? [],
    ...(options.streamsInOwnProcess && { streamProcess: () => streamStatus?.process ?? null }),
  });
  const streams = options.streamsInOwnProcess
    ? await startStreamProcess({ eventLog, logger, metrics: streamMetrics, ...streamOptions })
    : inProcessStreams(
        createStreamHub({
          logId: eventLog.logId,
          events: {
            readAfter: (cursor, limit, maxBytes) => eventLog.readAfter(cursor, limit, maxBytes),
            headSeq: () => eventLog.headSeq(),
            oldestSeq: () => eventLog.oldestSeq(),
            onCommit: (listener) => eventLog.onCommit(listener),
          },
          log: logger,
          metrics: streamMetrics,
          ...streamOptions,
        }),
      );
  let shuttingDown = false;
  // What clients outside the relay bring on as often as they like, summed (see summed-log).
  const summedLog = createSummedLog(logger);

  const requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const app = Fastify({
    bodyLimit: maxBodyBytes,
    // Fastify's default lets a request's body trickle in for ever.
    requestTimeout: requestTimeoutMs,
    http: {
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(requestTimeoutMs, 5_000),
    },
    logger: false,
    clientErrorHandler(error, socket) {
      const reason = httpClientErrorReason(error.code, requestBegun(socket));
      if (reason === null) {
        logger.debug('HTTP connection reset by its client between requests');
        socket.destroy();
        return;
      }
      metrics.connectionError(reason);
      // The error itself is never logged: it holds the request's bytes, headers and all.
      if (reason === 'cut_short')
        logger.debug({ reason }, 'HTTP connection cut short by its client');
      else summedLog.warn({ reason }, 'HTTP request refused before it was read');
      answerHttpClientError(reason, socket);
    },
  });
  const requestBegun = watchHttpRequestsBegun(app.server);
  closeAfterSocketHoldersExit(app.server);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json'], { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/healthz', async (_request, reply) => {
    if (shuttingDown) return reply.code(503).send({ status: 'shutting_down' });
    const status = await streams.status(statusTimeoutMs, false);
    if (status === null) return reply.code(503).send({ status: 'streams_unavailable' });
    return { status: 'ok', headSeq: eventLog.headSeq(), clients: status.clients };
  });
  app.get('/metrics', async (_request, reply) => {
    streamStatus = await streams.status(statusTimeoutMs, true);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const refuseSignature = (reply: FastifyReply) => {
    metrics.rejected('bad_signature');
    summedLog.warn({ reason: 'bad_signature' }, 'webhook rejected');
    return reply.code(401).send({ error: 'invalid or missing x-stackone-signature' });
  };
  const signatureOf = (request: FastifyRequest) => {
    const header = request.headers['x-stackone-signature'];
    return (Array.isArray(header) ? header[0] : header) ?? '';
  };

  // A signature that cannot be one is refused before the body is read: unsigned posts then cost
  // the relay no memory, however large their bodies. Checked again over the bytes below.
  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!couldBeStackOneSignature(signatureOf(request))) return refuseSignature(reply);
  };
  app.post(webhookPath, { onRequest }, async (request, reply) => {
    const rawBody = request.body as Buffer;
    const signature = signatureOf(request);
    if (!isValidStackOneSignature(rawBody, signature, options.webhookSecrets))
      return refuseSignature(reply);
    // Bytes that are not UTF-8 could not travel to apps unchanged (the stream carries the body as
    // JSON text), so their signature would fail there: refuse them here instead.
    let body: string;
    let parsedJson: unknown;
    try {
      body = strictUtf8.decode(rawBody);
      parsedJson = JSON.parse(body);
    } catch {
      metrics.rejected('bad_json');
      summedLog.warn({ reason: 'bad_json' }, 'webhook rejected');
      return reply.code(400).send({ error: 'body is not UTF-8 JSON' });
    }
    const parsed = stackOneWebhookSchema.safeParse(parsedJson);
    if (!parsed.success) {
      metrics.rejected('bad_envelope');
      summedLog.warn({ reason: 'bad_envelope' }, 'webhook rejected');
      return reply.code(400).send({ error: 'body is not a StackOne webhook envelope' });
    }
    const storeStarted = performance.now();
    let stored: AppendResult;
    try {
      stored = await eventLog.append({
        body,
        signature,
        receivedAt: new Date().toISOString(),
        event: parsed.data.event,
        originOwnerId: parsed.data.origin_owner_id ?? null,
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      if (code === eventLogNotOwnedCode) {
        // Not the disk: another relay may be writing this log now (the command line stops).
        metrics.rejected('lock_lost');
        summedLog.error(
          { code },
          "webhook refused (answered 503): the data directory's lock is no longer this relay's; " +
            'see docs/relay.md, What it guarantees',
        );
      } else {
        metrics.storeFailed();
        // Its code (ENOSPC, EIO, ...) alone: what the disk did, and nothing of the webhook.
        summedLog.error(
          { code },
          'webhook could not be stored (answered 503): see docs/relay.md, Disk',
        );
      }
      return reply
        .code(503)
        .send({ error: 'the relay could not store the webhook; send it again later' });
    }
    metrics.storeTook((performance.now() - storeStarted) / 1000);
    if (stored.duplicate) {
      metrics.duplicate();
    } else {
      metrics.stored();
      logger.debug({ seq: stored.seq, event: parsed.data.event }, 'webhook stored');
    }
    return reply.code(200).send({ received: true, seq: stored.seq });
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string }, _request, reply) => {
    // The sender closed its connection before the whole body arrived (Node says ECONNRESET of a
    // reset and of a plain close alike): nothing the relay refused, and no one left to answer.
    if (error.code === 'ECONNRESET') {
      metrics.rejected('aborted');
      summedLog.warn({ reason: 'aborted' }, 'webhook cut short by its sender');
      return reply.code(400).send({ error: 'request aborted' });
    }
    const status = error.statusCode ?? 500;
    const code = error.code ?? 'unknown';
    if (status >= 500) summedLog.error({ code }, 'relay request failed');
    else summedLog.warn({ reason: code }, 'webhook rejected');
    metrics.rejected(status === 413 ? 'too_large' : status === 415 ? 'bad_content_type' : 'other');
    const message =
      status === 413
        ? 'body too large'
        : status === 415
          ? 'content type must be application/json'
          : 'request failed';
    return reply.code(status).send({ error: message });
  });

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    ignoreErrorsBeforeHandshake(socket);
    const path = (request.url ?? '').split('?')[0];
    if (path !== streamPath) {
      metrics.refused('bad_path');
      return refuseUpgrade(socket, 404, 'Not Found');
    }
    if (shuttingDown) {
      metrics.refused('unavailable');
      return refuseUpgrade(socket, 503, 'Service Unavailable');
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined || !isKnownToken(token, options.clientTokens)) {
      metrics.refused('bad_token');
      summedLog.warn({ reason: 'bad_token' }, 'stream connection refused');
      return refuseUpgrade(socket, 401, 'Unauthorized');
    }
    if (!streams.accept(request, socket, head)) {
      metrics.refused('unavailable');
      return refuseUpgrade(socket, 503, 'Service Unavailable');
    }
  });

  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    await streams.close(0);
    throw error;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no TCP address');
  const host = options.host ?? '127.0.0.1';
  logger.info({ port: address.port, version: releaseVersion }, 'relay listening');

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    /**
     * Graceful shutdown: stop taking webhooks and connections, let in-flight webhooks finish
     * storing, let each client's queued events reach its socket, then close.
     */
    close(drainTimeoutMs = 5_000) {
      // A second signal during the drain (SIGTERM, then Ctrl-C) waits for the same shutdown.
      closing ??= (async () => {
        shuttingDown = true;
        const httpClosed = app.close();
        await streams.close(drainTimeoutMs);
        await httpClosed;
        // Nothing logs through it from here on; what it holds summed is logged even if the close fails.
        summedLog.close();
        await eventLog.close();
        logger.info('relay stopped');
      })();
      return closing;
    },
  };
}

/** How long /healthz and /metrics wait for the stream process's answer. */
const statusTimeoutMs = 2_000;

/** Streams served in this process. */
function inProcessStreams(hub: StreamHub): Streams {
  return {
    accept(request, socket, head) {
      hub.accept(request, socket, head);
      return true;
    },
    status: () => Promise.resolve(hub.figures()),
    running: () => true,
    close: (drainTimeoutMs) => hub.close(drainTimeoutMs),
  };
}
