import { describe, expect, it } from 'vitest';
import { summarizeCustomer } from '../../src/main/customer-summary';
import { acmeAccount, sentLinkFacts } from '../support/links-and-accounts';

const account = acmeAccount;
const link = sentLinkFacts;

describe('summarizeCustomer', () => {
  it('counts the accounts, those to re-link, and names each system once as the app shows it', () => {
    const summary = summarizeCustomer(
      'acme',
      [
        account({ id: '1', providerName: 'BambooHR' }),
        account({ id: '2', providerName: 'BambooHR', label: 'UK entity', status: 'error' }),
        account({ id: '3', provider: 'greenhouse', status: 'expired' }),
        account({ id: '4', providerName: 'BambooHR', status: 'pending' }),
      ],
      [],
    );
    expect(summary).toEqual({
      customerId: 'acme',
      linked: 4,
      needingRelink: 2,
      systems: ['BambooHR', 'BambooHR (UK entity)', 'greenhouse'],
      unusedLinksExpireAt: [],
    });
  });

  it('names no system for a customer with no accounts', () => {
    expect(summarizeCustomer('acme', [], [])).toEqual({
      customerId: 'acme',
      linked: 0,
      needingRelink: 0,
      systems: [],
      unusedLinksExpireAt: [],
    });
  });

  it('says when the links with nothing linked since expire, soonest first, re-links aside', () => {
    const accounts = [
      account({ id: 'old', createdAt: '2026-11-20T09:00:00.000Z', status: 'error' }),
      account({ id: 'payroll', label: 'Payroll', createdAt: '2026-12-02T09:00:00.000Z' }),
    ];
    const summary = summarizeCustomer('acme', accounts, [
      link({ expiresAt: '2026-12-08T09:00:00.000Z', createdAt: '2026-12-02T10:00:00.000Z' }),
      // Payroll was linked after this one was made: not unused.
      link({ expiresAt: '2026-12-04T09:00:00.000Z' }),
      // A second account's link counts only an account with its label.
      link({ expiresAt: '2026-12-05T09:00:00.000Z', secondAccountLabel: 'UK entity' }),
      link({ expiresAt: '2026-12-06T09:00:00.000Z', secondAccountLabel: 'Payroll' }),
      link({ expiresAt: '2026-12-07T09:00:00.000Z', relinkAccountId: 'old' }),
    ]);
    expect(summary.unusedLinksExpireAt).toEqual([
      '2026-12-05T09:00:00.000Z',
      '2026-12-08T09:00:00.000Z',
    ]);
  });
});
