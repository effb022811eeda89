import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sendStackOneError } from './error-body';
import { hasApiKey } from './public-api';
import type { SimulatorState } from './simulator-state';
import type { WebhookSender } from './webhook-sender';

const statusChangeSchema = z.object({
  status: z.string().min(1),
  status_reasons: z
    .array(z.object({ code: z.string().optional(), description: z.string().optional() }))
    .default([]),
});

/**
 * Levers for demos and tests, under `/_simulator/`, behind the same API key as the public API.
 * Documented in docs/simulator.md.
 */
export function registerControlApi(
  app: FastifyInstance,
  deps: { state: SimulatorState; webhooks: WebhookSender; apiKey: string; now: () => Date },
): void {
  const { state, webhooks } = deps;
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
  });
}
