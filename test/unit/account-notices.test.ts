import { describe, expect, it } from 'vitest';
import {
  createAccountChangeWatch,
  createNoticeBurst,
  linksExpiredChange,
  noticesFor,
  relinkLinkExpiredChange,
  type AccountNotice,
} from '../../src/main/account-notices';
import type { LinkedAccountView } from '../../src/shared/domain';

const account = (id: string, status: string, extra: Partial<LinkedAccountView> = {}) => ({
  id,
  customerId: 'acme',
  provider: 'bamboohr',
  providerName: 'BambooHR',
  status,
  statusReasons: [],
  updatedAt: '2026-12-03T10:00:00.000Z',
  ...extra,
});

const names: Record<string, string> = { acme: 'Acme Ltd', globex: 'Globex' };
const addedAt: Record<string, string> = {
  acme: '2026-12-01T09:00:00.000Z',
  globex: '2026-12-01T09:00:00.000Z',
};
const watching = (accounts: LinkedAccountView[] = []) =>
  createAccountChangeWatch({
    accounts,
    customerName: (id) => names[id],
    customerAddedAt: (id) => addedAt[id],
  });
const titles = (watch: ReturnType<typeof watching>, accounts: LinkedAccountView[]) =>
  watch.changed(accounts[0]?.customerId ?? 'acme', accounts).map((change) => change.title);

describe('account changes worth telling', () => {
  it('an account newly active, from pending or unseen, once', () => {
    const watch = watching();
    expect(titles(watch, [account('a1', 'pending')])).toEqual([]);
    expect(watch.changed('acme', [account('a1', 'active')])).toEqual([
      {
        customerId: 'acme',
        customerName: 'Acme Ltd',
        kind: 'linked',
        count: 1,
        title: 'Acme Ltd: BambooHR linked',
        body: 'The account is active in StackOne.',
      },
    ]);
    expect(titles(watch, [account('a1', 'active')])).toEqual([]);
    expect(titles(watch, [account('a1', 'active'), account('a2', 'active')])).toEqual([
      'Acme Ltd: BambooHR linked',
    ]);
  });

  it('an account that comes to need re-linking, with StackOne’s reason, once; then re-linked', () => {
    const watch = watching([account('a1', 'active')]);
    const [change, ...rest] = watch.changed('acme', [
      account('a1', 'error', {
        statusReasons: [{ timestamp: '2026-12-03T10:00:00Z', description: 'Token revoked' }],
      }),
    ]);
    expect(rest).toEqual([]);
    expect(change?.title).toBe('Acme Ltd: BambooHR needs re-linking');
    expect(change?.body).toBe(
      'Its status is error: Token revoked. Re-link it in the app, or send Acme Ltd a link.',
    );
    // From one status needing it to another: already said.
    expect(titles(watch, [account('a1', 'expired')])).toEqual([]);
    // Active again: re-linked (the customer did it from a link, say).
    expect(titles(watch, [account('a1', 'active')])).toEqual(['Acme Ltd: BambooHR re-linked']);
  });

  it('nothing of the accounts as they were when watching started, nor of other changes', () => {
    const watch = watching([account('a1', 'active'), account('a2', 'error')]);
    expect(titles(watch, [account('a1', 'active'), account('a2', 'error')])).toEqual([]);
    expect(titles(watch, [account('a1', 'suspended'), account('a2', 'error')])).toEqual([]);
    // A customer the app has no name for is named by id.
    expect(titles(watching(), [account('i1', 'active', { customerId: 'initech' })])).toEqual([
      'initech: BambooHR linked',
    ]);
  });
});

describe('accounts found as their customer is added', () => {
  it('not one linked before the customer was added here (a colleague’s, say), unless within a minute of it; one that needs re-linking is told', () => {
    const watch = watching();
    const colleagues = [
      account('a1', 'active', { createdAt: '2026-11-20T10:00:00.000Z' }),
      // This computer's clock may run ahead of StackOne's.
      account('a2', 'active', {
        createdAt: '2026-12-01T08:59:30.000Z',
        provider: 'ashby',
        providerName: 'Ashby',
      }),
      account('a3', 'expired', {
        createdAt: '2026-11-20T10:00:00.000Z',
        provider: 'hibob',
        providerName: 'HiBob',
      }),
    ];
    expect(titles(watch, colleagues)).toEqual([
      'Acme Ltd: Ashby linked',
      'Acme Ltd: HiBob needs re-linking',
    ]);
    // Linked since the customer was added: news, as is one that was pending here before.
    expect(
      titles(watch, [
        ...colleagues,
        account('a4', 'active', {
          createdAt: '2026-12-01T09:00:01.000Z',
          provider: 'salesforce',
          providerName: 'Salesforce',
        }),
      ]),
    ).toEqual(['Acme Ltd: Salesforce linked']);
    const pendingFirst = watching([
      account('p1', 'pending', { createdAt: '2026-11-20T10:00:00.000Z' }),
    ]);
    expect(
      titles(pendingFirst, [account('p1', 'active', { createdAt: '2026-11-20T10:00:00.000Z' })]),
    ).toEqual(['Acme Ltd: BambooHR linked']);
  });
});

