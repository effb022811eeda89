import { describe, expect, it } from 'vitest';
import { createAccountNoticeWatch } from '../../src/main/account-notices';
import type { LinkedAccountView } from '../../src/shared/domain';

const account = (id: string, status: string, extra: Partial<LinkedAccountView> = {}) => ({
  id,
  customerId: 'acme',
  provider: 'bamboohr',
  providerName: 'BambooHR',
  status,
  statusReasons: [],
  updatedAt: '2026-12-03T10:00:00.000Z',
  ...extra,
});

const watching = (accounts: LinkedAccountView[] = []) =>
  createAccountNoticeWatch({
    accounts,
    customerName: (id) => (id === 'acme' ? 'Acme Ltd' : undefined),
  });

describe('account notices', () => {
  it('tell of an account newly active, from pending or unseen, once', () => {
    const watch = watching();
    expect(watch.changed('acme', [account('a1', 'pending')])).toEqual([]);
    expect(watch.changed('acme', [account('a1', 'active')])).toEqual([
      {
        customerId: 'acme',
        title: 'Acme Ltd: BambooHR linked',
        body: 'The account is active in StackOne.',
      },
    ]);
    expect(watch.changed('acme', [account('a1', 'active')])).toEqual([]);
    expect(watch.changed('acme', [account('a1', 'active'), account('a2', 'active')])).toHaveLength(
      1,
    );
  });

  it('tell of an account that comes to need re-linking, with StackOne’s reason, once, and of it re-linked', () => {
    const watch = watching([account('a1', 'active')]);
    const [notice, ...rest] = watch.changed('acme', [
      account('a1', 'error', {
        statusReasons: [{ timestamp: '2026-12-03T10:00:00Z', description: 'Token revoked' }],
      }),
    ]);
    expect(rest).toEqual([]);
    expect(notice?.title).toBe('Acme Ltd: BambooHR needs re-linking');
    expect(notice?.body).toBe(
      'Its status is error: Token revoked. Re-link it in the app, or send Acme Ltd a link.',
    );
    // From one status needing it to another: already said.
    expect(watch.changed('acme', [account('a1', 'expired')])).toEqual([]);
    // Active again: re-linked (the customer did it from a link, say).
    expect(watch.changed('acme', [account('a1', 'active')])).toEqual([
      {
        customerId: 'acme',
        title: 'Acme Ltd: BambooHR re-linked',
        body: 'The account is active again in StackOne.',
      },
    ]);
  });

  it('say nothing of the accounts as they were when watching started, nor of other changes', () => {
    const watch = watching([account('a1', 'active'), account('a2', 'error')]);
    expect(watch.changed('acme', [account('a1', 'active'), account('a2', 'error')])).toEqual([]);
    expect(watch.changed('acme', [account('a1', 'suspended')])).toEqual([]);
    expect(watch.changed('acme', [])).toEqual([]);
  });

  it('sum up more than three changes at once in one notice, and name an unknown customer by id', () => {
    const watch = watching([account('a5', 'active')]);
    const accounts = [
      account('a1', 'active'),
      account('a2', 'active'),
      account('a3', 'active'),
      account('a4', 'error'),
      account('a5', 'expired'),
    ];
    expect(watch.changed('acme', accounts)).toEqual([
      {
        customerId: 'acme',
        title: 'Acme Ltd: 3 accounts linked, 2 accounts to re-link',
        body: 'Open the app to see them.',
      },
    ]);
    expect(
      watching().changed('globex', [account('g1', 'active', { customerId: 'globex' })]),
    ).toEqual([expect.objectContaining({ title: 'globex: BambooHR linked' })]);
  });
});
