import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { accountEventNames } from '../shared/webhook-event';
import { sendStackOneError } from './error-body';
import type { FaultInjector } from './faults';
import { hasApiKey } from './public-api';
import type { SimulatorState } from './simulator-state';
import type { WebhookSender } from './webhook-sender';

const statusChangeSchema = z.object({
  status: z.string().min(1),
  status_reasons: z
    .array(z.object({ code: z.string().optional(), description: z.string().optional() }))
    .default([]),
});

const resendSchema = z.object({
  account_id: z.string().min(1),
  event: z.enum(accountEventNames).optional(),
});

const faultsSchema = z.strictObject({
  latency_ms: z.number().int().min(0).max(60_000).optional(),
  failure_rate: z.number().min(0).max(1).optional(),
  rate_limit_per_minute: z.number().int().positive().nullable().optional(),
});

/**
 * Levers for demos and tests, under `/_simulator/`, behind the same API key as the public API.
 * Documented in docs/simulator.md.
 */
export function registerControlApi(
  app: FastifyInstance,
  deps: {
    state: SimulatorState;
    webhooks: WebhookSender;
    faults: FaultInjector;
    apiKey: string;
    now: () => Date;
  },
): void {
  const { state, webhooks, faults } = deps;
  app.register(async (control) => {
    control.addHook('preHandler', async (request, reply) => {
      if (!hasApiKey(request.headers.authorization, deps.apiKey)) {
        return sendStackOneError(reply, 401, 'Unauthorized: missing or invalid API key');
      }
    });

    control.post('/_simulator/webhooks/pause', async () => {
      webhooks.pause();
      return { paused: true };
    });
    control.post('/_simulator/webhooks/resume', async () => {
      webhooks.resume();
      return { paused: false };
    });
    control.get('/_simulator/webhooks/deliveries', async () => webhooks.deliveries());
    control.post('/_simulator/webhooks/resend', async (request, reply) => {
      const parsed = resendSchema.safeParse(request.body);
      if (!parsed.success) return sendStackOneError(reply, 400, 'Expected {account_id, event?}');
      const live = state.accounts.get(parsed.data.account_id);
      const account = live ?? state.deletedAccounts.get(parsed.data.account_id);
      if (!account)
        return sendStackOneError(reply, 404, `Account ${parsed.data.account_id} not found`);
      const event = parsed.data.event ?? (live ? 'account.updated' : 'account.deleted');
      webhooks.send(event, account);
      return { account_id: account.id, event };
    });

    control.post<{ Params: { id: string } }>(
      '/_simulator/accounts/:id/status',
      async (request, reply) => {
        const account = state.accounts.get(request.params.id);
        if (!account)
          return sendStackOneError(reply, 404, `Account ${request.params.id} not found`);
        const parsed = statusChangeSchema.safeParse(request.body);
        if (!parsed.success)
          return sendStackOneError(reply, 400, 'Expected {status, status_reasons?}');
        const timestamp = deps.now().toISOString();
        account.status = parsed.data.status;
        account.statusReasons = parsed.data.status_reasons.map((r) => ({ ...r, timestamp }));
        account.updatedAt = deps.now();
        webhooks.send('account.updated', account);
        return { id: account.id, status: account.status };
      },
    );
    control.post<{ Params: { id: string } }>(
      '/_simulator/accounts/:id/delete',
      async (request, reply) => {
        const account = state.deleteAccount(request.params.id);
        if (!account)
          return sendStackOneError(reply, 404, `Account ${request.params.id} not found`);
        webhooks.send('account.deleted', account);
        return { id: account.id, deleted: true };
      },
    );

    control.post('/_simulator/connection_attempts/expire', async () => {
      let expired = 0;
      for (const attempt of state.attempts.values()) {
        if (attempt.status === 'pending') {
          attempt.status = 'expired';
          expired += 1;
        }
      }
      return { expired };
    });
    control.post('/_simulator/sessions/expire', async () => {
      const now = deps.now();
      for (const session of state.sessions.values()) session.expiresAt = now;
      return { expired: state.sessions.size };
    });

    control.get('/_simulator/faults', async () => faults.settings);
    control.post('/_simulator/faults', async (request, reply) => {
      const parsed = faultsSchema.safeParse(request.body);
      if (!parsed.success) {
        return sendStackOneError(
          reply,
          400,
          'Expected {latency_ms?, failure_rate? (0-1), rate_limit_per_minute? (number or null)}',
        );
      }
      const body = parsed.data;
      return faults.update({
        ...(body.latency_ms !== undefined && { latencyMs: body.latency_ms }),
        ...(body.failure_rate !== undefined && { failureRate: body.failure_rate }),
        ...(body.rate_limit_per_minute !== undefined && {
          rateLimitPerMinute: body.rate_limit_per_minute,
        }),
      });
    });
  });
}
