import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/main/app-error';
import { createBridgeDispatcher, type CallHandlers } from '../../src/main/bridge-dispatcher';
import { silentLogger } from '../../src/main/logger';

const appOrigin = 'app://onboarding';
const fromApp = 'app://onboarding/index.html';

function dispatcherWith(overrides: Partial<CallHandlers>) {
  const notCalled = async () => {
    throw new Error('handler should not run');
  };
  const handlers = {
    getAppStatus: notCalled,
    listCustomers: notCalled,
    createCustomer: notCalled,
    createConnectSession: notCalled,
    listAccounts: notCalled,
    recordHubSuccess: notCalled,
    ...overrides,
  } as CallHandlers;
  return createBridgeDispatcher({
    handlers,
    trustedOrigins: () => [appOrigin],
    logger: silentLogger(),
  });
}

describe('bridge dispatcher', () => {
  it('runs the handler with validated, trimmed input', async () => {
    const createCustomer = vi.fn(async (input: { id: string; name: string }) => ({
      ...input,
      createdAt: '2026-01-01T00:00:00.000Z',
    }));
    const result = await dispatcherWith({ createCustomer }).dispatch(
      'createCustomer',
      { id: ' acme ', name: ' Acme Ltd ' },
      fromApp,
    );
    expect(result).toEqual({
      ok: true,
      value: { id: 'acme', name: 'Acme Ltd', createdAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(createCustomer).toHaveBeenCalledWith({ id: 'acme', name: 'Acme Ltd' });
  });

  it('refuses a call from a page that is not the app, before running anything', async () => {
    const listCustomers = vi.fn(async () => []);
    const result = await dispatcherWith({ listCustomers }).dispatch(
      'listCustomers',
      {},
      'https://evil.example/',
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    expect(listCustomers).not.toHaveBeenCalled();
  });

  it('refuses unknown calls and names inherited from Object', async () => {
    for (const name of ['deleteEverything', 'toString', '__proto__', 42, null]) {
      expect(await dispatcherWith({}).dispatch(name, {}, fromApp)).toMatchObject({
        ok: false,
        error: { code: 'unknown_call' },
      });
    }
  });

  it('refuses invalid input with a message that names the field', async () => {
    const result = await dispatcherWith({}).dispatch(
      'createCustomer',
      { id: 'has spaces', name: 'A' },
      fromApp,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!result.ok) expect(result.error.message).toMatch(/^id: .*no spaces/);
  });

  it('refuses extra fields, so the renderer cannot smuggle options through', async () => {
    const result = await dispatcherWith({}).dispatch(
      'createConnectSession',
      { customerId: 'acme', apiKey: 'x' },
      fromApp,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('passes an AppError message through and hides anything else', async () => {
    const secret = 'v1.eu1.super-secret-key';
    const known = await dispatcherWith({
      listCustomers: async () => {
        throw new AppError('stackone_unreachable', 'Could not reach StackOne.');
      },
    }).dispatch('listCustomers', {}, fromApp);
    expect(known).toEqual({
      ok: false,
      error: { code: 'stackone_unreachable', message: 'Could not reach StackOne.' },
    });

    const unknown = await dispatcherWith({
      listCustomers: async () => {
        throw new Error(`request with key ${secret} failed at /x/y.ts:12`);
      },
    }).dispatch('listCustomers', {}, fromApp);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(unknown)).not.toContain(secret);
    expect(JSON.stringify(unknown)).not.toContain('.ts');
  });
});
