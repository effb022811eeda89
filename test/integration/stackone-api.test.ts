import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createStackOneApi } from '../../src/main/stackone-api';

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
