import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { AccountEventName } from '../shared/webhook-event';
import { projectId, type SimulatedAccount } from './simulator-state';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface WebhookDelivery {
  event: AccountEventName;
  accountId: string;
  url: string;
  attempts: number;
  outcome: 'pending' | 'delivered' | 'failed';
  lastStatus: number | null;
}

export interface WebhookSender {
  send(event: AccountEventName, account: SimulatedAccount): void;
  /** Holds deliveries until `resume`, so tests and demos can show the state before a webhook. */
  pause(): void;
  resume(): void;
  deliveries(): readonly WebhookDelivery[];
  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void>;
  close(): void;
}

export function signWebhookBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64url');
}

export function createWebhookSender(options: {
  targets: readonly WebhookTarget[];
  logger: Logger;
  now: () => Date;
  maxAttempts?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
}): WebhookSender {
  const maxAttempts = options.maxAttempts ?? 6;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const log: WebhookDelivery[] = [];
  const held: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let paused = false;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const settleIfIdle = () => {
    if (inFlight === 0 && held.length === 0 && timers.size === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  async function deliver(
    delivery: WebhookDelivery,
    target: WebhookTarget,
    body: string,
  ): Promise<void> {
    delivery.attempts += 1;
    inFlight += 1;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-stackone-signature': signWebhookBody(body, target.secret),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      delivery.lastStatus = response.status;
      await response.body?.cancel();
      if (response.ok) {
        delivery.outcome = 'delivered';
        return;
      }
    } catch {
      delivery.lastStatus = null;
    } finally {
      inFlight -= 1;
    }
    if (delivery.attempts >= maxAttempts || closed) {
      delivery.outcome = 'failed';
      options.logger.warn(
        { event: delivery.event, attempts: delivery.attempts },
        'webhook delivery failed',
      );
      settleIfIdle();
      return;
    }
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        void deliver(delivery, target, body).finally(settleIfIdle);
      },
      retryBaseMs * 2 ** (delivery.attempts - 1),
    );
    timers.add(timer);
  }

  return {
    send(event, account) {
      const now = options.now().toISOString();
      const body = JSON.stringify({
        project_id: projectId,
        event,
        event_date: now,
        record_type: 'account',
        record_id: account.id,
        sent_at: now,
        account_id: account.id,
        provider: account.provider,
        origin_owner_id: account.originOwnerId,
        origin_owner_name: account.originOwnerName,
        ...(account.originUsername !== null && { origin_username: account.originUsername }),
      });
      for (const target of options.targets) {
        const delivery: WebhookDelivery = {
          event,
          accountId: account.id,
          url: target.url,
          attempts: 0,
          outcome: 'pending',
          lastStatus: null,
        };
        log.push(delivery);
        const start = () => void deliver(delivery, target, body).finally(settleIfIdle);
        if (paused) held.push(start);
        else start();
      }
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const start of held.splice(0)) start();
    },
    deliveries: () => log,
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIfIdle();
      });
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      held.length = 0;
      settleIfIdle();
    },
  };
}
