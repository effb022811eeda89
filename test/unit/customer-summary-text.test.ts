import { describe, expect, it } from 'vitest';
import type { SentAuthLink } from '../../src/shared/contract';
import type { LinkedAccountView } from '../../src/shared/domain';
import { customerSummaryText } from '../../src/renderer/src/customer-summary-text';
import { dateTimeWithZoneText } from '../../src/renderer/src/date-time-text';

const customer = { id: 'acme', name: 'Acme Ltd', createdAt: '2026-12-01T10:00:00.000Z' };
const at = new Date('2026-12-03T10:20:00.000Z');
const when = dateTimeWithZoneText(at);

describe("a customer's summary", () => {
  it('lists each account with its status, what needs re-linking and why, when and by whom it was linked, and its id', () => {
    const text = customerSummaryText(
      customer,
      [
        {
          id: 'acc-1',
          customerId: 'acme',
          provider: 'bamboohr',
          providerName: 'BambooHR',
          status: 'active',
          statusReasons: [],
          createdAt: '2026-12-01T14:30:00.000Z',
          linkedBy: 'alice@example.com',
          updatedAt: '2026-12-03T10:00:00.000Z',
        },
        {
          id: 'acc-2',
          customerId: 'acme',
          provider: 'hubspot',
          status: 'expired',
          statusReasons: [
            { timestamp: '2026-12-03T09:00:00Z', description: 'Token revoked' },
            { timestamp: '2026-12-03T09:00:00Z', code: 'E42' },
          ],
          createdAt: '2026-11-20T08:00:00.000Z',
          updatedAt: '2026-12-03T10:00:00.000Z',
        },
        {
          id: 'acc-3',
          customerId: 'acme',
          provider: 'workday',
          label: 'UK entity',
          linkedBy: 'Bob',
          status: 'pending',
          statusReasons: [],
          updatedAt: '2026-12-03T10:00:00.000Z',
        },
      ],
      [],
      at,
    );
    expect(text).toBe(
      [
        `Acme Ltd (customer id acme), as of ${when}: 3 linked accounts, 1 to re-link.`,
        `- BambooHR: Active, linked ${dateTimeWithZoneText('2026-12-01T14:30:00.000Z')} by alice@example.com [account acc-1]`,
        `- hubspot: Expired, to re-link (Token revoked; E42), linked ${dateTimeWithZoneText('2026-11-20T08:00:00.000Z')} [account acc-2]`,
        '- workday (UK entity): Pending verification, linked by Bob [account acc-3]',
        '',
      ].join('\n'),
    );
  });

  it('says when there is no linked account', () => {
    expect(customerSummaryText(customer, [], [], at)).toBe(
      `Acme Ltd (customer id acme), as of ${when}: no linked accounts.\n`,
    );
  });

  it("says whom the customer's links are emailed to, where someone is kept", () => {
    const withContact = { ...customer, contactEmails: ['it@acme.example', 'hr@acme.example'] };
    expect(customerSummaryText(withContact, [], [], at)).toBe(
      `Acme Ltd (customer id acme; links emailed to it@acme.example, hr@acme.example), as of ${when}: no linked accounts.\n`,
    );
  });

  const link = (fields: Partial<SentAuthLink>): SentAuthLink => ({
    id: '00000000-0000-4000-8000-000000000001',
    url: 'https://app.stackone.com/embedded/integrations?token=secret-token',
    createdAt: '2026-12-01T09:00:00.000Z',
    expiresAt: '2026-12-04T09:00:00.000Z',
    relinkAccountId: null,
    secondAccountLabel: null,
    category: null,
    ...fields,
  });
  const bambooHr: LinkedAccountView = {
    id: 'acc-1',
    customerId: 'acme',
    provider: 'bamboohr',
    providerName: 'BambooHR',
    status: 'expired',
    statusReasons: [],
    createdAt: '2026-12-02T11:00:00.000Z',
    updatedAt: '2026-12-03T10:00:00.000Z',
  };
  const zoned = dateTimeWithZoneText;

  it('then lists the links sent: what each is for, until when it works or when it expired, and what was linked since, never the link itself', () => {
    const text = customerSummaryText(
      customer,
      [bambooHr],
      [
        link({}),
        link({
          createdAt: '2026-11-20T09:00:00.000Z',
          expiresAt: '2026-11-23T09:00:00.000Z',
          secondAccountLabel: 'UK entity',
        }),
        link({
          createdAt: '2026-12-03T09:30:00.000Z',
          expiresAt: '2026-12-03T10:00:00.000Z',
          relinkAccountId: 'acc-1',
        }),
      ],
      at,
    );
    expect(text.split('Links sent:\n')[1]).toBe(
      [
        `- To link their systems, made ${zoned('2026-12-01T09:00:00.000Z')}; works until ${zoned('2026-12-04T09:00:00.000Z')}; since then BambooHR linked ${zoned('2026-12-02T11:00:00.000Z')}`,
        `- To link a second account, labelled “UK entity”, made ${zoned('2026-11-20T09:00:00.000Z')}; expired ${zoned('2026-11-23T09:00:00.000Z')}; nothing linked since it was made`,
        `- To re-link BambooHR, made ${zoned('2026-12-03T09:30:00.000Z')}; expired ${zoned('2026-12-03T10:00:00.000Z')}; BambooHR still needs re-linking`,
        '',
      ].join('\n'),
    );
    expect(text).not.toContain('token');
  });

  it('says of a link for one kind of system alone which kind, of a second account too', () => {
    const lines = customerSummaryText(
      customer,
      [],
      [
        link({ category: 'hris' }),
        link({ category: 'ats', secondAccountLabel: 'UK entity' }),
        link({ category: 'crm' }),
      ],
      at,
    )
      .split('Links sent:\n')[1]
      ?.split('\n');
    expect(lines?.[0]).toMatch(/^- To link their HR system, made /);
    expect(lines?.[1]).toMatch(
      /^- To link a second applicant tracking system, labelled “UK entity”, made /,
    );
    expect(lines?.[2]).toMatch(/^- To link their CRM, made /);
  });

  it('says of a link to re-link only once it has expired with the account still to re-link', () => {
    const relinkLink = (expiresAt: string) =>
      link({ createdAt: '2026-12-03T09:30:00.000Z', expiresAt, relinkAccountId: 'acc-1' });
    const linesOf = (accounts: LinkedAccountView[], expiresAt: string) =>
      customerSummaryText(customer, accounts, [relinkLink(expiresAt)], at).split(
        'Links sent:\n',
      )[1];
    const expired = '2026-12-03T10:00:00.000Z';
    expect(linesOf([{ ...bambooHr, status: 'active' }], expired)).toMatch(
      new RegExp(`; expired ${zoned(expired)}\n$`),
    );
    expect(linesOf([bambooHr], '2026-12-04T10:00:00.000Z')).toMatch(/; works until [^;]+\n$/);
    expect(linesOf([], expired)).toMatch(
      new RegExp(`^- To re-link an account since disconnected, made [^;]+; expired [^;]+\n$`),
    );
  });

  it('says of an expired link that nothing came of when another for the same works until, or expired later, not the last', () => {
    const relinkLink = (createdAt: string, expiresAt: string) =>
      link({ createdAt, expiresAt, relinkAccountId: 'acc-1' });
    const second = (createdAt: string, expiresAt: string) =>
      link({ createdAt, expiresAt, secondAccountLabel: 'UK entity' });
    const lines = customerSummaryText(
      customer,
      [bambooHr],
      [
        relinkLink('2026-12-03T09:00:00.000Z', '2026-12-05T09:00:00.000Z'),
        relinkLink('2026-12-02T09:00:00.000Z', '2026-12-03T09:00:00.000Z'),
        second('2026-12-02T10:00:00.000Z', '2026-12-03T08:00:00.000Z'),
        // Outlasting the first but expired too: the customer has none that works, and the one to
        // follow up is this one.
        second('2026-11-30T10:00:00.000Z', '2026-12-03T09:00:00.000Z'),
      ],
      at,
    )
      .split('Links sent:\n')[1]
      ?.split('\n');
    expect(lines?.[1]).toMatch(
      new RegExp(
        `; BambooHR still needs re-linking; another link for the same works until ${zoned('2026-12-05T09:00:00.000Z')}$`,
      ),
    );
    expect(lines?.[0]).toMatch(/; works until [^;]+$/);
    expect(lines?.[2]).toMatch(
      new RegExp(
        `; expired [^;]+; nothing linked since it was made; another link for the same expired ${zoned('2026-12-03T09:00:00.000Z')}$`,
      ),
    );
    expect(lines?.[3]).toMatch(/; expired [^;]+; nothing linked since it was made$/);
  });

  it('says so when the links sent could not be read, and says nothing of links when there are none', () => {
    expect(customerSummaryText(customer, [], null, at)).toBe(
      `Acme Ltd (customer id acme), as of ${when}: no linked accounts.\nLinks sent: could not be read.\n`,
    );
    expect(customerSummaryText(customer, [bambooHr], [], at)).not.toContain('Links sent');
  });
});
