import Fastify from 'fastify';
import type { Logger } from 'pino';
import { accountSnapshotFile } from './account-snapshot';
import { registerAuthLinkPage } from './auth-link-page';
import { catalogue } from './catalogue';
import { registerControlApi } from './control-api';
import { createFaultInjector, type FaultInjector, type FaultSettings } from './faults';
import { registerHubApi } from './hub-api';
import { connectorLogoSvg } from './logos';
import { registerOAuthPages } from './oauth-pages';
import { registerPublicApi } from './public-api';
import { SimulatorState } from './simulator-state';
import { createWebhookSender, type WebhookSender, type WebhookTarget } from './webhook-sender';

export interface SimulatorOptions {
  apiKey: string;
  host?: string;
  port?: number;
  webhookTargets?: readonly WebhookTarget[];
  seed?: number;
  logger: Logger;
  now?: () => Date;
  webhookRetryBaseMs?: number;
  /** Initial fault settings; StackOne's own limit of 1000 requests a minute by default. */
  faults?: Partial<FaultSettings>;
  /** How long an OAuth connection attempt stays pending (default 5 minutes). */
  connectionAttemptLifetimeMs?: number;
  /** Keeps the linked accounts in this file across restarts (without their credentials). */
  accountsFile?: string;
}

export interface RunningSimulator {
  url: string;
  port: number;
  state: SimulatorState;
  webhooks: WebhookSender;
  faults: FaultInjector;
  /** Set when the accounts file could not be used and was moved aside. */
  warning: string | null;
  close(): Promise<void>;
}

/** A StackOne stand-in: public REST API, Hub API, OAuth consent page and signed webhooks. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const state = new SimulatorState(options.seed ?? 1, now, options.connectionAttemptLifetimeMs);
  const faults = createFaultInjector({
    settings: { latencyMs: 0, failureRate: 0, rateLimitPerMinute: 1000, ...options.faults },
    random: state.random,
    now,
  });
  const snapshot =
    options.accountsFile !== undefined
      ? accountSnapshotFile(options.accountsFile, now, (error) =>
          options.logger.error({ err: error }, 'simulator accounts not saved'),
        )
      : null;
  const warning = snapshot?.restore(state) ?? null;
  if (warning !== null) options.logger.warn(warning);
  const sender = createWebhookSender({
    targets: options.webhookTargets ?? [],
    logger: options.logger,
    now,
    ...(options.webhookRetryBaseMs !== undefined && { retryBaseMs: options.webhookRetryBaseMs }),
  });
  // Every change to an account sends a webhook about it (as StackOne does), so that is when the
  // accounts are saved.
  const webhooks: WebhookSender = snapshot
    ? {
        ...sender,
        send(event, account) {
          sender.send(event, account);
          snapshot.saveSoon(state);
        },
      }
    : sender;
  let baseUrl = '';

  // A stand-in being shut down drops its clients (browsers hold connections open) instead of waiting.
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024, forceCloseConnections: true });
  app.removeContentTypeParser('application/json');
  // The Hub sends `content-type: application/json` even on bodiless DELETEs.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('Body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  // The OAuth consent page posts a plain HTML form.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.get<{ Params: { file: string } }>('/logos/:file', async (request, reply) => {
    const connector = catalogue.find((c) => `${c.provider}.svg` === request.params.file);
    if (!connector)
      return reply
        .code(404)
        .send({ statusCode: 404, message: 'Not found', timestamp: now().toISOString() });
    return reply
      .type('image/svg+xml')
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'public, max-age=86400')
      .send(connectorLogoSvg(connector));
  });

  app.addHook('preHandler', async (request) => {
    if (request.url.startsWith('/hub/') && request.method !== 'OPTIONS') await faults.hubApi();
  });

  const deps = { state, webhooks, faults, apiKey: options.apiKey, baseUrl: () => baseUrl, now };
  registerPublicApi(app, deps);
  registerHubApi(app, deps);
  registerOAuthPages(app, deps);
  registerAuthLinkPage(app, deps);
  registerControlApi(app, deps);

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      statusCode: 404,
      message: `Cannot ${request.method} ${request.url.split('?')[0]}`,
      timestamp: now().toISOString(),
    }),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const statusCode = error.statusCode ?? 500;
    if (statusCode >= 500) options.logger.error({ err: error }, 'simulator request failed');
    return reply.code(statusCode).send({
      statusCode,
      message: statusCode >= 500 ? 'Internal server error' : error.message,
      timestamp: now().toISOString(),
    });
  });

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string')
    throw new Error('simulator has no TCP address');
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    port: address.port,
    state,
    webhooks,
    faults,
    warning,
    async close() {
      webhooks.close();
      await app.close();
      snapshot?.flush();
    },
  };
}
