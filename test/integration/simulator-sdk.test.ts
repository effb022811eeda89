import { StackOne } from '@stackone/stackone-client-ts';
import {
  NotFoundResponse,
  UnauthorizedResponse,
} from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/logger';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server';

const apiKey = 'v1.test.simulator-key';
let simulator: RunningSimulator;
let sdk: StackOne;

beforeEach(async () => {
  simulator = await startSimulator({ apiKey, logger: silentLogger() });
  sdk = new StackOne({
    serverURL: simulator.url,
    security: { username: apiKey, password: '' },
    retryConfig: { strategy: 'none' },
  });
});
afterEach(() => simulator.close());

/** Links an account the way the Hub does, with the session token. */
async function linkThroughHub(
  token: string,
  integrationId: string,
  credentials: Record<string, string>,
) {
  const response = await fetch(`${simulator.url}/hub/accounts`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-session-token': token,
      'x-hub-version': '1.11.4',
    },
    body: JSON.stringify({ integration_id: integrationId, credentials }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('simulator, driven by the official SDK', () => {
  it('creates a connect session the SDK accepts, with a token and an auth link', async () => {
    const response = await sdk.connectSessions.createConnectSession({
      originOwnerId: 'acme',
      originOwnerName: 'Acme Ltd',
      provider: 'bamboohr',
    });
    expect(response.statusCode).toBe(201);
    const session = response.connectSessionTokenAuthLink;
    expect(session?.token).toMatch(/^[\w-]{20,}$/);
    expect(session?.authLinkUrl).toBe(
      `${simulator.url}/embedded/integrations?token=${encodeURIComponent(session?.token ?? '')}`,
    );
    expect(session?.originOwnerId).toBe('acme');
    expect(session?.createdAt).toBeInstanceOf(Date);
  });

  it('serves an account linked through the Hub API as a valid LinkedAccount', async () => {
    const created = await sdk.connectSessions.createConnectSession({
      originOwnerId: 'acme',
      originOwnerName: 'Acme Ltd',
    });
    const token = created.connectSessionTokenAuthLink?.token ?? '';
    const linked = await linkThroughHub(token, 'int_bamboohr_api_key', {
      subdomain: 'acme',
      api_key: 'k'.repeat(24),
    });
    expect(linked).toEqual({ status: 200, body: { id: expect.any(String), provider: 'bamboohr' } });

    const account = (await sdk.accounts.getAccount({ id: String(linked.body.id) })).linkedAccount;
    expect(account).toMatchObject({
      id: linked.body.id,
      provider: 'bamboohr',
      originOwnerId: 'acme',
      status: 'active',
    });
    expect(account?.updatedAt).toBeInstanceOf(Date);

    const listed = await sdk.accounts.listLinkedAccounts({ originOwnerIds: ['acme'] });
    expect(listed.classes?.map((a) => a.id)).toEqual([linked.body.id]);

    const deleted = await sdk.accounts.deleteAccount({ id: String(linked.body.id) });
    expect(deleted.linkedAccount?.id).toBe(linked.body.id);
  });

  it('reuses the account for the same owner and provider', async () => {
    const token = async () =>
      (
        await sdk.connectSessions.createConnectSession({
          originOwnerId: 'acme',
          originOwnerName: 'Acme Ltd',
        })
      ).connectSessionTokenAuthLink?.token ?? '';
    const first = await linkThroughHub(await token(), 'int_bamboohr_api_key', {
      subdomain: 'a',
      api_key: 'k'.repeat(24),
    });
    const second = await linkThroughHub(await token(), 'int_bamboohr_api_key', {
      subdomain: 'b',
      api_key: 'j'.repeat(24),
    });
    expect(second.body.id).toBe(first.body.id);
  });

  it('rejects credentials the way the provider would', async () => {
    const created = await sdk.connectSessions.createConnectSession({
      originOwnerId: 'acme',
      originOwnerName: 'Acme Ltd',
    });
    const linked = await linkThroughHub(
      created.connectSessionTokenAuthLink?.token ?? '',
      'int_bamboohr_api_key',
      {
        subdomain: 'acme',
        api_key: 'short',
      },
    );
    expect(linked.status).toBe(400);
    expect(linked.body).toMatchObject({
      statusCode: 400,
      provider_response: expect.stringContaining('invalid API key'),
    });
  });

  it('answers a wrong API key with the SDK’s typed 401', async () => {
    const wrong = new StackOne({
      serverURL: simulator.url,
      security: { username: 'nope', password: '' },
      retryConfig: { strategy: 'none' },
    });
    await expect(
      wrong.connectSessions.createConnectSession({ originOwnerId: 'a', originOwnerName: 'A' }),
    ).rejects.toBeInstanceOf(UnauthorizedResponse);
  });

  it('answers an unknown account with the SDK’s typed 404', async () => {
    await expect(sdk.accounts.getAccount({ id: 'missing' })).rejects.toBeInstanceOf(
      NotFoundResponse,
    );
  });
});