describe('accounts disconnected elsewhere', () => {
  it('not one brought back that was taken for deleted when watching started; one that needs re-linking, and one seen to go since, are told', () => {
    const watch = createAccountChangeWatch({
      accounts: [account('a1', 'pending')],
      deletedAccountIds: ['old', 'old-broken'],
      customerName: (id) => names[id],
      customerAddedAt: (id) => addedAt[id],
    });
    expect(titles(watch, [account('a1', 'pending'), account('old', 'active')])).toEqual([]);
    expect(
      titles(watch, [
        account('a1', 'pending'),
        account('old', 'active'),
        account('old-broken', 'expired'),
      ]),
    ).toEqual(['Acme Ltd: BambooHR needs re-linking']);
    // Gone while pending (told not linked after all), then brought back by StackOne: linked.
    expect(titles(watch, [account('old', 'active'), account('old-broken', 'expired')])).toEqual([
      'Acme Ltd: BambooHR not linked after all',
    ]);
    expect(
      titles(watch, [
        account('old', 'active'),
        account('old-broken', 'expired'),
        account('a1', 'active'),
      ]),
    ).toEqual(['Acme Ltd: BambooHR linked']);
  });
  it('an account gone from its customer’s list is told once, by the name the app gives it', () => {
    const watch = watching([
      account('a1', 'active'),
      account('a2', 'error', { label: 'UK entity' }),
      account('g1', 'active', { customerId: 'globex' }),
    ]);
    expect(watch.changed('acme', [account('a1', 'active')])).toEqual([
      {
        customerId: 'acme',
        customerName: 'Acme Ltd',
        kind: 'disconnected',
        count: 1,
        title: 'Acme Ltd: BambooHR (UK entity) disconnected',
        body: 'BambooHR (UK entity) was disconnected in StackOne or from another app. Link it again from their page if they still need it.',
      },
    ]);
    expect(titles(watch, [account('a1', 'active')])).toEqual([]);
    // Globex's account was not gone from Acme's list above; from Globex's, it is.
    expect(titles(watch, [account('g2', 'pending', { customerId: 'globex' })])).toEqual([
      'Globex: BambooHR disconnected',
    ]);
  });

  it('one gone while it was pending is told as never linked, not as disconnected', () => {
    const watch = watching([account('g1', 'active', { customerId: 'globex' })]);
    // Seen since watching started, not only as it started.
    expect(
      titles(watch, [
        account('g1', 'active', { customerId: 'globex' }),
        account('g2', 'pending', { customerId: 'globex' }),
      ]),
    ).toEqual([]);
    const changes = watch.changed('globex', []);
    expect(changes).toEqual([
      {
        customerId: 'globex',
        customerName: 'Globex',
        kind: 'disconnected',
        count: 1,
        title: 'Globex: BambooHR disconnected',
        body: 'BambooHR was disconnected in StackOne or from another app. Link it again from their page if they still need it.',
      },
      {
        customerId: 'globex',
        customerName: 'Globex',
        kind: 'pending-gone',
        count: 1,
        title: 'Globex: BambooHR not linked after all',
        body: 'BambooHR is not in StackOne: it was deleted there or from another app before StackOne confirmed it. Link it again from their page if they still need it.',
      },
    ]);
    expect(noticesFor([...changes, ...changes])[0]?.title).toBe(
      'Globex: 2 accounts disconnected, 2 accounts not linked after all',
    );
  });

  it('not one this app disconnects, unless its disconnect fails', async () => {
    const watch = watching([account('a1', 'active'), account('a2', 'active')]);
    const remaining = await watch.disconnectingHere('a1', async () =>
      titles(watch, [account('a2', 'active')]),
    );
    expect(remaining).toEqual([]);
    await expect(
      watch.disconnectingHere('a2', () => Promise.reject(new Error('StackOne refused'))),
    ).rejects.toThrow('StackOne refused');
    expect(watch.changed('acme', [])).toMatchObject([{ title: 'Acme Ltd: BambooHR disconnected' }]);
  });
});

