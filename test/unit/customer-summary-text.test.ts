import { describe, expect, it } from 'vitest';
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
    expect(customerSummaryText(customer, [], at)).toBe(
      `Acme Ltd (customer id acme), as of ${when}: no linked accounts.\n`,
    );
  });
});
