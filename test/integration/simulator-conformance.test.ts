import { StackOne } from '@stackone/stackone-client-ts';
import {
  BadRequestResponse,
  ConflictResponse,
  NotFoundResponse,
  SDKError,
  TooManyRequestsResponse,
  UnauthorizedResponse,
  UnprocessableEntityResponse,
} from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import {
  ConnectSessionCreateCategories,
  ConnectSessionCreateType,
} from '@stackone/stackone-client-ts/sdk/models/shared/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/logger';
import {
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/simulator/simulator-server';

const apiKey = 'v1.test.simulator-key';
let simulator: RunningSimulator;
let clock = new Date('2026-03-01T09:00:00.000Z');

async function start(options: Partial<SimulatorOptions> = {}): Promise<StackOne> {
  clock = new Date('2026-03-01T09:00:00.000Z');
  simulator = await startSimulator({
    apiKey,
    logger: silentLogger(),
    now: () => clock,
    ...options,
  });
  return sdkFor(apiKey);
}
const sdkFor = (key: string) =>
  new StackOne({
    serverURL: simulator.url,
    security: { username: key, password: '' },
    retryConfig: { strategy: 'none' },
  });
afterEach(() => simulator.close());

async function session(
  sdk: StackOne,
  overrides: Partial<Parameters<StackOne['connectSessions']['createConnectSession']>[0]> = {},
) {
  const response = await sdk.connectSessions.createConnectSession({
    originOwnerId: 'acme',
    originOwnerName: 'Acme Ltd',
    ...overrides,
  });
  const created = response.connectSessionTokenAuthLink;
  if (!created) throw new Error('no session');
  return created;
}

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

const bamboo = { subdomain: 'acme', api_key: 'k'.repeat(24) };
async function linkedAccount(
  sdk: StackOne,
  owner = 'acme',
  integration = 'int_bamboohr_api_key',
  credentials: Record<string, string> = bamboo,
) {
  const created = await session(sdk, { originOwnerId: owner, originOwnerName: `${owner} Inc` });
  const linked = await linkThroughHub(created.token, integration, credentials);
  return String(linked.body.id);
}

const hubGet = async (token: string, path: string) => {
  const response = await fetch(`${simulator.url}${path}`, {
    headers: { 'x-hub-session-token': token },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('connect sessions', () => {
  it('echoes every request field in a response the SDK accepts', async () => {
    const sdk = await start();
    const created = await session(sdk, {
      originUsername: 'sam@implementer.example',
      provider: 'bamboohr',
      categories: [ConnectSessionCreateCategories.Hris],
      label: 'Payroll HR',
      metadata: { region: 'emea' },
      type: ConnectSessionCreateType.Test,
      multiple: true,
      expiresIn: 432000,
    });
    expect(created).toMatchObject({
      originOwnerId: 'acme',
      originOwnerName: 'Acme Ltd',
      originUsername: 'sam@implementer.example',
      provider: 'bamboohr',
      categories: ['hris'],
      label: 'Payroll HR',
      organizationId: expect.any(Number),
      projectId: expect.any(String),
      id: expect.any(Number),
    });
    expect(String(created.type)).toBe('test');
    // The SDK types metadata as an empty object and drops its keys; the wire carries them.
    const raw = await fetch(`${simulator.url}/connect_sessions`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        origin_owner_id: 'acme',
        origin_owner_name: 'Acme Ltd',
        metadata: { region: 'emea' },
      }),
    });
    expect(raw.status).toBe(201);
    expect(await raw.json()).toMatchObject({
      metadata: { region: 'emea' },
      organization_id: expect.any(Number),
    });
    expect(created.authLinkUrl).toBe(
      `${simulator.url}/embedded/integrations?token=${encodeURIComponent(created.token)}`,
    );
  });

  it('filters the Hub connector list by provider and by categories', async () => {
    const sdk = await start();
    const byProvider = await session(sdk, { provider: 'hubspot' });
    const providers = async (token: string) =>
      (await hubGet(token, '/hub/connectors')).body.integrations as {
        provider: string;
        type: string;
      }[];
    expect((await providers(byProvider.token)).map((c) => c.provider)).toEqual(['hubspot']);
    const byCategory = await session(sdk, {
      categories: [ConnectSessionCreateCategories.Ats, ConnectSessionCreateCategories.Lms],
    });
    expect(new Set((await providers(byCategory.token)).map((c) => c.type))).toEqual(
      new Set(['ats', 'lms']),
    );
    const all = await session(sdk);
    expect((await providers(all.token)).length).toBeGreaterThanOrEqual(10);
  });

  it('expires the token, and its auth link, after expires_in', async () => {
    const sdk = await start();
    const created = await session(sdk, { expiresIn: 60 });
    expect((await hubGet(created.token, '/hub/connectors')).status).toBe(200);
    expect((await fetch(created.authLinkUrl)).status).toBe(200);
    clock = new Date(clock.getTime() + 61_000);
    expect((await hubGet(created.token, '/hub/connectors')).status).toBe(401);
    expect((await fetch(created.authLinkUrl)).status).toBe(410);
    await expect(
      sdk.connectSessions.authenticateConnectSession({ token: created.token }),
    ).rejects.toBeInstanceOf(BadRequestResponse);
  });

  it('authenticates a session token and reports its latest connection attempt', async () => {
    const sdk = await start();
    const created = await session(sdk);
    const authenticated = await sdk.connectSessions.authenticateConnectSession({
      token: created.token,
    });
    expect(authenticated.statusCode).toBe(201);
    expect(authenticated.connectSession).toMatchObject({ id: created.id, originOwnerId: 'acme' });

    await fetch(`${simulator.url}/hub/connection_attempts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-session-token': created.token },
      body: JSON.stringify({ token: created.token }),
    });
    const raw = await fetch(`${simulator.url}/connect_sessions/authenticate`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ token: created.token }),
    });
    expect(await raw.json()).toMatchObject({
      latest_connection_attempt: { status: 'pending', account_secure_id: null },
    });
  });

  it('opens edit mode for account_id and reuses the account for the same owner, name and provider', async () => {
    const sdk = await start();
    const id = await linkedAccount(sdk);
    const edit = await session(sdk, { accountId: id });
    expect((await hubGet(edit.token, '/hub/settings')).body).toEqual({
      enabled_features: [],
      existing_account_id: id,
    });
    const again = await linkedAccount(sdk, 'acme');
    expect(again).toBe(id);
    const separate = await session(sdk, { multiple: true });
    const second = await linkThroughHub(separate.token, 'int_bamboohr_api_key', bamboo);
    expect(second.body.id).not.toBe(id);
    // The owner's name is part of the match (STACKONE.md §1).
    const renamed = await session(sdk, { originOwnerName: 'Acme Holdings' });
    const third = await linkThroughHub(renamed.token, 'int_bamboohr_api_key', bamboo);
    expect([id, second.body.id]).not.toContain(third.body.id);
  });
});

describe('accounts', () => {
  it('lists with repeated-key filters and pages, as a bare array', async () => {
    const sdk = await start();
    const acme = [
      await linkedAccount(sdk, 'acme'),
      await linkedAccount(sdk, 'acme', 'int_ashby_api_key', { api_key: 'a'.repeat(24) }),
    ];
    const globex = await linkedAccount(sdk, 'globex');
    const raw = await fetch(
      `${simulator.url}/accounts?origin_owner_ids=acme&origin_owner_ids=globex`,
      {
        headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
      },
    );
    expect(Array.isArray(await raw.json())).toBe(true);

    const ids = async (request: Parameters<StackOne['accounts']['listLinkedAccounts']>[0]) =>
      ((await sdk.accounts.listLinkedAccounts(request)).classes ?? []).map((a) => a.id);
    expect(await ids({ originOwnerIds: ['acme', 'globex'] })).toEqual([...acme, globex]);
    expect(await ids({ originOwnerIds: ['acme'], providers: ['ashby'] })).toEqual([acme[1]]);
    expect(await ids({ accountIds: [globex] })).toEqual([globex]);
    expect(await ids({ status: ['error'] })).toEqual([]);
    expect(await ids({ pageSize: 2, page: 1 })).toHaveLength(2);
    expect(await ids({ pageSize: 2, page: 2 })).toEqual([globex]);
  });

  it('gets, updates, describes and deletes an account', async () => {
    const sdk = await start();
    const id = await linkedAccount(sdk);
    const account = (await sdk.accounts.getAccount({ id })).linkedAccount;
    expect(account).toMatchObject({
      id,
      provider: 'bamboohr',
      originOwnerId: 'acme',
      status: 'active',
    });
    const raw = await fetch(`${simulator.url}/accounts/${id}`, {
      headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
    });
    // Secrets never come back; non-secret setup fields do (the SDK drops this object's keys).
    expect(((await raw.json()) as { setup_information: unknown }).setup_information).toEqual({
      subdomain: 'acme',
    });

    const updated = await sdk.accounts.updateAccount({
      id,
      patchAccountExternalDto: { originOwnerName: 'Acme Group' },
    });
    expect(updated.linkedAccount?.originOwnerName).toBe('Acme Group');

    const meta = (await sdk.accounts.getAccountMetaInfo({ id })).linkedAccountMeta;
    expect(meta).toMatchObject({ provider: 'bamboohr', category: 'hris' });
    expect(Object.keys(meta?.models ?? {})).toContain('employees');

    const deleted = await sdk.accounts.deleteAccount({ id });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.linkedAccount?.id).toBe(id);
    await expect(sdk.accounts.getAccount({ id })).rejects.toBeInstanceOf(NotFoundResponse);
  });
});

describe('errors arrive as the SDK’s typed errors with StackOne’s body', () => {
  it('401 for a wrong API key', async () => {
    await start();
    const error = await sdkFor('nope')
      .accounts.getAccount({ id: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedResponse);
    expect((error as UnauthorizedResponse).data$).toMatchObject({
      statusCode: 401,
      message: expect.any(String),
    });
  });

  it('400 for a bad page size', async () => {
    const sdk = await start();
    await expect(sdk.accounts.listLinkedAccounts({ pageSize: 5000 })).rejects.toBeInstanceOf(
      BadRequestResponse,
    );
  });

  it('409 for an account of another owner, 412 for a suspended one, 422 for an unknown provider', async () => {
    const sdk = await start();
    const id = await linkedAccount(sdk, 'globex');
    await expect(session(sdk, { accountId: id })).rejects.toBeInstanceOf(ConflictResponse);
    await fetch(`${simulator.url}/_simulator/accounts/${id}/status`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ status: 'suspended' }),
    });
    // The SDK maps 412 to its own class only on the unified APIs; account calls get its SDKError.
    const precondition = await sdk.accounts.getAccountMetaInfo({ id }).catch((e: unknown) => e);
    expect(precondition).toBeInstanceOf(SDKError);
    expect((precondition as SDKError).statusCode).toBe(412);
    expect(JSON.parse((precondition as SDKError).body)).toMatchObject({
      statusCode: 412,
      message: expect.stringContaining('suspended'),
    });
    await expect(session(sdk, { provider: 'no-such-provider' })).rejects.toBeInstanceOf(
      UnprocessableEntityResponse,
    );
  });

  it('429 with Retry-After over the rate limit', async () => {
    const sdk = await start({ faults: { rateLimitPerMinute: 2 } });
    await sdk.accounts.listLinkedAccounts({});
    await sdk.accounts.listLinkedAccounts({});
    const error = await sdk.accounts.listLinkedAccounts({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsResponse);
    expect(Number((error as TooManyRequestsResponse).headers.get('retry-after'))).toBeGreaterThan(
      0,
    );
    clock = new Date(clock.getTime() + 60_000);
    await expect(sdk.accounts.listLinkedAccounts({})).resolves.toBeDefined();
  });

  it('injected failures (503) follow the seed, so a run repeats exactly', async () => {
    const outcomes = async () => {
      const sdk = await start({ seed: 7, faults: { failureRate: 0.5 } });
      const results: (number | 'ok')[] = [];
      for (let i = 0; i < 12; i++) {
        results.push(
          await sdk.accounts.listLinkedAccounts({}).then(
            () => 'ok' as const,
            (e: unknown) => (e instanceof SDKError ? e.statusCode : -1),
          ),
        );
      }
      return results;
    };
    const first = await outcomes();
    await simulator.close();
    const second = await outcomes();
    expect(first).toContain('ok');
    expect(first).toContain(503);
    expect(first).not.toContain(-1);
    expect(second).toEqual(first);
  });
});

describe('Hub API transport', () => {
  it('answers the browser preflight with exactly what the Hub needs', async () => {
    await start();
    const response = await fetch(`${simulator.url}/hub/connectors`, {
      method: 'OPTIONS',
      headers: {
        origin: 'app://onboarding',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'content-type,x-hub-session-token,x-hub-version',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, PATCH, DELETE');
    expect(response.headers.get('access-control-allow-headers')?.split(/,\s*/).sort()).toEqual([
      'content-type',
      'x-hub-session-token',
      'x-hub-version',
    ]);
  });

  it('answers errors as JSON with statusCode, including unknown paths', async () => {
    await start();
    const response = await fetch(`${simulator.url}/hub/nothing-here`, {
      headers: { 'x-hub-session-token': 'x' },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, message: expect.any(String) });
  });

  it('adds injected latency to Hub and public API answers', async () => {
    const sdk = await start({ faults: { latencyMs: 300 } });
    const started = performance.now();
    await sdk.accounts.listLinkedAccounts({});
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});
