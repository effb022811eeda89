import { afterEach, describe, expect, it } from 'vitest';
import { createAccountKindLearner } from '../../src/main/account-kinds';
import type { AccountStore } from '../../src/main/account-store';
import { silentLogger } from '../../src/main/logger';
import type { StackOneAccount } from '../../src/main/stackone-api';
import { openTestAccountStore } from '../support/conf-store';
import { eventually } from '../support/eventually';
import { makeTempDir } from '../support/temp-dir';

let temp: ReturnType<typeof makeTempDir>;
let store: AccountStore;
afterEach(async () => {
  await store.flush();
  temp.remove();
});

const linkedAt = (id: string, createdAt: string): StackOneAccount => ({
  id,
  provider: 'bamboohr',
  originOwnerId: 'acme',
  originOwnerName: 'Acme Ltd',
  status: 'active',
  statusReasons: [],
  createdAt,
  updatedAt: createdAt,
});

describe("the accounts' kinds of system", () => {
  it('are asked for only of accounts made since a link for one kind, once each, a failed call again with the next change', async () => {
    temp = makeTempDir('kinds');
    store = openTestAccountStore(temp.path, { now: () => new Date('2026-12-04T10:00:00.000Z') });
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    const asked: string[] = [];
    const answers = new Map<string, () => Promise<string | null>>([
      ['since', () => Promise.resolve('ats')],
      ['unreadable', () => Promise.resolve(null)],
      // Not what the account file can keep: kept, it would make the file unreadable.
      ['odd', () => Promise.resolve('x'.repeat(65))],
    ]);
    let failNext = true;
    answers.set('flaky', () => {
      if (!failNext) return Promise.resolve('hris');
      failNext = false;
      return Promise.reject(new Error('connection reset'));
    });
    const kinds = createAccountKindLearner({
      store,
      readCategory: (id) => {
        asked.push(id);
        return answers.get(id)?.() ?? Promise.reject(new Error(`asked about ${id}`));
      },
      logger: silentLogger(),
    });
    store.onAccountsChanged((ids) => kinds.learnFor(ids));

    store.applyVerified(linkedAt('before', '2026-12-04T08:00:00.000Z'));
    kinds.learnFor(['acme']);
    expect(asked).toEqual([]);

    store.recordSentLink({
      id: '00000000-0000-4000-8000-000000000001',
      customerId: 'acme',
      urlCiphertext: 'ciphertext',
      createdAt: '2026-12-04T09:00:00.000Z',
      expiresAt: '2026-12-05T09:00:00.000Z',
      relinkAccountId: null,
      secondAccountLabel: null,
      category: 'hris',
    });
    for (const id of ['since', 'unreadable', 'odd', 'flaky'])
      store.applyVerified(linkedAt(id, '2026-12-04T09:30:00.000Z'));
    await eventually(() => expect(store.getAccount('since')?.category).toBe('ats'));
    expect(store.getAccount('before')).not.toHaveProperty('category');
    expect(store.getAccount('unreadable')).not.toHaveProperty('category');
    expect(store.getAccount('odd')).not.toHaveProperty('category');

    // A change (here the kind just learnt) asks again about the one whose call failed, and only
    // that one; once known, it is asked about no more.
    await eventually(() => expect(store.getAccount('flaky')?.category).toBe('hris'));
    kinds.learnFor(['acme']);
    await kinds.stop();
    expect([...asked].sort()).toEqual(['flaky', 'flaky', 'odd', 'since', 'unreadable']);
    await store.flush();
    const reopened = openTestAccountStore(temp.path);
    expect(reopened.warning).toBeNull();
    expect(reopened.getAccount('since')?.category).toBe('ats');
  });
});
