import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { connectorCategories } from '../shared/domain';
import { findConnector, findConnectorByProvider, isSecretField } from './catalogue';
import { sendStackOneError } from './error-body';
import type { FaultInjector } from './faults';
import {
  organizationId,
  projectId,
  type ConnectSession,
  type SimulatedAccount,
  type SimulatorState,
} from './simulator-state';
import type { WebhookSender } from './webhook-sender';

// StackOne also accepts `scheduling`, which the SDK (and so the app) cannot send.
const sessionCategories = [...connectorCategories, 'scheduling'] as const;

const connectSessionRequestSchema = z.object({
  origin_owner_id: z.string().min(1),
  origin_owner_name: z.string().min(1),
  origin_username: z.string().nullish(),
  provider: z.string().min(1).nullish(),
  categories: z.array(z.enum(sessionCategories)).nullish(),
  account_id: z.string().nullish(),
  multiple: z.boolean().nullish(),
  expires_in: z
    .number()
    .int()
    .positive()
    .max(30 * 24 * 3600)
    .nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  label: z.string().nullish(),
  type: z.enum(['production', 'test']).nullish(),
  connector_profile_id: z.string().nullish(),
  integration_id: z.string().nullish(),
  provider_version: z.string().nullish(),
});

const patchAccountSchema = z.object({
  label: z.string().nullish(),
  origin_owner_id: z.string().min(1).nullish(),
  origin_owner_name: z.string().min(1).nullish(),
  origin_username: z.string().nullish(),
  credentials: z.record(z.string(), z.unknown()).nullish(),
  secrets: z.record(z.string(), z.unknown()).nullish(),
  setup_information: z.record(z.string(), z.unknown()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  type: z.enum(['production', 'test']).nullish(),
  provider: z.string().nullish(),
  environment: z.string().nullish(),
  authentication_config_key: z.string().nullish(),
});

export function accountJson(account: SimulatedAccount) {
  const connector = findConnector(account.integrationId);
  const setupInformation = Object.fromEntries(
    Object.entries(account.credentials).filter(
      ([key]) => connector !== undefined && !isSecretField(connector, key),
    ),
  );
  return {
    id: account.id,
    provider: account.provider,
    provider_name: account.providerName,
    origin_owner_id: account.originOwnerId,
    origin_owner_name: account.originOwnerName,
    origin_username: account.originUsername,
    label: account.label,
    status: account.status,
    status_reasons: account.statusReasons,
    type: account.type,
    setup_information: setupInformation,
    created_at: account.createdAt.toISOString(),
    updated_at: account.updatedAt.toISOString(),
  };
}

function sessionJson(session: ConnectSession) {
  return {
    id: session.id,
    organization_id: organizationId,
    project_id: projectId,
    origin_owner_id: session.originOwnerId,
    origin_owner_name: session.originOwnerName,
    origin_username: session.originUsername,
    provider: session.provider,
    categories: session.categories,
    account_id: session.accountId,
    label: session.label,
    metadata: session.metadata,
    type: session.type,
    external_trigger_token: null,
    integration_id: null,
    created_at: session.createdAt.toISOString(),
  };
}

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body';
};

