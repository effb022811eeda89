import { describe, expect, it } from 'vitest';
import { linksToFollowUp } from '../../src/main/links-to-follow-up';
import type { LinkedAccountView } from '../../src/shared/domain';
import { acmeAccount, sentLinkFacts } from '../support/links-and-accounts';

const account = (fields: Partial<LinkedAccountView> & { id: string }): LinkedAccountView =>
  acmeAccount({ providerName: 'BambooHR', ...fields });
const link = sentLinkFacts;

describe('linksToFollowUp', () => {
  it('keeps the links to link accounts with nothing linked since, of any kind', () => {
    const accounts = [
      account({ id: 'hr', createdAt: '2026-11-20T09:00:00.000Z' }),
      account({ id: 'uk', label: 'UK entity', createdAt: '2026-12-02T09:00:00.000Z' }),
    ];
    expect(
      linksToFollowUp(accounts, [
        link({ expiresAt: '2026-12-08T09:00:00.000Z', createdAt: '2026-12-03T09:00:00.000Z' }),
        link({ expiresAt: '2026-12-08T10:00:00.000Z', secondAccountLabel: 'US entity' }),
        // The UK entity's account was linked since this one was made.
        link({ expiresAt: '2026-12-08T11:00:00.000Z', secondAccountLabel: 'UK entity' }),
      ]),
    ).toEqual([
      { expiresAt: '2026-12-08T09:00:00.000Z', relinks: null, kind: null },
      { expiresAt: '2026-12-08T10:00:00.000Z', relinks: null, kind: null },
    ]);
    // An account linked since the first: it has had its effect.
    expect(
      linksToFollowUp(
        [...accounts, account({ id: 'new', createdAt: '2026-12-03T10:00:00.000Z' })],
        [link({ expiresAt: '2026-12-08T09:00:00.000Z', createdAt: '2026-12-03T09:00:00.000Z' })],
      ),
    ).toEqual([]);
  });

  it('keeps the links to re-link accounts that still need it, the account named', () => {
    const accounts = [
      account({ id: 'hr', label: 'UK entity', status: 'error' }),
      account({ id: 'ats', provider: 'greenhouse', providerName: 'Greenhouse' }),
    ];
    expect(
      linksToFollowUp(accounts, [
        link({ expiresAt: '2026-12-08T09:00:00.000Z', relinkAccountId: 'hr' }),
        link({ expiresAt: '2026-12-08T10:00:00.000Z', relinkAccountId: 'ats' }),
        // Its account since deleted.
        link({ expiresAt: '2026-12-08T11:00:00.000Z', relinkAccountId: 'gone' }),
      ]),
    ).toEqual([
      { expiresAt: '2026-12-08T09:00:00.000Z', relinks: 'BambooHR (UK entity)', kind: null },
    ]);
  });

  it('leaves out a link that another for the same, nothing come of it either, outlasts', () => {
    const accounts = [account({ id: 'hr', status: 'error' })];
    const newAccounts = (expiresAt: string, createdAt = '2026-12-01T09:00:00.000Z') =>
      link({ expiresAt, createdAt });
    const relink = (expiresAt: string) => link({ expiresAt, relinkAccountId: 'hr' });
    expect(
      linksToFollowUp(accounts, [
        // Outlasted by the next, whether made before or after it.
        newAccounts('2026-12-05T09:00:00.000Z'),
        newAccounts('2026-12-08T09:00:00.000Z', '2026-11-30T09:00:00.000Z'),
        // Another purpose: a second account, one kind of system alone, and one re-linked.
        link({ expiresAt: '2026-12-04T09:00:00.000Z', secondAccountLabel: 'UK entity' }),
        link({ expiresAt: '2026-12-03T09:00:00.000Z', category: 'hris' }),
        relink('2026-12-06T09:00:00.000Z'),
        relink('2026-12-07T09:00:00.000Z'),
      ]),
    ).toEqual([
      { expiresAt: '2026-12-08T09:00:00.000Z', relinks: null, kind: null },
      { expiresAt: '2026-12-04T09:00:00.000Z', relinks: null, kind: null },
      { expiresAt: '2026-12-03T09:00:00.000Z', relinks: null, kind: 'HR system' },
      { expiresAt: '2026-12-07T09:00:00.000Z', relinks: 'BambooHR', kind: null },
    ]);
    // A later link that something came of outlasts nothing: the earlier one stays.
    expect(
      linksToFollowUp(
        [...accounts, account({ id: 'new', createdAt: '2026-12-02T09:00:00.000Z' })],
        [
          newAccounts('2026-12-05T09:00:00.000Z', '2026-12-03T09:00:00.000Z'),
          newAccounts('2026-12-08T09:00:00.000Z', '2026-12-01T09:00:00.000Z'),
        ],
      ),
    ).toEqual([{ expiresAt: '2026-12-05T09:00:00.000Z', relinks: null, kind: null }]);
  });
});
