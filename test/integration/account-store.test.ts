import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/main/app-error';
import type { StackOneAccount } from '../../src/main/stackone-api';
import { AccountListNotSavedError, type AccountStore } from '../../src/main/account-store';
import { blockFile } from '../support/blocked-file';
import { openTestAccountStore } from '../support/conf-store';
import { eventually } from '../support/eventually';
import { makeTempDir } from '../support/temp-dir';

let temp: ReturnType<typeof makeTempDir>;
const opened: AccountStore[] = [];
afterEach(async () => {
  // A burst's write comes a turn later: wait for it, or it makes the removed folder again.
  for (const store of opened.splice(0)) await store.flush();
  temp.remove();
});

/** An account file as an earlier version, or a damaged disk, left it in the test's folder. */
const writeAccountFile = (document: object) =>
  writeFileSync(join(temp.path, 'onboarding.json'), JSON.stringify(document));

/** An account file holding one customer, no account and relay cursor 3, and `fields`. */
const fileOfAcmeAlone = (fields: object = {}) => ({
  schemaVersion: 1,
  customers: [{ id: 'acme', name: 'Acme Ltd', createdAt: '2026-01-01T10:00:00.000Z' }],
  accounts: [],
  relayCursor: 3,
  ...fields,
});

/** The account store on a real conf file in `dir`, flushed before the test's folder goes. */
function openStore(...args: Parameters<typeof openTestAccountStore>): AccountStore {
  const store = openTestAccountStore(...args);
  opened.push(store);
  return store;
}

const remote = (overrides: Partial<StackOneAccount> = {}): StackOneAccount => ({
  id: 'acc-1',
  provider: 'bamboohr',
  originOwnerId: 'acme',
  originOwnerName: 'Acme Ltd',
  status: 'active',
  statusReasons: [],
  createdAt: '2026-01-01T09:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  ...overrides,
});

