import { describe, expect, it } from 'vitest';
import type { StackOneAccount } from '../../src/main/stackone-api';
import { stackOneCustomersOf } from '../../src/main/stackone-customers';

const account = (
  id: string,
  originOwnerId: string,
  originOwnerName: string,
  updatedAt = '2026-01-01T10:00:00.000Z',
): StackOneAccount => ({
  id,
  provider: 'bamboohr',
  originOwnerId,
  originOwnerName,
  status: 'active',
  statusReasons: [],
  createdAt: '2026-01-01T09:00:00.000Z',
  updatedAt,
});

describe('customers found in StackOne', () => {
  it('lists each owner not in the app once, by the name on their newest account, sorted by name', () => {
    const found = stackOneCustomersOf(
      {
        accounts: [
          account('1', 'initech', 'Initech (old name)', '2026-01-01T10:00:00.000Z'),
          account('2', 'globex', 'Globex'),
          account('3', 'acme', 'Acme Ltd'),
          account('4', 'initech', 'Initech', '2026-02-01T10:00:00.000Z'),
          account('5', 'initech', 'Initech (older)', '2025-12-01T10:00:00.000Z'),
        ],
        complete: true,
      },
      new Set(['acme']),
    );
    expect(found).toEqual({
      customers: [
        { id: 'globex', name: 'Globex', accounts: 1 },
        { id: 'initech', name: 'Initech', accounts: 3 },
      ],
      accountsRead: 5,
      complete: true,
      unusableIds: 0,
    });
  });

  it('counts owners whose ids the app cannot take instead of listing them', () => {
    const found = stackOneCustomersOf(
      {
        accounts: [
          account('1', 'Acme Corp / EMEA', 'Acme EMEA'),
          account('2', ' padded', 'Padded'),
          account('3', 'globex', 'Globex'),
        ],
        complete: false,
      },
      new Set(),
    );
    expect(found.customers.map((c) => c.id)).toEqual(['globex']);
    expect(found.unusableIds).toBe(2);
    expect(found.complete).toBe(false);
  });

  it('names an owner by their id when the name StackOne has is not one the app can keep', () => {
    const found = stackOneCustomersOf(
      {
        accounts: [account('1', 'globex', '   '), account('2', 'hooli', 'H'.repeat(201))],
        complete: true,
      },
      new Set(),
    );
    expect(found.customers.map((c) => c.name)).toEqual(['globex', 'hooli']);
  });
});
