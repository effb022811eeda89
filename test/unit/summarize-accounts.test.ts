import { describe, expect, it } from 'vitest';
import { summarizeAccounts, type LinkedAccountView } from '../../src/shared/domain';

const account = (fields: Partial<LinkedAccountView> & { id: string }): LinkedAccountView => ({
  customerId: 'acme',
  provider: 'bamboohr',
  status: 'active',
  statusReasons: [],
  updatedAt: '2026-12-03T16:00:00.000Z',
  ...fields,
});

describe('summarizeAccounts', () => {
  it('counts the accounts, those to re-link, and names each system once as the app shows it', () => {
    const summary = summarizeAccounts('acme', [
      account({ id: '1', providerName: 'BambooHR' }),
      account({ id: '2', providerName: 'BambooHR', label: 'UK entity', status: 'error' }),
      account({ id: '3', provider: 'greenhouse', status: 'expired' }),
      account({ id: '4', providerName: 'BambooHR', status: 'pending' }),
    ]);
    expect(summary).toEqual({
      customerId: 'acme',
      linked: 4,
      needingRelink: 2,
      systems: ['BambooHR', 'BambooHR (UK entity)', 'greenhouse'],
    });
  });

  it('names no system for a customer with no accounts', () => {
    expect(summarizeAccounts('acme', [])).toEqual({
      customerId: 'acme',
      linked: 0,
      needingRelink: 0,
      systems: [],
    });
  });
});
