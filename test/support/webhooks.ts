import { createHmac } from 'node:crypto';

/** A StackOne webhook body as StackOne sends it (STACKONE.md §2). */
export function webhookBody(overrides: Record<string, unknown> = {}): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    project_id: 'p1',
    event: 'account.created',
    event_date: now,
    record_type: 'account',
    record_id: 'acc-1',
    sent_at: now,
    account_id: 'acc-1',
    provider: 'bamboohr',
    origin_owner_id: 'acme',
    origin_owner_name: 'Acme Ltd',
    ...overrides,
  });
}

export const sign = (body: string, secret: string): string =>
  createHmac('sha256', secret).update(body).digest('base64url');

export async function postWebhook(
  relayUrl: string,
  body: string,
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(`${relayUrl}/webhooks/stackone`, { method: 'POST', headers, body });
}