/** StackOne's public REST API, behind HTTP Basic auth with the API key as user name. */
export function registerPublicApi(
  app: FastifyInstance,
  deps: {
    state: SimulatorState;
    webhooks: WebhookSender;
    faults: FaultInjector;
    apiKey: string;
    baseUrl: () => string;
    now: () => Date;
  },
): void {
  const { state, webhooks, faults } = deps;
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!hasApiKey(request.headers.authorization, deps.apiKey)) {
      return sendStackOneError(reply, 401, 'Unauthorized: missing or invalid API key');
    }
    return faults.publicApi(request, reply);
  };
  const accountOr404 = (id: string, reply: FastifyReply) => {
    const account = state.accounts.get(id);
    if (!account) sendStackOneError(reply, 404, `Account ${id} not found`);
    return account;
  };

  app.post('/connect_sessions', { preHandler: guard }, async (request, reply) => {
    const parsed = connectSessionRequestSchema.safeParse(request.body);
    if (!parsed.success)
      return sendStackOneError(reply, 400, `Invalid request: ${firstIssue(parsed.error)}`);
    const body = parsed.data;
    if (body.provider != null && !findConnectorByProvider(body.provider)) {
      return sendStackOneError(
        reply,
        422,
        `Provider ${body.provider} is not enabled for this project`,
      );
    }
    if (body.account_id != null) {
      const account = state.accounts.get(body.account_id);
      if (!account) return sendStackOneError(reply, 404, `Account ${body.account_id} not found`);
      if (account.originOwnerId !== body.origin_owner_id) {
        return sendStackOneError(
          reply,
          409,
          `Account ${body.account_id} belongs to another origin owner`,
        );
      }
      if (account.status === 'suspended' || account.status === 'archived') {
        return sendStackOneError(reply, 412, `Account ${body.account_id} is ${account.status}`);
      }
    }
    const session = state.createSession(
      {
        originOwnerId: body.origin_owner_id,
        originOwnerName: body.origin_owner_name,
        originUsername: body.origin_username ?? null,
        provider: body.provider ?? null,
        categories: body.categories ?? null,
        accountId: body.account_id ?? null,
        multiple: body.multiple ?? false,
        label: body.label ?? null,
        metadata: body.metadata ?? null,
        type: body.type ?? 'production',
      },
      body.expires_in ?? 1800,
    );
    return reply.code(201).send({
      ...sessionJson(session),
      token: session.token,
      auth_link_url: `${deps.baseUrl()}/embedded/integrations?token=${encodeURIComponent(session.token)}`,
    });
  });

  app.post('/connect_sessions/authenticate', { preHandler: guard }, async (request, reply) => {
    const parsed = z.object({ token: z.string().min(1) }).safeParse(request.body);
    if (!parsed.success)
      return sendStackOneError(reply, 400, `Invalid request: ${firstIssue(parsed.error)}`);
    const session = state.liveSession(parsed.data.token);
    if (!session)
      return sendStackOneError(reply, 400, 'The connect session token is invalid or has expired');
    const attempt = state.latestAttemptFor(session.token);
    return reply.code(201).send({
      ...sessionJson(session),
      latest_connection_attempt:
        attempt === null
          ? null
          : {
              id: attempt.id,
              status: attempt.status,
              account_secure_id: attempt.accountId,
              created_at: attempt.createdAt.toISOString(),
            },
    });
  });

  app.get('/accounts', { preHandler: guard }, async (request, reply) => {
    const query = new URLSearchParams((request.raw.url ?? '').split('?')[1] ?? '');
    const owners = [...query.getAll('origin_owner_id'), ...query.getAll('origin_owner_ids')];
    const providers = [...query.getAll('providers'), ...query.getAll('provider')];
    const ids = query.getAll('account_ids');
    const statuses = query.getAll('status');
    const pageSize = Number(query.get('page_size') ?? 25);
    const page = Number(query.get('page') ?? 1);
    if (
      !Number.isInteger(pageSize) ||
      pageSize < 1 ||
      pageSize > 1000 ||
      !Number.isInteger(page) ||
      page < 1
    ) {
      return sendStackOneError(reply, 400, 'page must be >= 1 and page_size between 1 and 1000');
    }
    const matching = [...state.accounts.values()].filter(
      (a) =>
        (owners.length === 0 || owners.includes(a.originOwnerId)) &&
        (providers.length === 0 || providers.includes(a.provider)) &&
        (ids.length === 0 || ids.includes(a.id)) &&
        (statuses.length === 0 || statuses.includes(a.status)),
    );
    return matching.slice((page - 1) * pageSize, page * pageSize).map(accountJson);
  });

  app.get<{ Params: { id: string } }>(
    '/accounts/:id',
    { preHandler: guard },
    async (request, reply) => {
      const account = accountOr404(request.params.id, reply);
      return account ? accountJson(account) : reply;
    },
  );

  app.patch<{ Params: { id: string } }>(
    '/accounts/:id',
    { preHandler: guard },
    async (request, reply) => {
      const account = accountOr404(request.params.id, reply);
      if (!account) return reply;
      const parsed = patchAccountSchema.safeParse(request.body ?? {});
      if (!parsed.success)
        return sendStackOneError(reply, 400, `Invalid request: ${firstIssue(parsed.error)}`);
      const body = parsed.data;
      if (body.provider != null && body.provider !== account.provider) {
        return sendStackOneError(reply, 422, 'The provider of an account cannot be changed');
      }
      if (body.label !== undefined) account.label = body.label;
      if (body.origin_owner_id != null) account.originOwnerId = body.origin_owner_id;
      if (body.origin_owner_name != null) account.originOwnerName = body.origin_owner_name;
      if (body.origin_username !== undefined) account.originUsername = body.origin_username;
      if (body.type != null) account.type = body.type;
      const credentialUpdate = { ...body.setup_information, ...body.credentials, ...body.secrets };
      if (Object.keys(credentialUpdate).length > 0) {
        account.credentials = {
          ...account.credentials,
          ...Object.fromEntries(Object.entries(credentialUpdate).map(([k, v]) => [k, String(v)])),
        };
      }
      account.updatedAt = deps.now();
      webhooks.send('account.updated', account);
      return accountJson(account);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/accounts/:id',
    { preHandler: guard },
    async (request, reply) => {
      const account = state.deleteAccount(request.params.id);
      if (!account) return sendStackOneError(reply, 404, `Account ${request.params.id} not found`);
      webhooks.send('account.deleted', account);
      return accountJson(account);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/accounts/:id/meta',
    { preHandler: guard },
    async (request, reply) => {
      const account = accountOr404(request.params.id, reply);
      if (!account) return reply;
      if (account.status === 'suspended' || account.status === 'expired') {
        return sendStackOneError(reply, 412, `Account ${account.id} is ${account.status}`);
      }
      const connector = findConnector(account.integrationId);
      return {
        provider: account.provider,
        category: connector?.category ?? 'hris',
        models: Object.fromEntries(
          (connector?.models ?? []).map((model) => [
            model,
            { get: { supported: true }, list: { supported: true } },
          ]),
        ),
      };
    },
  );
}

export function hasApiKey(authorization: string | undefined, apiKey: string): boolean {
  const encoded = /^Basic (.+)$/i.exec(authorization ?? '')?.[1];
  if (encoded === undefined) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const presented = Buffer.from(
    decoded.endsWith(':') ? decoded.slice(0, -1) : (decoded.split(':')[0] ?? ''),
    'utf8',
  );
  const expected = Buffer.from(apiKey, 'utf8');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
