import { describe, expect, it } from 'vitest';
import type { LinkedAccountView } from '../../src/shared/domain';
import { accountsLinkedSince } from '../../src/shared/accounts-linked-since';
import {
  linkedSinceText,
  offersFollowUp,
  sentLinkOutcome,
} from '../../src/renderer/src/sent-link-outcome';

const account = (id: string, fields: Partial<LinkedAccountView> = {}): LinkedAccountView => ({
  id,
  customerId: 'acme',
  provider: 'bamboohr',
  status: 'active',
  statusReasons: [],
  updatedAt: '2026-12-04T10:00:00.000Z',
  ...fields,
});
const linkMade = (fields: Partial<Parameters<typeof accountsLinkedSince>[0]> = {}) => ({
  createdAt: '2026-12-03T16:00:00.000Z',
  relinkAccountId: null,
  secondAccountLabel: null,
  category: null,
  ...fields,
});
const ids = (linked: ReturnType<typeof accountsLinkedSince>) =>
  linked.map(({ account, linkedAt }) => {
    expect(linkedAt).toBe(account.createdAt);
    return account.id;
  });

describe('accountsLinkedSince', () => {
  it('lists the accounts StackOne made after the link was, oldest first', () => {
    const accounts = [
      account('before', { createdAt: '2026-12-03T15:59:59.000Z' }),
      account('later', { provider: 'hubspot', createdAt: '2026-12-05T08:00:00.000Z' }),
      account('soon', { createdAt: '2026-12-04T09:00:00.000Z' }),
      account('at-once', { createdAt: '2026-12-03T16:00:00.000Z' }),
    ];
    expect(ids(accountsLinkedSince(linkMade(), accounts))).toEqual(['at-once', 'soon', 'later']);
  });

  it('leaves out accounts StackOne has not confirmed yet, and those kept without a creation time', () => {
    const accounts = [account('pending', { status: 'pending' }), account('older-file')];
    expect(accountsLinkedSince(linkMade(), accounts)).toEqual([]);
  });

  it('for a second account, lists only accounts with the label it asked for', () => {
    const accounts = [
      account('other', { createdAt: '2026-12-04T09:00:00.000Z' }),
      account('payroll', { label: 'Payroll', createdAt: '2026-12-04T09:05:00.000Z' }),
      account('uk', { label: 'UK entity', createdAt: '2026-12-04T09:10:00.000Z' }),
    ];
    expect(ids(accountsLinkedSince(linkMade({ secondAccountLabel: 'Payroll' }), accounts))).toEqual(
      ['payroll'],
    );
  });

  it('for a link for one kind of system, leaves out accounts known to be of another kind', () => {
    const accounts = [
      account('hr', { category: 'hris', createdAt: '2026-12-04T09:00:00.000Z' }),
      account('ats', { category: 'ats', createdAt: '2026-12-04T09:05:00.000Z' }),
      // Not asked about yet, or StackOne could not say: counted, as any account linked since.
      account('unknown', { createdAt: '2026-12-04T09:10:00.000Z' }),
    ];
    expect(ids(accountsLinkedSince(linkMade({ category: 'hris' }), accounts))).toEqual([
      'hr',
      'unknown',
    ]);
    expect(ids(accountsLinkedSince(linkMade({ category: 'crm' }), accounts))).toEqual(['unknown']);
    expect(ids(accountsLinkedSince(linkMade(), accounts))).toEqual(['hr', 'ats', 'unknown']);
  });

  it('lists none for a link to re-link an account', () => {
    const accounts = [account('new', { createdAt: '2026-12-04T09:00:00.000Z' })];
    expect(accountsLinkedSince(linkMade({ relinkAccountId: 'old' }), accounts)).toEqual([]);
  });
});

describe('what has been linked since, as words', () => {
  it('names each account (its label too) with its time, apart by semicolons as times hold commas', () => {
    const linked = accountsLinkedSince(linkMade(), [
      account('a', { providerName: 'BambooHR', createdAt: '2026-12-04T09:00:00.000Z' }),
      account('b', { provider: 'workday', label: 'UK', createdAt: '2026-12-04T10:00:00.000Z' }),
    ]);
    expect(linkedSinceText(linked, (iso) => `<${iso}>`)).toBe(
      'BambooHR linked <2026-12-04T09:00:00.000Z>; workday (UK) linked <2026-12-04T10:00:00.000Z>',
    );
    expect(linkedSinceText([], (iso) => iso)).toBe('');
  });
});

describe('which expired link offers to send another', () => {
  const at = Date.parse('2026-12-10T12:00:00.000Z');
  const sent = (id: string, expiresAt: string, category: 'hris' | 'ats' | null = 'hris') => ({
    id,
    ...linkMade({ category }),
    expiresAt,
  });
  const offers = (
    link: ReturnType<typeof sent>,
    kept: ReturnType<typeof sent>[],
    shownIds: string[],
  ) =>
    offersFollowUp(
      link,
      sentLinkOutcome(link, [], at, kept),
      kept.filter((other) => shownIds.includes(other.id)),
      at,
    );

  it('one alone once expired, not while it works', () => {
    const expired = sent('expired', '2026-12-09T16:00:00.000Z');
    expect(offers(expired, [expired], ['expired'])).toBe(true);
    const working = sent('working', '2026-12-11T16:00:00.000Z');
    expect(offers(working, [working], ['working'])).toBe(false);
  });

  it('not one outlasted by another for the same, working or expired and shown', () => {
    const first = sent('first', '2026-12-09T16:00:00.000Z');
    const working = sent('working', '2026-12-11T16:00:00.000Z');
    expect(offers(first, [first, working], ['first', 'working'])).toBe(false);
    const later = sent('later', '2026-12-10T09:00:00.000Z');
    expect(offers(first, [first, later], ['first', 'later'])).toBe(false);
    // Not shown (its address cannot be decrypted now) but still working: the customer has it.
    expect(offers(first, [first, working], ['first'])).toBe(false);
  });

  it('one outlasted by an expired one not shown, though a link for another purpose shown expires with it', () => {
    const first = sent('first', '2026-12-09T16:00:00.000Z');
    const unreadable = sent('unreadable', '2026-12-10T09:00:00.000Z');
    const forAts = sent('for-ats', '2026-12-10T09:00:00.000Z', 'ats');
    const kept = [first, unreadable, forAts];
    expect(offers(first, kept, ['first', 'for-ats'])).toBe(true);
    expect(offers(forAts, kept, ['first', 'for-ats'])).toBe(true);
  });
});
