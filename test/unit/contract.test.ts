import { describe, expect, it } from 'vitest';
import {
  bridgeCallNames,
  bridgeCalls,
  bridgeEventNames,
  bridgeEvents,
} from '../../src/shared/contract';

describe('bridge contract', () => {
  it('declares schemas for exactly the names the preload exposes', () => {
    expect(Object.keys(bridgeCalls).sort()).toEqual([...bridgeCallNames].sort());
    expect(Object.keys(bridgeEvents).sort()).toEqual([...bridgeEventNames].sort());
  });

  it('takes a customer to show alone as a customer id, or null for all, and nothing else', () => {
    const input = bridgeCalls.showOnlyCustomer.input;
    expect(input.safeParse({ customerId: 'acme' }).success).toBe(true);
    expect(input.safeParse({ customerId: null }).success).toBe(true);
    expect(input.safeParse({}).success).toBe(false);
    expect(input.safeParse({ customerId: 'not an id' }).success).toBe(false);
    expect(input.safeParse({ customerId: 'acme', notify: true }).success).toBe(false);
  });

  it("takes whom a customer's links are emailed to as up to 10 email addresses, or none for nobody", () => {
    const input = bridgeCalls.saveCustomerContactEmails.input;
    const valid = (contactEmails: unknown) =>
      input.safeParse({ id: 'acme', contactEmails }).success;
    expect(valid(['it+links@acme.example'])).toBe(true);
    expect(valid(['it@acme.example', 'hr@acme.example'])).toBe(true);
    expect(valid([])).toBe(true);
    expect(valid(Array.from({ length: 10 }, (_, i) => `it${i}@acme.example`))).toBe(true);
    expect(valid(Array.from({ length: 11 }, (_, i) => `it${i}@acme.example`))).toBe(false);
    for (const address of ['', 'it at acme', 'it@', '@acme.example', `${'a'.repeat(250)}@a.io`])
      expect(valid(['it@acme.example', address])).toBe(false);
    expect(valid('it@acme.example')).toBe(false);
    expect(valid(null)).toBe(false);
    expect(input.safeParse({ id: 'not an id', contactEmails: [] }).success).toBe(false);
    expect(input.safeParse({ id: 'acme', contactEmails: [], name: 'X' }).success).toBe(false);
  });

  it("takes a customer file's text up to 2 MiB, and at most 5,000 valid customers to add at once", () => {
    const read = bridgeCalls.readCustomersFile.input;
    expect(read.safeParse({ text: 'name,id\nAcme,acme\n' }).success).toBe(true);
    expect(read.safeParse({ text: 'x'.repeat(2 * 1024 * 1024) }).success).toBe(true);
    const tooLarge = read.safeParse({ text: 'x'.repeat(2 * 1024 * 1024 + 1) });
    expect(tooLarge.error?.issues[0]?.message).toBe(
      'The file is over 2 MiB: that is not a list of customers.',
    );
    expect(read.safeParse({ text: 'name,id', path: '/etc/passwd' }).success).toBe(false);

    const create = bridgeCalls.createCustomers.input;
    const row = (n: number) => ({ line: n + 2, id: `c${n}`, name: `Customer ${n}` });
    const valid = (customers: unknown) => create.safeParse({ customers }).success;
    expect(valid([row(0), { ...row(1), contactEmails: ['it@c1.example'] }])).toBe(true);
    expect(valid(Array.from({ length: 5000 }, (_, n) => row(n)))).toBe(true);
    expect(valid(Array.from({ length: 5001 }, (_, n) => row(n)))).toBe(false);
    expect(valid([])).toBe(false);
    expect(valid([{ ...row(0), id: 'not an id' }])).toBe(false);
    expect(valid([{ ...row(0), name: ' ' }])).toBe(false);
    expect(valid([{ ...row(0), contactEmails: ['it at c0'] }])).toBe(false);

    const addresses = bridgeCalls.saveCustomersContactEmails.input;
    const takes = (customers: unknown) => addresses.safeParse({ customers }).success;
    const entry = (n: number) => ({ id: `c${n}`, contactEmails: [`it@c${n}.example`] });
    expect(takes([entry(0)])).toBe(true);
    expect(takes(Array.from({ length: 5000 }, (_, n) => entry(n)))).toBe(true);
    expect(takes(Array.from({ length: 5001 }, (_, n) => entry(n)))).toBe(false);
    expect(takes([])).toBe(false);
    // Not a way to clear addresses, nor to rename: only addresses to take.
    expect(takes([{ id: 'c0', contactEmails: [] }])).toBe(false);
    expect(takes([{ ...entry(0), name: 'Renamed' }])).toBe(false);
    expect(takes([{ ...entry(0), contactEmails: ['it at c0'] }])).toBe(false);
    expect(takes([{ ...entry(0), id: 'not an id' }])).toBe(false);
  });

  it('never lets a connect session result carry more than the token and hub URLs', () => {
    const output = bridgeCalls.createConnectSession.output;
    expect(
      output.safeParse({
        token: 't',
        hubBaseUrl: 'http://127.0.0.1:1',
        hubAppUrl: 'http://127.0.0.1:1',
        expiresInSeconds: 1800,
        apiKey: 'k',
      }).success,
    ).toBe(false);
    expect(
      output.safeParse({
        token: 't',
        hubBaseUrl: 'http://127.0.0.1:1',
        hubAppUrl: 'http://127.0.0.1:1',
        expiresInSeconds: 1800,
      }).success,
    ).toBe(true);
  });

  it.each([0, 8, 1.5, '3', null])('refuses an auth link valid for %s days', (validForDays) => {
    expect(
      bridgeCalls.createAuthLink.input.safeParse({ customerId: 'acme', validForDays }).success,
    ).toBe(false);
  });

  it('accepts an auth link valid for 1 to 7 days, and only an http(s) link back', () => {
    for (const validForDays of [1, 7]) {
      expect(
        bridgeCalls.createAuthLink.input.safeParse({ customerId: 'acme', validForDays }).success,
      ).toBe(true);
    }
    const output = bridgeCalls.createAuthLink.output;
    const expiresAt = '2026-12-05T10:00:00.000Z';
    expect(output.safeParse({ url: 'https://app.stackone.com/x?token=t', expiresAt }).success).toBe(
      true,
    );
    expect(output.safeParse({ url: 'javascript:alert(1)', expiresAt }).success).toBe(false);
    expect(
      output.safeParse({ url: 'https://app.stackone.com/x', expiresAt, token: 't' }).success,
    ).toBe(false);
  });

  it('takes a second account with a label, trimmed, but not one that is also a re-link', () => {
    for (const call of [bridgeCalls.createConnectSession, bridgeCalls.createAuthLink]) {
      const base = { customerId: 'acme', validForDays: 1 };
      const parse = (input: object) =>
        call.input.safeParse(
          call === bridgeCalls.createAuthLink
            ? { ...base, ...input }
            : { customerId: 'acme', ...input },
        );
      expect(parse({ secondAccount: { label: '  UK entity ' } }).data).toMatchObject({
        secondAccount: { label: 'UK entity' },
      });
      for (const label of ['', '   ', 'x'.repeat(101)])
        expect(parse({ secondAccount: { label } }).success, `label "${label}"`).toBe(false);
      expect(parse({ secondAccount: {} }).success).toBe(false);
      const both = parse({ secondAccount: { label: 'UK' }, accountId: '123' });
      expect(both.error?.issues[0]?.message).toBe(
        'A link either re-links an account or adds a second one, not both.',
      );
      expect(parse({ accountId: '123' }).success).toBe(true);
    }
  });

  it('takes an auth link for one of the kinds of system the app offers alone, but not for a re-link', () => {
    const parse = (input: object) =>
      bridgeCalls.createAuthLink.input.safeParse({ customerId: 'acme', validForDays: 1, ...input });
    for (const category of ['hris', 'ats', 'crm'])
      expect(parse({ category }).data).toMatchObject({ category });
    expect(parse({ category: 'hris', secondAccount: { label: 'UK' } }).success).toBe(true);
    for (const category of ['lms', 'HRIS', '', null])
      expect(parse({ category }).success, `category ${String(category)}`).toBe(false);
    expect(parse({ category: 'hris', accountId: '123' }).error?.issues[0]?.message).toBe(
      'A link to re-link an account is for that account’s system: it takes no kind.',
    );
  });
});
