import { webcrypto } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/logger';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server';
import { eventually } from '../support/eventually';
import { linkBambooHrThroughHub } from '../support/simulator-hub';

const apiKey = 'v1.test.webhooks';
const basic = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;

interface Received {
  body: string;
  signature: string | undefined;
  contentType: string | undefined;
}

/** A real HTTP receiver that fails its first `failFirst` requests with 500. */
async function receiver(
  failFirst = 0,
): Promise<{ url: string; received: Received[]; hits: () => number; close: () => Promise<void> }> {
  const received: Received[] = [];
  let hits = 0;
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hits += 1;
      if (hits <= failFirst) {
        response.writeHead(500).end();
        return;
      }
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: request.headers['x-stackone-signature'] as string | undefined,
        contentType: request.headers['content-type'],
      });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/hook`,
    received,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Verifies x-stackone-signature with WebCrypto, independently of the simulator's signing code. */
async function verify(
  body: string,
  signature: string | undefined,
  secret: string,
): Promise<boolean> {
  if (signature === undefined) return false;
  const key = await webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const padded = signature.replace(/-/g, '+').replace(/_/g, '/');
  const mac = Uint8Array.from(atob(padded + '='.repeat((4 - (padded.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  );
  return webcrypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode(body));
}

let simulator: RunningSimulator;
const receivers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await simulator.close();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function linkAccount(): Promise<string> {
  const session = (await (
    await fetch(`${simulator.url}/connect_sessions`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({
        origin_owner_id: 'acme',
        origin_owner_name: 'Acme Ltd',
        origin_username: 'sam@example.com',
      }),
    })
  ).json()) as { token: string };
  return linkBambooHrThroughHub(simulator.url, session.token);
}

describe('simulator webhooks', () => {
  it('sends created, updated and deleted events, signed per target, with the flat envelope', async () => {
    const first = await receiver();
    const second = await receiver();
    receivers.push(first, second);
    simulator = await startSimulator({
      apiKey,
      logger: silentLogger(),
      webhookTargets: [
        { url: first.url, secret: 'secret-one' },
        { url: second.url, secret: 'secret-two' },
      ],
    });
    const id = await linkAccount();
    await fetch(`${simulator.url}/accounts/${id}`, {
      method: 'PATCH',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ origin_owner_name: 'Acme Group' }),
    });
    await fetch(`${simulator.url}/accounts/${id}`, {
      method: 'DELETE',
      headers: { authorization: basic },
    });
    await simulator.webhooks.idle();

    for (const [target, secret] of [
      [first, 'secret-one'],
      [second, 'secret-two'],
    ] as const) {
      expect(target.received.map((r) => JSON.parse(r.body).event)).toEqual([
        'account.created',
        'account.updated',
        'account.deleted',
      ]);
      for (const delivery of target.received) {
        expect(await verify(delivery.body, delivery.signature, secret)).toBe(true);
        expect(await verify(delivery.body, delivery.signature, 'another-secret')).toBe(false);
        expect(delivery.contentType).toBe('application/json');
      }
    }
    const envelope = JSON.parse(first.received[0]?.body ?? '{}') as Record<string, unknown>;
    expect(envelope).toEqual({
      project_id: expect.any(String),
      event: 'account.created',
      event_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      record_type: 'account',
      record_id: id,
      sent_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      account_id: id,
      provider: 'bamboohr',
      origin_owner_id: 'acme',
      origin_owner_name: 'Acme Ltd',
      origin_username: 'sam@example.com',
    });
    expect(envelope).not.toHaveProperty('status');
  });

  it('retries a failing target with backoff until it answers, and logs the delivery', async () => {
    const flaky = await receiver(2);
    receivers.push(flaky);
    simulator = await startSimulator({
      apiKey,
      logger: silentLogger(),
      webhookTargets: [{ url: flaky.url, secret: 's' }],
      webhookRetryBaseMs: 50,
    });
    await linkAccount();
    await eventually(() => expect(flaky.received).toHaveLength(1));
    expect(flaky.hits()).toBe(3);
    const log = (await (
      await fetch(`${simulator.url}/_simulator/webhooks/deliveries`, {
        headers: { authorization: basic },
      })
    ).json()) as unknown[];
    expect(log).toEqual([
      expect.objectContaining({
        event: 'account.created',
        attempts: 3,
        outcome: 'delivered',
        lastStatus: 200,
      }),
    ]);
  });

  it('gives up after its attempts on a target that never answers, and says so in the log', async () => {
    simulator = await startSimulator({
      apiKey,
      logger: silentLogger(),
      webhookTargets: [{ url: 'http://127.0.0.1:9/unreachable', secret: 's' }],
      webhookRetryBaseMs: 5,
    });
    await linkAccount();
    await simulator.webhooks.idle();
    expect(simulator.webhooks.deliveries()).toEqual([
      expect.objectContaining({ outcome: 'failed', attempts: 6, lastStatus: null }),
    ]);
  });

  it('re-sends a webhook on request, also for a deleted account', async () => {
    const target = await receiver();
    receivers.push(target);
    simulator = await startSimulator({
      apiKey,
      logger: silentLogger(),
      webhookTargets: [{ url: target.url, secret: 's' }],
    });
    const id = await linkAccount();
    const control = (path: string, body: unknown) =>
      fetch(`${simulator.url}${path}`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await control(`/_simulator/accounts/${id}/delete`, {});
    expect((await control('/_simulator/webhooks/resend', { account_id: id })).status).toBe(200);
    expect((await control('/_simulator/webhooks/resend', { account_id: 'missing' })).status).toBe(
      404,
    );
    await simulator.webhooks.idle();
    expect(target.received.map((r) => JSON.parse(r.body).event)).toEqual([
      'account.created',
      'account.deleted',
      'account.deleted',
    ]);
  });
});