describe('account store on a conf file', () => {
  it('persists customers, accounts and the relay cursor across a reopen', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    store.recordPending({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' });
    store.setRelayCursor(7);
    await store.flush();

    const reopened = openStore(temp.path);
    expect(reopened.warning).toBeNull();
    expect(reopened.listCustomers().map((c) => c.name)).toEqual(['Acme Ltd']);
    expect(reopened.accountsOf('acme')).toMatchObject([{ id: 'acc-1', status: 'pending' }]);
    expect(reopened.relayCursor).toBe(7);
  });

  it('keeps the relay log its cursor is of, and forgets the cursor when another log comes', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.setRelayCursor(7);
    // A file from before log ids: its cursor is taken as the first log named's.
    store.enterRelayLog('relay-log-0001');
    expect(store.relayCursor).toBe(7);
    store.setRelayCursor(9);
    store.enterRelayLog('relay-log-0001');
    expect(store.relayCursor).toBe(9);
    await store.flush();

    const reopened = openStore(temp.path);
    expect(reopened.relayLogId).toBe('relay-log-0001');
    expect(reopened.relayCursor).toBe(9);
    reopened.enterRelayLog('relay-log-0002');
    expect(reopened.relayLogId).toBe('relay-log-0002');
    expect(reopened.relayCursor).toBeNull();
    reopened.setRelayCursor(2);
    // A gap from a log that starts over behind the cursor: the log is still this one.
    reopened.forgetRelayCursor();
    expect(reopened.relayLogId).toBe('relay-log-0002');
    expect(reopened.relayCursor).toBeNull();
    reopened.setRelayCursor(1);
    // Settings given another relay: its log is another.
    reopened.forgetRelayLog();
    expect(reopened.relayLogId).toBeNull();
    expect(reopened.relayCursor).toBeNull();
    reopened.enterRelayLog('relay-log-0003');
    reopened.setRelayCursor(4);
    reopened.clear();
    expect(reopened.relayLogId).toBeNull();
    expect(reopened.relayCursor).toBeNull();
  });

  it('reads a file whose relay log id is not one (edited by hand) without it, and keeps the rest', () => {
    temp = makeTempDir('store');
    writeAccountFile(fileOfAcmeAlone({ relayLogId: 'not an id' }));
    const store = openStore(temp.path);
    expect(store.warning).toBeNull();
    expect(store.listCustomers().map((c) => c.id)).toEqual(['acme']);
    expect(store.relayLogId).toBeNull();
    expect(store.relayCursor).toBe(3);
  });

  it('keeps since when StackOne’s events are found missing across a reopen, and reads a file without it, or with one that is not a time, as not found', async () => {
    temp = makeTempDir('store');
    writeAccountFile(fileOfAcmeAlone());
    const store = openStore(temp.path);
    expect(store.stackOneEventsMissingSince).toBeNull();
    store.setStackOneEventsMissingSince('2026-12-07T15:00:01.000Z');
    await store.flush();
    expect(openStore(temp.path).stackOneEventsMissingSince).toBe('2026-12-07T15:00:01.000Z');

    writeAccountFile(fileOfAcmeAlone({ stackOneEventsMissingSince: 'yesterday' }));
    const edited = openStore(temp.path);
    expect(edited.warning).toBeNull();
    expect(edited.stackOneEventsMissingSince).toBeNull();
    expect(edited.relayCursor).toBe(3);
  });

  it('keeps since when its record of the relay’s log is unbroken across a reopen, and begins it again wherever events after its cursor may be lost', async () => {
    temp = makeTempDir('store');
    let clock = Date.parse('2026-12-07T15:00:00.000Z');
    const now = () => new Date(clock);
    /** A minute on: the time it is then. */
    const later = () => {
      clock += 60_000;
      return now().toISOString();
    };
    // A file from before the record was kept: it begins as the file is read.
    writeAccountFile(fileOfAcmeAlone());
    const store = openStore(temp.path, { now });
    expect(store.relayRecordUnbrokenSince).toBe('2026-12-07T15:00:00.000Z');
    later();
    // Its cursor, from before log ids, is taken as the first log's: nothing lost.
    store.enterRelayLog('relay-log-0001');
    store.setRelayCursor(5);
    await store.flush();
    later();
    const reopened = openStore(temp.path, { now });
    expect(reopened.relayRecordUnbrokenSince).toBe('2026-12-07T15:00:00.000Z');
    reopened.enterRelayLog('relay-log-0001');
    expect(reopened.relayRecordUnbrokenSince).toBe('2026-12-07T15:00:00.000Z');

    // Retention dropped 6-9: the cursor moves past them.
    const retentionDropped = later();
    reopened.passRelayGap(9);
    expect(reopened.relayRecordUnbrokenSince).toBe(retentionDropped);
    expect(reopened.relayCursor).toBe(9);
    const startedOver = later();
    reopened.forgetRelayCursor();
    expect(reopened.relayRecordUnbrokenSince).toBe(startedOver);
    later();
    // No cursor left to lose events after.
    reopened.forgetRelayCursor();
    expect(reopened.relayRecordUnbrokenSince).toBe(startedOver);
    reopened.setRelayCursor(2);
    const anotherLog = later();
    reopened.enterRelayLog('relay-log-0002');
    expect(reopened.relayRecordUnbrokenSince).toBe(anotherLog);
    reopened.setRelayCursor(1);
    const anotherRelay = later();
    reopened.forgetRelayLog();
    expect(reopened.relayRecordUnbrokenSince).toBe(anotherRelay);
    // With no cursor to lose events after, entering the log is not a loss of its own.
    later();
    reopened.enterRelayLog('relay-log-0003');
    expect(reopened.relayRecordUnbrokenSince).toBe(anotherRelay);
    const cleared = later();
    reopened.clear();
    expect(reopened.relayRecordUnbrokenSince).toBe(cleared);
    await reopened.flush();
    later();
    expect(openStore(temp.path, { now }).relayRecordUnbrokenSince).toBe(cleared);

    writeAccountFile(fileOfAcmeAlone({ relayRecordUnbrokenSince: 'yesterday' }));
    const readAgain = later();
    const edited = openStore(temp.path, { now });
    expect(edited.warning).toBeNull();
    expect(edited.relayRecordUnbrokenSince).toBe(readAgain);
    expect(edited.relayCursor).toBe(3);
  });

  it('writes a burst of changes once and tells listeners once per customer', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    await store.flush();
    const file = join(temp.path, 'onboarding.json');
    const before = readFileSync(file, 'utf8');
    const notified: string[][] = [];
    store.onAccountsChanged((ids) => notified.push([...ids]));

    for (let i = 0; i < 50; i++) {
      store.applyVerified(
        remote({
          id: `acc-${i}`,
          updatedAt: `2026-01-01T10:00:${String(i).padStart(2, '0')}.000Z`,
        }),
      );
      store.setRelayCursor(i + 1);
    }
    expect(readFileSync(file, 'utf8')).toBe(before); // nothing written yet
    await store.flush();
    expect(notified).toEqual([['acme']]);
    expect(JSON.parse(readFileSync(file, 'utf8')).accounts).toHaveLength(50);
  });

  it('neither writes nor tells listeners when StackOne confirms an account unchanged', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    store.applyVerified(
      remote({
        statusReasons: [{ code: 'c', description: 'd', timestamp: '2026-01-01T10:00:00.000Z' }],
      }),
    );
    await store.flush();
    const file = join(temp.path, 'onboarding.json');
    const written = statSync(file).mtimeMs;
    const notified: string[][] = [];
    store.onAccountsChanged((ids) => notified.push([...ids]));

    store.applyVerified(
      remote({
        statusReasons: [{ code: 'c', description: 'd', timestamp: '2026-01-01T10:00:00.000Z' }],
      }),
    );
    await store.flush();
    expect(notified).toEqual([]);
    expect(statSync(file).mtimeMs).toBe(written);

    store.applyVerified(remote({ status: 'error', updatedAt: '2026-01-01T11:00:00.000Z' }));
    await store.flush();
    expect(notified).toEqual([['acme']]);
  });

  it('moves an unreadable file aside, starts clean and says where the old file went', () => {
    temp = makeTempDir('store');
    writeFileSync(join(temp.path, 'onboarding.json'), '{"customers": [ truncated');
    const store = openStore(temp.path, { now: () => new Date('2026-02-03T04:05:06.789Z') });
    expect(store.listCustomers()).toEqual([]);
    expect(store.warning).toContain('onboarding.json.corrupt-2026-02-03T04-05-06-789Z');
    const aside = readdirSync(temp.path).find((name) => name.includes('.corrupt-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(temp.path, aside ?? ''), 'utf8')).toBe('{"customers": [ truncated');
  });

  it('moves nothing aside when the system will not let it read the file, and says why', () => {
    temp = makeTempDir('store');
    const file = join(temp.path, 'onboarding.json');
    blockFile(file);
    expect(() => openTestAccountStore(temp.path)).toThrow(
      `The app could not use its saved data in ${file} (the system said EISDIR). Check the disk, then start the app again.`,
    );
    expect(readdirSync(temp.path)).toEqual(['onboarding.json']);
    expect(statSync(file).isDirectory()).toBe(true);
  });

  it('moves aside a file whose JSON is valid but whose contents are not', () => {
    temp = makeTempDir('store');
    writeAccountFile({ schemaVersion: 1, customers: 'nope' });
    const store = openStore(temp.path);
    expect(store.warning).toMatch(/contents are not valid/);
    expect(readdirSync(temp.path).some((name) => name.includes('.corrupt-'))).toBe(true);
    expect(existsSync(join(temp.path, 'onboarding.json'))).toBe(true);
  });

  it('refuses a second customer with the same id and another name', () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    expect(store.addCustomer({ id: 'acme', name: 'Acme Ltd' }).name).toBe('Acme Ltd');
    expect(() => store.addCustomer({ id: 'acme', name: 'Other' })).toThrow(AppError);
  });

  it('gives every customer’s pending accounts, not those confirmed or deleted', () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.recordPending({ id: 'acme-pending', customerId: 'acme', provider: 'bamboohr' });
    store.recordPending({ id: 'globex-pending', customerId: 'globex', provider: 'workday' });
    store.recordPending({ id: 'confirmed', customerId: 'acme', provider: 'hibob' });
    store.applyVerified(remote({ id: 'confirmed', provider: 'hibob' }));
    store.recordPending({ id: 'deleted', customerId: 'globex', provider: 'bamboohr' });
    store.applyDeleted({ id: 'deleted', customerId: 'globex', provider: 'bamboohr' });
    expect(store.pendingAccounts().map((account) => account.id)).toEqual([
      'acme-pending',
      'globex-pending',
    ]);
  });

  it('keeps a deleted account deleted when a late update arrives', () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.applyVerified(remote());
    store.applyDeleted({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' });
    store.applyVerified(remote({ updatedAt: '2026-01-02T00:00:00.000Z' }));
    store.recordPending({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' });
    expect(store.accountsOf('acme')).toEqual([]);
    expect(store.isDeleted('acc-1')).toBe(true);
  });

  it('brings back an account taken for deleted that StackOne has after all, across a reopen', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    store.applyDeleted({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' });
    expect(store.deletedAccountIds()).toEqual(['acc-1']);
    const changed: string[][] = [];
    store.onAccountsChanged((customerIds) => changed.push([...customerIds]));

    store.restoreDeleted(remote({ status: 'error' }));
    expect(store.isDeleted('acc-1')).toBe(false);
    expect(store.deletedAccountIds()).toEqual([]);
    expect(store.accountsOf('acme')).toEqual([
      expect.objectContaining({ id: 'acc-1', status: 'error', provider: 'bamboohr' }),
    ]);
    await store.flush();
    expect(changed).toEqual([['acme']]);
    // Of an account not taken for deleted, nothing changes.
    store.restoreDeleted(remote({ status: 'active', updatedAt: '2026-01-02T00:00:00.000Z' }));
    expect(store.getAccount('acc-1')?.status).toBe('error');

    const reopened = openStore(temp.path);
    expect(reopened.getAccount('acc-1')?.status).toBe('error');
  });

  it('keeps the tombstone where StackOne’s account could not be kept in its place', () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.applyDeleted({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' });
    store.restoreDeleted(remote({ status: 's'.repeat(65) }));
    expect(store.isDeleted('acc-1')).toBe(true);
    expect(store.accountsOf('acme')).toEqual([]);
  });

  it('orders states by StackOne updated_at, dropping an older answer that arrives late', () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.applyVerified(remote({ status: 'error', updatedAt: '2026-01-01T12:00:00.000Z' }));
    store.applyVerified(remote({ status: 'active', updatedAt: '2026-01-01T11:00:00.000Z' }));
    expect(store.getAccount('acc-1')?.status).toBe('error');
  });

  it('does not turn a verified account back into pending', () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.applyVerified(remote());
    expect(
      store.recordPending({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' }).status,
    ).toBe('active');
  });
});

describe('an account list the disk will not take', () => {
  it('keeps the changes in memory and in the window, says why and what to do, and writes them once it can', async () => {
    temp = makeTempDir('store');
    const file = join(temp.path, 'onboarding.json');
    const store = openStore(temp.path, { retrySaveMs: 100 });
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    await store.flush();
    const problems: (string | null)[] = [];
    store.onSaveProblemChanged((problem) => problems.push(problem));
    const notified: string[][] = [];
    store.onAccountsChanged((ids) => notified.push([...ids]));

    const blocked = blockFile(file);
    store.recordPending({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' });
    store.setRelayCursor(3);
    const failure = await store.flush().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AccountListNotSavedError);
    expect(store.saveProblem).toMatch(
      /^The account list could not be saved to \S+onboarding\.json \(the system said E[A-Z]+\)\. What the window shows is kept while the app runs and saved as soon as that works\. Check the disk, and keep the app open until this message goes: closing it before would lose the changes made since\.$/,
    );
    expect(store.saveProblem).toContain(file);
    expect(problems).toEqual([store.saveProblem]);
    expect(notified).toEqual([['acme']]);
    expect(store.accountsOf('acme')).toMatchObject([{ id: 'acc-1', status: 'pending' }]);

    // No further change and no flush: the store's own retry writes it.
    blocked.unblock();
    await eventually(() => expect(store.saveProblem).toBeNull());
    expect(problems).toEqual([expect.any(String), null]);
    const reopened = openStore(temp.path);
    expect(reopened.accountsOf('acme')).toMatchObject([{ id: 'acc-1', status: 'pending' }]);
    expect(reopened.relayCursor).toBe(3);
  });

  it('tries again with the next change and with each flush, and a burst no one awaits fails quietly', async () => {
    temp = makeTempDir('store');
    const file = join(temp.path, 'onboarding.json');
    const store = openStore(temp.path, { retrySaveMs: 60_000 });
    await store.flush();
    const blocked = blockFile(file);
    // Nobody awaits this burst's write: its failure shows only as the problem.
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    await eventually(() => expect(store.saveProblem).not.toBeNull());
    store.addCustomer({ id: 'globex', name: 'Globex' });
    await expect(store.flush()).rejects.toThrow(AccountListNotSavedError);

    blocked.unblock();
    await store.flush();
    expect(store.saveProblem).toBeNull();
    expect(
      openStore(temp.path)
        .listCustomers()
        .map((c) => c.id),
    ).toEqual(['acme', 'globex']);
  });
});

describe("a provider's display name", () => {
  it('is kept across a reopen, through answers without one and through a deletion', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.recordPending({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' });
    expect(store.getAccount('acc-1')?.providerName).toBeUndefined();
    store.applyVerified(remote({ providerName: 'BambooHR' }));
    store.applyVerified(remote({ status: 'error', updatedAt: '2026-01-01T11:00:00.000Z' }));
    await store.flush();

    const reopened = openStore(temp.path);
    expect(reopened.warning).toBeNull();
    expect(reopened.getAccount('acc-1')).toMatchObject({
      status: 'error',
      providerName: 'BambooHR',
    });
    reopened.applyDeleted({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' });
    await reopened.flush();
    const stored = JSON.parse(readFileSync(join(temp.path, 'onboarding.json'), 'utf8')) as {
      accounts: { providerName?: string; deleted: boolean }[];
    };
    expect(stored.accounts).toMatchObject([{ providerName: 'BambooHR', deleted: true }]);
  });

  it('names an account StackOne has not named yet after another of its provider, here and after a reopen', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.applyVerified(remote({ providerName: 'BambooHR' }));
    // Another customer's, just linked through the Hub; and one of a provider never named.
    store.recordPending({ id: 'acc-2', customerId: 'globex', provider: 'bamboohr' });
    store.recordPending({ id: 'acc-3', customerId: 'globex', provider: 'hibob' });
    expect(store.accountsOf('globex')).toMatchObject([
      { id: 'acc-2', status: 'pending', providerName: 'BambooHR' },
      { id: 'acc-3', status: 'pending' },
    ]);
    expect(store.getAccount('acc-3')?.providerName).toBeUndefined();
    await store.flush();
    // Borrowed for showing, never written as StackOne's word on that account.
    const stored = JSON.parse(readFileSync(join(temp.path, 'onboarding.json'), 'utf8')) as {
      accounts: { id: string; providerName?: string }[];
    };
    expect(stored.accounts.find((account) => account.id === 'acc-2')?.providerName).toBeUndefined();

    const reopened = openStore(temp.path);
    reopened.applyDeleted({ id: 'acc-1', customerId: 'acme', provider: 'bamboohr' });
    expect(reopened.getAccount('acc-2')?.providerName).toBe('BambooHR');
  });

  it("is not carried over to another provider's answer for the same account id", () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.applyVerified(remote({ providerName: 'BambooHR' }));
    store.applyVerified(remote({ provider: 'hibob', updatedAt: '2026-01-01T11:00:00.000Z' }));
    expect(store.getAccount('acc-1')).toMatchObject({ provider: 'hibob' });
    expect(store.getAccount('acc-1')?.providerName).toBeUndefined();
  });

  it('is optional in a file written before it existed', async () => {
    temp = makeTempDir('store');
    writeAccountFile({
      schemaVersion: 1,
      customers: [{ id: 'acme', name: 'Acme Ltd', createdAt: '2026-01-01T09:00:00.000Z' }],
      accounts: [
        {
          id: 'acc-1',
          customerId: 'acme',
          provider: 'bamboohr',
          status: 'active',
          statusReasons: [],
          updatedAt: '2026-01-01T10:00:00.000Z',
          deleted: false,
        },
      ],
      relayCursor: 3,
    });
    const store = openStore(temp.path);
    expect(store.warning).toBeNull();
    expect(store.accountsOf('acme')).toMatchObject([{ id: 'acc-1', provider: 'bamboohr' }]);

    // Nor had such a file when StackOne made each account: StackOne's next answer gives it.
    expect(store.getAccount('acc-1')?.createdAt).toBeUndefined();
    store.applyVerified(remote());
    expect(store.getAccount('acc-1')?.createdAt).toBe('2026-01-01T09:00:00.000Z');
    await store.flush();
    expect(openStore(temp.path).getAccount('acc-1')?.createdAt).toBe('2026-01-01T09:00:00.000Z');
  });
});

describe('accounts that arrive from StackOne, not from this app', () => {
  it('keeps owner ids of any shape, and tombstones of unknown owners, across a reopen', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.applyVerified(remote({ id: 'foreign', originOwnerId: 'Acme Corp / EMEA 7' }));
    store.applyDeleted({ id: 'orphan', customerId: '', provider: 'hubspot' });
    await store.flush();

    const reopened = openStore(temp.path);
    expect(reopened.warning).toBeNull();
    expect(reopened.accountsOf('Acme Corp / EMEA 7').map((a) => a.id)).toEqual(['foreign']);
    expect(reopened.isDeleted('orphan')).toBe(true);
  });

  it('keeps none the file could not hold, so that the file stays readable with the rest in it', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path);
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    store.applyVerified(remote());
    const overLong = 'x'.repeat(201);
    store.applyDeleted({ id: overLong, customerId: 'acme', provider: 'bamboohr' });
    store.recordPending({ id: `${overLong}-pending`, customerId: 'acme', provider: 'bamboohr' });
    store.applyVerified(remote({ id: 'acc-2', status: 's'.repeat(65) }));
    expect(store.isDeleted(overLong)).toBe(false);
    expect(store.accountsOf('acme').map((a) => a.id)).toEqual(['acc-1']);
    await store.flush();

    const reopened = openStore(temp.path);
    expect(reopened.warning).toBeNull();
    expect(reopened.accountsOf('acme').map((a) => a.id)).toEqual(['acc-1']);
  });
});

describe('auth links kept for copying again', () => {
  const link = (id: string, customerId: string, createdAt: string, expiresAt: string) => ({
    id,
    customerId,
    urlCiphertext: `ciphertext-of-${id}`,
    createdAt,
    expiresAt,
    relinkAccountId: null,
    secondAccountLabel: null,
    category: null,
  });
  const firstId = '00000000-0000-4000-8000-000000000001';
  const secondId = '00000000-0000-4000-8000-000000000002';

  it('are listed newest first until a week after they expire, then dropped from the file', async () => {
    temp = makeTempDir('store');
    let clock = new Date('2026-12-03T10:00:00.000Z');
    const store = openStore(temp.path, { now: () => clock });
    const linksChanged: string[][] = [];
    store.onSentLinksChanged((ids) => linksChanged.push([...ids]));
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    store.addCustomer({ id: 'initech', name: 'Initech' });
    store.recordSentLink(
      link(firstId, 'acme', '2026-12-03T09:00:00.000Z', '2026-12-04T09:00:00.000Z'),
    );
    store.recordSentLink(
      link(secondId, 'acme', '2026-12-03T09:30:00.000Z', '2026-12-06T09:30:00.000Z'),
    );
    expect(() =>
      store.recordSentLink(
        link(firstId, 'nobody', '2026-12-03T09:00:00.000Z', '2026-12-04T09:00:00.000Z'),
      ),
    ).toThrow(AppError);
    await store.flush();
    expect(linksChanged).toEqual([['acme']]);
    expect(store.sentLinksOf('acme').map((l) => l.id)).toEqual([secondId, firstId]);
    expect(store.sentLinksOf('initech')).toEqual([]);
    expect(openStore(temp.path, { now: () => clock }).sentLinksOf('acme')).toHaveLength(2);

    // Expired, and still listed for a week: whether it was used is worth knowing.
    clock = new Date('2026-12-04T09:00:00.000Z');
    expect(store.sentLinksOf('acme').map((l) => l.id)).toEqual([secondId, firstId]);
    clock = new Date('2026-12-11T08:59:59.000Z');
    expect(store.sentLinksOf('acme').map((l) => l.id)).toEqual([secondId, firstId]);
    clock = new Date('2026-12-11T09:00:00.000Z');
    expect(store.sentLinksOf('acme').map((l) => l.id)).toEqual([secondId]);
    store.setRelayCursor(1);
    await store.flush();
    // Dropped as the file is written: the customer's summary changes with it.
    expect(linksChanged).toEqual([['acme'], ['acme']]);
    const file = readFileSync(join(temp.path, 'onboarding.json'), 'utf8');
    expect(file).not.toContain(firstId);
    expect(file).toContain(secondId);
  });

  it('go with their customer, and forgetting one twice is no error', async () => {
    temp = makeTempDir('store');
    const store = openStore(temp.path, { now: () => new Date('2026-12-03T10:00:00.000Z') });
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    store.recordSentLink(
      link(firstId, 'acme', '2026-12-03T09:00:00.000Z', '2026-12-04T09:00:00.000Z'),
    );
    store.recordSentLink(
      link(secondId, 'acme', '2026-12-03T09:30:00.000Z', '2026-12-04T09:30:00.000Z'),
    );
    await store.flush();
    const linksChanged: string[][] = [];
    store.onSentLinksChanged((ids) => linksChanged.push([...ids]));
    store.forgetSentLink('acme', firstId);
    store.forgetSentLink('acme', firstId);
    await store.flush();
    expect(linksChanged).toEqual([['acme']]);
    expect(store.sentLinksOf('acme').map((l) => l.id)).toEqual([secondId]);
    store.removeCustomer('acme');
    store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
    await store.flush();
    expect(
      openStore(temp.path, { now: () => new Date('2026-12-03T10:00:00.000Z') }).sentLinksOf('acme'),
    ).toEqual([]);
  });

  it('are none in a file written before the app kept them', () => {
    temp = makeTempDir('store');
    writeAccountFile(fileOfAcmeAlone());
    const store = openStore(temp.path);
    expect(store.warning).toBeNull();
    expect(store.relayCursor).toBe(3);
    expect(store.sentLinksOf('acme')).toEqual([]);
  });

  it('are for any kind of system in a file written before a link could be for one kind, and keep their kind', async () => {
    temp = makeTempDir('store');
    const now = () => new Date('2026-12-03T10:00:00.000Z');
    const { category, ...before } = link(
      firstId,
      'acme',
      '2026-12-03T09:00:00.000Z',
      '2026-12-04T09:00:00.000Z',
    );
    expect(category).toBeNull();
    writeAccountFile({
      schemaVersion: 1,
      customers: [{ id: 'acme', name: 'Acme Ltd', createdAt: '2026-01-01T10:00:00.000Z' }],
      accounts: [],
      relayCursor: null,
      sentLinks: [before],
    });
    const store = openStore(temp.path, { now });
    expect(store.warning).toBeNull();
    expect(store.sentLinksOf('acme')).toEqual([{ ...before, category: null }]);
    store.recordSentLink({
      ...link(secondId, 'acme', '2026-12-03T09:30:00.000Z', '2026-12-04T09:30:00.000Z'),
      category: 'hris',
    });
    await store.flush();
    expect(
      openStore(temp.path, { now })
        .sentLinksOf('acme')
        .map((l) => l.category),
    ).toEqual(['hris', null]);
  });
});

describe('whom the links are emailed to', () => {
  it('keeps the one address a file from before several were kept had, as the first of them', async () => {
    temp = makeTempDir('store');
    const customer = (id: string, fields: object) => ({
      id,
      name: id,
      createdAt: '2026-01-01T10:00:00.000Z',
      ...fields,
    });
    writeAccountFile({
      schemaVersion: 1,
      customers: [
        customer('acme', { contactEmail: 'it@acme.example' }),
        customer('globex', {}),
        customer('initech', { contactEmails: ['it@initech.example', 'hr@initech.example'] }),
      ],
      accounts: [],
      relayCursor: 3,
    });
    const store = openStore(temp.path);
    expect(store.warning).toBeNull();
    expect(store.getCustomer('acme')?.contactEmails).toEqual(['it@acme.example']);
    expect(store.getCustomer('acme')).not.toHaveProperty('contactEmail');
    expect(store.getCustomer('globex')).not.toHaveProperty('contactEmails');
    expect(store.getCustomer('initech')?.contactEmails).toEqual([
      'it@initech.example',
      'hr@initech.example',
    ]);
    store.saveContactEmails({ id: 'acme', contactEmails: ['it@acme.example', 'hr@acme.example'] });
    await store.flush();
    const file = JSON.parse(readFileSync(join(temp.path, 'onboarding.json'), 'utf8')) as {
      customers: object[];
    };
    expect(file.customers[0]).toEqual(
      customer('acme', { contactEmails: ['it@acme.example', 'hr@acme.example'] }),
    );
  });

  it('moves aside a file whose one address is not one, as any file that is not valid', () => {
    temp = makeTempDir('store');
    writeAccountFile({
      schemaVersion: 1,
      customers: [
        { id: 'acme', name: 'Acme', createdAt: '2026-01-01T10:00:00.000Z', contactEmail: 'x' },
      ],
      accounts: [],
      relayCursor: null,
    });
    const store = openStore(temp.path);
    expect(store.warning).toMatch(/could not be used \(its contents are not valid\)/);
  });
});