describe('notices for a burst of changes', () => {
  const watch = watching([account('a5', 'active')]);
  const acmeChanges = watch.changed('acme', [
    account('a1', 'active'),
    account('a2', 'active'),
    account('a3', 'active'),
    account('a4', 'error'),
    account('a5', 'expired'),
  ]);
  const globexChange = watch.changed('globex', [account('g1', 'active', { customerId: 'globex' })]);

  it('one each up to three', () => {
    expect(noticesFor([...acmeChanges.slice(0, 2), ...globexChange])).toEqual([
      {
        customerId: 'acme',
        title: 'Acme Ltd: BambooHR linked',
        body: 'The account is active in StackOne.',
      },
      {
        customerId: 'acme',
        title: 'Acme Ltd: BambooHR linked',
        body: 'The account is active in StackOne.',
      },
      {
        customerId: 'globex',
        title: 'Globex: BambooHR linked',
        body: 'The account is active in StackOne.',
      },
    ]);
  });

  it('more: one that sums them up, about the customer when there is only one', () => {
    expect(noticesFor(acmeChanges)).toEqual([
      {
        customerId: 'acme',
        title: 'Acme Ltd: 3 accounts linked, 2 accounts to re-link',
        body: 'Open the app to see them.',
      },
    ]);
    expect(noticesFor([...acmeChanges, ...globexChange])).toEqual([
      {
        customerId: null,
        title: '4 accounts linked, 2 accounts to re-link, for 2 customers',
        body: 'Open the app to see which.',
      },
    ]);
    const disconnected = watching([account('a9', 'active')]).changed('acme', []);
    expect(noticesFor([...acmeChanges.slice(0, 3), ...disconnected])[0]?.title).toBe(
      'Acme Ltd: 3 accounts linked, 1 account disconnected',
    );
  });

  it('of links that expired with nothing linked: one, several together, and counted in a sum', () => {
    expect(noticesFor([linksExpiredChange('acme', 'Acme Ltd', 1)])).toEqual([
      {
        customerId: 'acme',
        title: 'Acme Ltd: a link expired, nothing linked',
        body: 'The link sent to them expired with nothing linked since. Send another from their page if they still need one.',
      },
    ]);
    // One for one kind of system alone says which; several together do not.
    expect(noticesFor([linksExpiredChange('acme', 'Acme Ltd', 1, 'HR system')])).toEqual([
      {
        customerId: 'acme',
        title: 'Acme Ltd: the link for their HR system expired, nothing linked',
        body: 'The link sent to them for their HR system expired with nothing linked since. Send another from their page if they still need one.',
      },
    ]);
    expect(noticesFor([linksExpiredChange('acme', 'Acme Ltd', 2, 'HR system')])[0]?.title).toBe(
      'Acme Ltd: 2 links expired, nothing linked',
    );
    expect(noticesFor([linksExpiredChange('globex', 'Globex', 2)])).toEqual([
      {
        customerId: 'globex',
        title: 'Globex: 2 links expired, nothing linked',
        body: 'The links sent to them expired with nothing linked since. Send another from their page if they still need one.',
      },
    ]);
    expect(
      noticesFor([...acmeChanges, linksExpiredChange('globex', 'Globex', 2)]).map((n) => n.title),
    ).toEqual([
      '3 accounts linked, 2 accounts to re-link, 2 links expired unused, for 2 customers',
    ]);
  });

  it('of a link to re-link that expired with the account still needing it, and in a sum', () => {
    const expired = relinkLinkExpiredChange('acme', 'Acme Ltd', 'BambooHR (UK entity)');
    expect(noticesFor([expired])).toEqual([
      {
        customerId: 'acme',
        title: 'Acme Ltd: the link to re-link BambooHR (UK entity) expired',
        body: 'BambooHR (UK entity) still needs re-linking. Send another link from their page, or re-link it in the app.',
      },
    ]);
    expect(
      noticesFor([
        ...acmeChanges,
        expired,
        relinkLinkExpiredChange('globex', 'Globex', 'HiBob'),
        linksExpiredChange('globex', 'Globex', 1),
      ]).map((n) => n.title),
    ).toEqual([
      '3 accounts linked, 2 accounts to re-link, 1 link expired unused, 2 links to re-link expired, for 2 customers',
    ]);
  });

  it('gathered over one turn of the event loop, across customers', async () => {
    const delivered: AccountNotice[] = [];
    const tell = createNoticeBurst((notice) => delivered.push(notice));
    tell(acmeChanges.slice(0, 2));
    tell([]);
    tell(globexChange.concat(acmeChanges.slice(3, 4)));
    expect(delivered).toEqual([]);
    await Promise.resolve();
    expect(delivered.map((notice) => notice.title)).toEqual([
      '3 accounts linked, 1 account to re-link, for 2 customers',
    ]);
    tell(globexChange);
    await Promise.resolve();
    expect(delivered.map((notice) => notice.title).at(-1)).toBe('Globex: BambooHR linked');
  });
});
