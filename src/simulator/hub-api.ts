import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { catalogue, findConnector, type Connector } from './catalogue';
import { sendStackOneError } from './error-body';
import type { ConnectSession, SimulatorState } from './simulator-state';
import type { WebhookSender } from './webhook-sender';

export const hubCorsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
  'access-control-allow-headers': 'content-type, x-hub-session-token, x-hub-version',
  'access-control-max-age': '600',
};

const createAccountSchema = z.object({
  integration_id: z.string().min(1),
  credentials: z.record(z.string(), z.string()).default({}),
});

declare module 'fastify' {
  interface FastifyRequest {
    hubSession?: ConnectSession;
  }
}

export function sessionAllowsConnector(session: ConnectSession, connector: Connector): boolean {
  if (session.provider !== null && session.provider !== connector.provider) return false;
  if (
    session.categories !== null &&
    session.categories.length > 0 &&
    !session.categories.includes(connector.category)
  )
    return false;
  return true;
}

/** The server side of the `@stackone/hub` component (STACKONE.md §3). */
export function registerHubApi(
  app: FastifyInstance,
  deps: { state: SimulatorState; webhooks: WebhookSender; baseUrl: () => string },
): void {
  const { state, webhooks } = deps;

  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/hub/')) reply.headers(hubCorsHeaders);
  });
  app.options('/hub/*', async (_request, reply) => reply.code(204).send());

  const requireSession = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['x-hub-session-token'];
    const session = state.liveSession(Array.isArray(header) ? header[0] : header);
    if (!session)
      return sendStackOneError(reply, 401, 'The connect session token is invalid or has expired.');
    request.hubSession = session;
  };
  const sessionOf = (request: FastifyRequest): ConnectSession => {
    if (!request.hubSession) throw new Error('hub route without requireSession');
    return request.hubSession;
  };

  app.get('/hub/settings', { preHandler: requireSession }, async (request) => {
    const session = sessionOf(request);
    return {
      enabled_features: [],
      ...(session.accountId !== null && { existing_account_id: session.accountId }),
    };
  });

  app.get<{ Querystring: { provider?: string } }>(
    '/hub/connectors',
    { preHandler: requireSession },
    async (request) => {
      const session = sessionOf(request);
      const integrations = catalogue
        .filter((c) => sessionAllowsConnector(session, c))
        .filter(
          (c) => request.query.provider === undefined || c.provider === request.query.provider,
        )
        .map((c) => ({
          active: true,
          name: c.name,
          provider: c.provider,
          type: c.category,
          version: '1.0.0',
          authentication_config_key: c.authentication,
          environment: 'production',
          integration_id: c.integrationId,
          logo_url: `${deps.baseUrl()}/logos/${c.provider}.svg`,
        }));
      return { integrations };
    },
  );

  app.get<{ Params: { integrationId: string } }>(
    '/hub/connectors/:integrationId',
    { preHandler: requireSession },
    async (request, reply) => {
      const connector = findConnector(request.params.integrationId);
      if (!connector || !sessionAllowsConnector(sessionOf(request), connector)) {
        return sendStackOneError(reply, 404, 'Integration not found');
      }
      return {
        config: {
          key: connector.provider,
          name: connector.name,
          type: connector.authentication === 'oauth2' ? 'oauth2' : 'custom',
          assets: { icon: `${deps.baseUrl()}/logos/${connector.provider}.svg` },
          support: { link: `${deps.baseUrl()}/support/${connector.provider}` },
          configFields: connector.fields,
          configNotices: [],
        },
        hub_settings: {},
      };
    },
  );

  app.post('/hub/accounts', { preHandler: requireSession }, async (request, reply) => {
    const parsed = createAccountSchema.safeParse(request.body);
    if (!parsed.success) return sendStackOneError(reply, 400, 'Invalid request body');
    const session = sessionOf(request);
    const connector = findConnector(parsed.data.integration_id);
    if (!connector || !sessionAllowsConnector(session, connector)) {
      return sendStackOneError(reply, 404, 'Integration not found');
    }
    const providerError = connector.checkCredentials(parsed.data.credentials);
    if (providerError !== null) {
      return sendStackOneError(reply, 400, `${connector.name} rejected the credentials`, {
        provider_response: providerError,
      });
    }
    const { account, created } = state.upsertAccount(session, connector, parsed.data.credentials);
    webhooks.send(created ? 'account.created' : 'account.updated', account);
    return { id: account.id, provider: account.provider };
  });

  app.post('/hub/connection_attempts', { preHandler: requireSession }, async (request) => {
    const attempt = state.createAttempt(sessionOf(request).token);
    return { id: attempt.id };
  });

  app.get<{ Params: { id: string } }>(
    '/hub/connection_attempts/:id',
    { preHandler: requireSession },
    async (request, reply) => {
      const attempt = state.attempts.get(request.params.id);
      if (!attempt || attempt.sessionToken !== sessionOf(request).token) {
        return sendStackOneError(reply, 404, 'Connection attempt not found');
      }
      return {
        status: attempt.status,
        account: attempt.accountId !== null ? { id: attempt.accountId } : null,
        error: attempt.error,
      };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/hub/connection_attempts/:id',
    { preHandler: requireSession },
    async (request, reply) => {
      const attempt = state.attempts.get(request.params.id);
      if (!attempt || attempt.sessionToken !== sessionOf(request).token) {
        return sendStackOneError(reply, 404, 'Connection attempt not found');
      }
      if (attempt.status === 'pending') attempt.status = 'cancelled';
      return { id: attempt.id, status: attempt.status };
    },
  );
}
