import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  authenticationConfigKey,
  catalogue,
  findConnector,
  isSecretField,
  usesOAuthPopup,
  type Connector,
} from './catalogue';
import { sendStackOneError } from './error-body';
import type { ConnectSession, SimulatedAccount, SimulatorState } from './simulator-state';
import type { WebhookSender } from './webhook-sender';

export const hubCorsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
  'access-control-allow-headers': 'content-type, x-hub-session-token, x-hub-version',
  'access-control-max-age': '600',
};

const redactedPrefix = '__secretvalue:**redacted**';

const accountBodySchema = z.object({
  integration_id: z.string().min(1),
  credentials: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .default({}),
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
  ) {
    return false;
  }
  return true;
}

/** The connector's config in the shape it is catalogued with (both are ones the Hub reads). */
export function connectorConfig(connector: Connector, baseUrl: string) {
  const logo = `${baseUrl}/logos/${connector.provider}.svg`;
  if (connector.configShape === 'authentication') {
    return {
      key: connector.provider,
      name: connector.name,
      assets: { icon: logo },
      authentication: {
        [authenticationConfigKey(connector)]: {
          production: {
            type: connector.authType,
            fields: connector.fields,
            guide: { description: `Find these details in your ${connector.name} admin settings.` },
          },
        },
      },
    };
  }
  return {
    key: connector.provider,
    name: connector.name,
    type: connector.authType,
    ...(connector.grantType !== undefined && { grantType: connector.grantType }),
    assets: { icon: logo },
    support: { link: `${baseUrl}/support/${connector.provider}` },
    configFields: connector.fields,
    configNotices: connector.notices,
  };
}

/** The Hub's edit-mode view of an account: secrets come back redacted, ending with their last 4 characters. */
function editableAccount(account: SimulatedAccount, connector: Connector) {
  const setupInformation: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(account.credentials)) {
    if (isSecretField(connector, key)) secrets[key] = `${redactedPrefix}${value.slice(-4)}`;
    else setupInformation[key] = value;
  }
  return {
    secureId: account.id,
    provider: account.provider,
    integrationId: account.integrationId,
    version: '1.0.0',
    setupInformation,
    secrets,
  };
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
  const connectorFor = (request: FastifyRequest, integrationId: string) => {
    const connector = findConnector(integrationId);
    return connector && sessionAllowsConnector(sessionOf(request), connector)
      ? connector
      : undefined;
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
          authentication_config_key: authenticationConfigKey(c),
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
      const connector = connectorFor(request, request.params.integrationId);
      if (!connector) return sendStackOneError(reply, 404, 'Integration not found');
      return { config: connectorConfig(connector, deps.baseUrl()), hub_settings: {} };
    },
  );

  app.post('/hub/accounts', { preHandler: requireSession }, async (request, reply) => {
    const parsed = accountBodySchema.safeParse(request.body);
    if (!parsed.success) return sendStackOneError(reply, 400, 'Invalid request body');
    const connector = connectorFor(request, parsed.data.integration_id);
    if (!connector) return sendStackOneError(reply, 404, 'Integration not found');
    if (usesOAuthPopup(connector)) {
      return sendStackOneError(
        reply,
        400,
        `${connector.name} is linked through its sign-in window, not a form.`,
      );
    }
    const providerError = connector.checkCredentials(parsed.data.credentials);
    if (providerError !== null) {
      return sendStackOneError(reply, 400, `${connector.name} rejected the credentials`, {
        provider_response: providerError,
      });
    }
    const { account, created } = state.upsertAccount(
      sessionOf(request),
      connector,
      parsed.data.credentials,
    );
    webhooks.send(created ? 'account.created' : 'account.updated', account);
    return { id: account.id, provider: account.provider };
  });

  const editableFor = (request: FastifyRequest, accountId: string) => {
    const session = sessionOf(request);
    const account = state.accounts.get(accountId);
    // A session may only read or change the account it was created for.
    if (!account || session.accountId !== accountId) return undefined;
    const connector = findConnector(account.integrationId);
    return connector ? { account, connector } : undefined;
  };

  app.get<{ Params: { id: string } }>(
    '/hub/accounts/:id',
    { preHandler: requireSession },
    async (request, reply) => {
      const found = editableFor(request, request.params.id);
      if (!found) return sendStackOneError(reply, 404, 'Account not found');
      return editableAccount(found.account, found.connector);
    },
  );

  app.patch<{ Params: { id: string } }>(
    '/hub/accounts/:id',
    { preHandler: requireSession },
    async (request, reply) => {
      const found = editableFor(request, request.params.id);
      const parsed = accountBodySchema.safeParse(request.body);
      if (!found) return sendStackOneError(reply, 404, 'Account not found');
      if (!parsed.success) return sendStackOneError(reply, 400, 'Invalid request body');
      const { account, connector } = found;
      // Fields left out (the Hub drops untouched secrets) or still redacted keep their stored value.
      const merged = { ...account.credentials };
      for (const [key, value] of Object.entries(parsed.data.credentials)) {
        if (!value.startsWith(redactedPrefix)) merged[key] = value;
      }
      const providerError = connector.checkCredentials(merged);
      if (providerError !== null) {
        return sendStackOneError(reply, 400, `${connector.name} rejected the credentials`, {
          provider_response: providerError,
        });
      }
      state.updateCredentials(account, merged);
      webhooks.send('account.updated', account);
      return { id: account.id, provider: account.provider };
    },
  );

  app.post('/hub/connection_attempts', { preHandler: requireSession }, async (request) => {
    const attempt = state.createAttempt(sessionOf(request).token);
    return { id: attempt.id };
  });

  const attemptFor = (request: FastifyRequest, attemptId: string) => {
    const attempt = state.attempt(attemptId);
    return attempt && attempt.sessionToken === sessionOf(request).token ? attempt : undefined;
  };

  app.get<{ Params: { id: string } }>(
    '/hub/connection_attempts/:id',
    { preHandler: requireSession },
    async (request, reply) => {
      const attempt = attemptFor(request, request.params.id);
      if (!attempt) return sendStackOneError(reply, 404, 'Connection attempt not found');
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
      const attempt = attemptFor(request, request.params.id);
      if (!attempt) return sendStackOneError(reply, 404, 'Connection attempt not found');
      if (attempt.status === 'pending') attempt.status = 'cancelled';
      return { id: attempt.id, status: attempt.status };
    },
  );
}
