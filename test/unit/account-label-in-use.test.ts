import { describe, expect, it } from 'vitest';
import type { LinkedAccountView } from '../../src/shared/domain';
import { accountsLabelled, labelInUseText } from '../../src/renderer/src/account-label-in-use';

const account = (id: string, fields: Partial<LinkedAccountView> = {}): LinkedAccountView => ({
  id,
  customerId: 'acme',
  provider: 'bamboohr',
  providerName: 'BambooHR',
  status: 'active',
  statusReasons: [],
  updatedAt: '2026-12-03T10:00:00.000Z',
  ...fields,
});

describe('a label the customer has already', () => {
  const accounts = [
    account('plain'),
    account('munich', { label: 'München' }),
    account('crm-munich', { provider: 'hubspot', providerName: 'HubSpot', label: 'munchen' }),
    account('uk', { label: 'UK entity' }),
  ];
  const ids = (label: string) => accountsLabelled(accounts, label).map((found) => found.id);

  it('is found case, accents and surrounding spaces aside, never for a different label', () => {
    expect(ids('  MUNCHEN ')).toEqual(['munich', 'crm-munich']);
    expect(ids('uk entity')).toEqual(['uk']);
    expect(ids('UK')).toEqual([]);
    expect(ids('UK entity 2')).toEqual([]);
    expect(ids('')).toEqual([]);
  });

  it('is said with the accounts that have it, and whether they are of one system', () => {
    expect(labelInUseText(accountsLabelled(accounts, 'uk entity'))).toBe(
      'Their BambooHR (UK entity) has this label already: choose another if the new account may be of the same system.',
    );
    expect(labelInUseText(accountsLabelled(accounts, 'München'))).toBe(
      'Their BambooHR (München) and HubSpot (munchen) have this label already: choose another if the new account may be of one of those systems.',
    );
    const three = [
      ...accounts,
      account('again', { label: 'UK Entity' }),
      account('crm-uk', { provider: 'hubspot', providerName: 'HubSpot', label: 'uk entity' }),
    ];
    expect(labelInUseText(accountsLabelled(three, 'UK entity'))).toBe(
      'Their BambooHR (UK entity), BambooHR (UK Entity) and HubSpot (uk entity) have this label already: choose another if the new account may be of one of those systems.',
    );
  });
});
