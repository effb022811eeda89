import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sendStackOneError } from './error-body';
import {
  organizationId,
  projectId,
  type ConnectSession,
  type SimulatedAccount,
  type SimulatorState,
} from './simulator-state';
import type { WebhookSender } from './webhook-sender';

const connectSessionRequestSchema = z.object({
  origin_owner_id: z.string().min(1),
  origin_owner_name: z.string().min(1),
  origin_username: z.string().nullish(),
  provider: z.string().min(1).nullish(),
  categories: z.array(z.string()).nullish(),
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
});

export function accountJson(account: SimulatedAccount) {
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
    created_at: session.createdAt.toISOString(),
  };
}

/** StackOne's public REST API, behind HTTP Basic auth with the API key as user name. */
export function registerPublicApi(
  app: FastifyInstance,
  deps: { state: SimulatorState; webhooks: WebhookSender; apiKey: string; baseUrl: () => string },
): void {
  const { state, webhooks } = deps;
  const requireApiKey = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!hasApiKey(request.headers.authorization, deps.apiKey)) {
      return sendStackOneError(reply, 401, 'Unauthorized: missing or invalid API key');
    }
  };

  app.post('/connect_sessions', { preHandler: requireApiKey }, async (request, reply) => {
    const parsed = connectSessionRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      return sendStackOneError(
        reply,
        400,
        `Invalid request: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      );
    }
    const body = parsed.data;
    if (body.account_id != null && !state.accounts.has(body.account_id)) {
      return sendStackOneError(reply, 404, `Account ${body.account_id} not found`);
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

  app.get('/accounts', { preHandler: requireApiKey }, async (request) => {
    const query = new URLSearchParams((request.raw.url ?? '').split('?')[1] ?? '');
    const owners = [...query.getAll('origin_owner_id'), ...query.getAll('origin_owner_ids')];
    const providers = [...query.getAll('providers'), ...query.getAll('provider')];
    const ids = query.getAll('account_ids');
    const statuses = query.getAll('status');
    const pageSize = Math.min(Math.max(Number(query.get('page_size') ?? 25) || 25, 1), 100);
    const page = Math.max(Number(query.get('page') ?? 1) || 1, 1);
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
    { preHandler: requireApiKey },
    async (request, reply) => {
      const account = state.accounts.get(request.params.id);
      if (!account) return sendStackOneError(reply, 404, `Account ${request.params.id} not found`);
      return accountJson(account);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/accounts/:id',
    { preHandler: requireApiKey },
    async (request, reply) => {
      const account = state.accounts.get(request.params.id);
      if (!account) return sendStackOneError(reply, 404, `Account ${request.params.id} not found`);
      state.accounts.delete(account.id);
      webhooks.send('account.deleted', account);
      return accountJson(account);
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
