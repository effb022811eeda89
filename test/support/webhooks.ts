import { createHmac } from 'node:crypto';
import type { NewEvent, StoredEvent } from '../../src/relay/event-log';
import { toOutgoingEvents, type OutgoingEvent } from '../../src/relay/outgoing-event';

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

/**
 * A webhook as the relay's ingest hands it to the event log, for tests that fill a log directly:
 * the body from `webhookBody(overrides)`, its event name and owner read from it as ingest does.
 */
export function logEvent(overrides: Record<string, unknown> = {}): NewEvent {
  const body = webhookBody(overrides);
  const { event, origin_owner_id: owner } = JSON.parse(body) as {
    event: string;
    origin_owner_id?: string;
  };
  return {
    body,
    signature: 'sig',
    receivedAt: new Date().toISOString(),
    event,
    originOwnerId: owner ?? null,
  };
}

/** Event `seq` as the log hands it back (a fixed time), for tests of what reads or holds events. */
export const storedEvent = (
  seq: number,
  body = `{"event":"account.updated","account_id":"${seq}"}`,
): StoredEvent => ({
  seq,
  body,
  signature: `sig-${seq}`,
  receivedAt: '2026-12-06T12:00:00.000Z',
  event: 'account.updated',
  originOwnerId: null,
});

/** `storedEvent(seq, body)` as the stream side holds it, framed. */
export const outgoingEvent = (seq: number, body?: string): OutgoingEvent =>
  toOutgoingEvents([storedEvent(seq, body)])[0] as OutgoingEvent;

export const sign = (body: string, secret: string): string =>
  createHmac('sha256', secret).update(body).digest('base64url');

export async function postWebhook(
  relayUrl: string,
  body: string,
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(`${relayUrl}/webhooks/stackone`, { method: 'POST', headers, body });
}
