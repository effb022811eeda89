import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/logger';
import { createStackOneApi, ownerIdGroups } from '../../src/main/stackone-api';
import { appUserAgent } from '../../src/shared/release-version';
import { startSimulator } from '../../src/simulator/simulator-server';
import { linkBambooHrThroughHub } from '../support/simulator-hub';

let server: Server | null = null;
afterEach(async () => {
  const running = server;
  server = null;
  if (running) await new Promise((resolve) => running.close(resolve));
});

/** Serves `handle` on loopback until the test ends; resolves to its base URL. */
async function standIn(handle: RequestListener): Promise<string> {
  const listening = createServer(handle);
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

/** A LinkedAccount as StackOne's API writes it. */
const linkedAccountJson = (fields: {
  id: string;
  origin_owner_id?: string;
  provider_name?: unknown;
}) => ({
  provider: 'bamboohr',
  origin_owner_id: 'acme',
  origin_owner_name: 'Acme Ltd',
  status: 'active',
  created_at: '2026-01-01T09:00:00.000Z',
  updated_at: '2026-01-01T10:00:00.000Z',
  ...fields,
});

/** A StackOne stand-in that answers GET /accounts/{id} with this provider_name. */
function stackOneAnswering(providerName: unknown): Promise<string> {
  return standIn((request, response) => {
    const id = /^\/accounts\/([^/?]+)/.exec(request.url ?? '')?.[1];
    if (request.method !== 'GET' || id === undefined || id === 'gone') {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ statusCode: 404, message: 'Not Found', timestamp: '' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(linkedAccountJson({ id, provider_name: providerName })));
  });
}

const accountFrom = async (providerName: unknown) =>
  createStackOneApi({
    apiKey: 'v1.test.key',
    baseUrl: await stackOneAnswering(providerName),
  }).getAccount('acc-1');

describe('requests to StackOne', () => {
  it('name the app and its release first in their User-Agent, then the SDK', async () => {
    const userAgents: (string | undefined)[] = [];
    const baseUrl = await standIn((request, response) => {
      userAgents.push(request.headers['user-agent']);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(linkedAccountJson({ id: 'acc-1' })));
    });
    await createStackOneApi({ apiKey: 'v1.test.key', baseUrl }).getAccount('acc-1');
    expect(appUserAgent).toMatch(/^stackone-onboarding\/\d+\.\d+\.\d+/);
    expect(userAgents).toEqual([
      expect.stringMatching(new RegExp(`^${appUserAgent.replaceAll('.', '\\.')} speakeasy-sdk/`)),
    ]);
  });
});

describe("StackOne's provider_name", () => {
  it('is taken, trimmed, as the display name', async () => {
    expect(await accountFrom('  BambooHR ')).toMatchObject({
      provider: 'bamboohr',
      providerName: 'BambooHR',
    });
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['blank', '   '],
    ['longer than the account list keeps', 'B'.repeat(201)],
  ])('is left out when %s, and the account still arrives', async (_case, providerName) => {
    const account = await accountFrom(providerName);
    expect(account).toMatchObject({ id: 'acc-1', provider: 'bamboohr', status: 'active' });
    expect(account).not.toHaveProperty('providerName');
  });
});

describe('an account StackOne does not have', () => {
  it('is null when looked up, and disconnecting it is done already', async () => {
    const api = createStackOneApi({
      apiKey: 'v1.test.key',
      baseUrl: await stackOneAnswering('BambooHR'),
    });
    expect(await api.getAccount('gone')).toBeNull();
    await expect(api.deleteAccount('gone')).resolves.toBeUndefined();
  });
});

describe("the project's accounts", () => {
  /** A StackOne stand-in whose project has `total` accounts, served in pages; records each query. */
  function projectWith(total: number, queries: URLSearchParams[]): Promise<string> {
    return standIn((request, response) => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      queries.push(url.searchParams);
      const page = Number(url.searchParams.get('page'));
      const size = Number(url.searchParams.get('page_size'));
      const ids = Array.from({ length: total }, (_, n) => n).slice((page - 1) * size, page * size);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          ids.map((n) =>
            linkedAccountJson({ id: `acc-${n}`, origin_owner_id: `customer-${n % 7}` }),
          ),
        ),
      );
    });
  }

  it('are read page by page, whoever owns them, up to the limit asked for', async () => {
    const queries: URLSearchParams[] = [];
    const api = createStackOneApi({
      apiKey: 'v1.test.key',
      baseUrl: await projectWith(250, queries),
    });

    const all = await api.listProjectAccounts(5_000);
    expect(all.complete).toBe(true);
    expect(all.accounts.map((a) => a.id)).toEqual(
      Array.from({ length: 250 }, (_, n) => `acc-${n}`),
    );
    expect(queries.map((q) => q.get('page'))).toEqual(['1', '2', '3']);
    expect(queries.some((q) => q.has('origin_owner_ids'))).toBe(false);

    queries.length = 0;
    const some = await api.listProjectAccounts(150);
    expect(some).toMatchObject({ complete: false, accounts: { length: 200 } });
    expect(queries).toHaveLength(2);
  });
});

describe('the accounts of many customers', () => {
  it('are read in requests whose URLs stay short, all of them found', async () => {
    const apiKey = 'v1.test.many-customers';
    const simulator = await startSimulator({ apiKey, logger: silentLogger() });
    try {
      const urls: string[] = [];
      const api = createStackOneApi({
        apiKey,
        baseUrl: simulator.url,
        fetch: (input, init) => {
          urls.push(input instanceof Request ? input.url : String(input));
          return fetch(input, init);
        },
      });
      // 300 customers with long ids: 36 KB of query in one URL, past what servers take.
      const ids = Array.from({ length: 300 }, (_, i) => `customer-${i}-${'x'.repeat(100)}`);
      const linked: string[] = [];
      for (const owner of [ids[0], ids[150], ids[299]] as string[]) {
        const session = await api.createConnectSession({
          originOwnerId: owner,
          originOwnerName: owner,
        });
        linked.push(await linkBambooHrThroughHub(simulator.url, session.token));
      }
      urls.length = 0;

      const accounts = await api.listAccounts(ids);
      expect(accounts.map((account) => account.id).sort()).toEqual([...linked].sort());
      expect(urls.length).toBeGreaterThan(1);
      for (const url of urls) expect(url.length).toBeLessThan(4_500);
      expect(await api.listAccounts([])).toEqual([]);
    } finally {
      await simulator.close();
    }
  });

  it('are asked for in groups that keep every id once, in order', () => {
    const ids = Array.from({ length: 120 }, (_, i) => `owner-${i}-${'é'.repeat(20)}`);
    const groups = ownerIdGroups(ids);
    expect(groups.flat()).toEqual(ids);
    expect(groups.length).toBeGreaterThan(1);
    for (const group of groups) {
      const query = group.map((id) => `origin_owner_ids=${encodeURIComponent(id)}&`).join('');
      expect(query.length).toBeLessThanOrEqual(4_000);
    }
    // One id longer than the budget still goes, alone.
    expect(ownerIdGroups(['y'.repeat(5_000), 'z'])).toEqual([['y'.repeat(5_000)], ['z']]);
  });
});
