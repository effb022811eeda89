import { describe, expect, it } from 'vitest';
import { matchesCustomerSearch } from '../../src/renderer/src/customer-search';

const customer = (name: string, id = 'c-1') => ({ name, id });

describe('matchesCustomerSearch', () => {
  it('finds names whatever the case and accents of either side', () => {
    expect(matchesCustomerSearch(customer('Brauerei München Süd'), 'munchen')).toBe(true);
    expect(matchesCustomerSearch(customer('Brauerei Munchen Sud'), 'MÜNCHEN')).toBe(true);
    expect(matchesCustomerSearch(customer('Café Éclair'), 'cafe ecl')).toBe(true);
    expect(matchesCustomerSearch(customer('Señor Ñandú'), 'senor nandu')).toBe(true);
  });

  it('finds letters that have no accent to take away by how they are typed without them', () => {
    expect(matchesCustomerSearch(customer('Großhandel Weiß'), 'grosshandel weiss')).toBe(true);
    expect(matchesCustomerSearch(customer('Ørsted Næstved'), 'orsted naestved')).toBe(true);
    expect(matchesCustomerSearch(customer('Łódź Żywiec'), 'lodz zywiec')).toBe(true);
  });

  it('finds ids as well as names, with the spaces around what was typed ignored', () => {
    expect(matchesCustomerSearch(customer('Initech', 'initech-eu-2'), '  EU-2 ')).toBe(true);
    expect(matchesCustomerSearch(customer('Initech', 'initech-eu-2'), 'us-2')).toBe(false);
  });

  it('keeps apart what differs by more than accents and case', () => {
    expect(matchesCustomerSearch(customer('Brauerei München'), 'munich')).toBe(false);
    expect(matchesCustomerSearch(customer('Acme'), 'acne')).toBe(false);
  });

  it('finds a customer by the systems linked for them, labels included', () => {
    const systems = ['BambooHR (UK entity)', 'Greenhouse'];
    expect(matchesCustomerSearch(customer('Acme'), 'bamboo', systems)).toBe(true);
    expect(matchesCustomerSearch(customer('Acme'), 'uk ent', systems)).toBe(true);
    expect(matchesCustomerSearch(customer('Acme'), 'GREENHOUSE', systems)).toBe(true);
    expect(matchesCustomerSearch(customer('Acme'), 'workday', systems)).toBe(false);
    expect(matchesCustomerSearch(customer('Acme'), 'bamboo')).toBe(false);
  });

  it('finds a customer by an address their links are emailed to, its domain say', () => {
    const acme = {
      ...customer('Acme Ltd'),
      contactEmails: ['it@acme-group.example', 'hr@acme-payroll.example'],
    };
    expect(matchesCustomerSearch(acme, 'acme-group')).toBe(true);
    expect(matchesCustomerSearch(acme, 'IT@')).toBe(true);
    expect(matchesCustomerSearch(acme, 'payroll')).toBe(true);
    expect(matchesCustomerSearch(acme, 'globex')).toBe(false);
    expect(matchesCustomerSearch(customer('Acme Ltd'), 'acme-group')).toBe(false);
  });

  it('lists everyone while nothing is typed', () => {
    expect(matchesCustomerSearch(customer('Acme'), '')).toBe(true);
    expect(matchesCustomerSearch(customer('Acme'), '   ')).toBe(true);
  });
});
