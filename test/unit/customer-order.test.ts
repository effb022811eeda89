import { describe, expect, it } from 'vitest';
import { compareCustomers } from '../../src/shared/customer-order';

const sortedNames = (customers: { name: string; id: string }[]) =>
  [...customers].sort(compareCustomers).map((c) => `${c.name} (${c.id})`);

describe('compareCustomers', () => {
  it('puts numbers in names in order by value, not digit by digit', () => {
    const names = ['Store 10', 'Store 9', 'Store 100', 'Store 1'];
    expect(sortedNames(names.map((name, i) => ({ name, id: `s${i}` })))).toEqual([
      'Store 1 (s3)',
      'Store 9 (s1)',
      'Store 10 (s0)',
      'Store 100 (s2)',
    ]);
  });

  it('reads names regardless of case and accents', () => {
    const customers = [
      { name: 'zeta', id: 'z' },
      { name: 'Éclair', id: 'e' },
      { name: 'acme', id: 'a' },
      { name: 'Beta', id: 'b' },
    ];
    expect(sortedNames(customers)).toEqual(['acme (a)', 'Beta (b)', 'Éclair (e)', 'zeta (z)']);
  });

  it('orders customers of one name by id, the same way whichever comes first', () => {
    const one = { name: 'Acme', id: 'acme-10' };
    const two = { name: 'acme', id: 'acme-9' };
    const three = { name: 'Acme', id: 'ACME-9' };
    expect(sortedNames([one, two, three])).toEqual(sortedNames([three, two, one]));
    expect(sortedNames([one, two, three])).toEqual([
      'Acme (ACME-9)',
      'acme (acme-9)',
      'Acme (acme-10)',
    ]);
    expect(compareCustomers(one, { ...one })).toBe(0);
  });
});
