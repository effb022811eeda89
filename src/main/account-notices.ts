import { needsRelink, accountDisplayName, type LinkedAccountView } from '../shared/domain';
import { linkedSurelyBefore } from './stackone-clock';

/**
 * A system notification's text, and the customer it is about (a click shows them; null for a
 * notice about several).
 */
export interface AccountNotice {
  customerId: string | null;
  title: string;
  body: string;
}

/** One change worth telling, before a burst's changes are put into notices. */
export interface AccountChange {
  customerId: string;
  customerName: string;
  kind:
    | 'linked'
    | 'relinked'
    | 'needs-relink'
    | 'disconnected'
    | 'pending-gone'
    | 'link-expired'
    | 'relink-link-expired';
  /** How many accounts or links it tells of: one, but for links that expired together. */
  count: number;
  title: string;
  body: string;
}

/** Above this many changes at once, one notice sums them up instead of one each. */
const noticesPerBurstMax = 3;

/**
 * Watches the accounts' statuses for the changes an implementer acts on while the app is in the
 * background: an account newly linked and active, or active again after a re-link (the customer
 * finished an auth link on their own device), an account that came to need re-linking, one
 * disconnected elsewhere (in StackOne, or from another app), and one gone while still pending
 * (never linked, as far as this app saw). Everything else (pending, verified unchanged,
 * disconnected from this app, accounts linked before their customer was added here, found as
 * it is: a colleague's, say, and accounts brought back that an earlier release took for deleted)
 * says nothing.
 */
export function createAccountChangeWatch(options: {
  /** The accounts as they are when watching starts: none of them is news. */
  accounts: readonly LinkedAccountView[];
  /**
   * Accounts taken for deleted when watching starts. One of them seen again was brought back (an
   * earlier release took it for deleted): not told as linked.
   */
  deletedAccountIds?: readonly string[];
  customerName: (customerId: string) => string | undefined;
  /** When the customer was added here (ISO); undefined for one the app does not have. */
  customerAddedAt: (customerId: string) => string | undefined;
}) {
  /** Each customer's accounts as last seen, by id: one gone since has been disconnected. */
  const lastSeen = new Map<string, Map<string, LinkedAccountView>>();
  for (const account of options.accounts) {
    const ofCustomer = lastSeen.get(account.customerId) ?? new Map<string, LinkedAccountView>();
    lastSeen.set(account.customerId, ofCustomer.set(account.id, account));
  }
  /** Accounts this app is disconnecting: their going is the implementer's own doing. */
  const disconnectingHere = new Set<string>();
  /** Emptied as they are seen: one seen to go since and back is told, as any other. */
  const takenForDeletedAtStart = new Set(options.deletedAccountIds);

  return {
    /**
     * Runs this app's own disconnect of the account: the account's going, seen meanwhile, is not
     * news.
     */
    async disconnectingHere<T>(accountId: string, disconnect: () => Promise<T>): Promise<T> {
      disconnectingHere.add(accountId);
      try {
        return await disconnect();
      } finally {
        disconnectingHere.delete(accountId);
      }
    },
    /** The changes worth telling in a customer's accounts as they are now. */
    changed(customerId: string, accounts: readonly LinkedAccountView[]): AccountChange[] {
      const customerName = options.customerName(customerId) ?? customerId;
      const addedAt = options.customerAddedAt(customerId);
      // One linked just before, as this computer's clock tells it, is told of: the clocks may
      // stand apart.
      const linkedBeforeAdded = ({ createdAt }: LinkedAccountView) =>
        addedAt !== undefined && linkedSurelyBefore(createdAt, addedAt);
      const changes: AccountChange[] = [];
      const seenBefore = lastSeen.get(customerId) ?? new Map<string, LinkedAccountView>();
      const seen = new Map(accounts.map((account) => [account.id, account]));
      lastSeen.set(customerId, seen);
      for (const [id, gone] of seenBefore) {
        if (seen.has(id) || disconnectingHere.has(id)) continue;
        const name = accountDisplayName(gone);
        changes.push(
          gone.status === 'pending'
            ? {
                customerId,
                customerName,
                kind: 'pending-gone',
                count: 1,
                title: `${customerName}: ${name} not linked after all`,
                body: `${name} is not in StackOne: it was deleted there or from another app before StackOne confirmed it. Link it again from their page if they still need it.`,
              }
            : {
                customerId,
                customerName,
                kind: 'disconnected',
                count: 1,
                title: `${customerName}: ${name} disconnected`,
                body: `${name} was disconnected in StackOne or from another app. Link it again from their page if they still need it.`,
              },
        );
      }
      for (const account of accounts) {
        const before = seenBefore.get(account.id)?.status;
        if (before === account.status) continue;
        const name = accountDisplayName(account);
        const wasBroken = before !== undefined && needsRelink({ status: before });
        const broughtBack = takenForDeletedAtStart.delete(account.id);
        if (
          account.status === 'active' &&
          (before === 'pending' ||
            (before === undefined && !broughtBack && !linkedBeforeAdded(account)))
        ) {
          changes.push({
            customerId,
            customerName,
            kind: 'linked',
            count: 1,
            title: `${customerName}: ${name} linked`,
            body: 'The account is active in StackOne.',
          });
        } else if (account.status === 'active' && wasBroken) {
          changes.push({
            customerId,
            customerName,
            kind: 'relinked',
            count: 1,
            title: `${customerName}: ${name} re-linked`,
            body: 'The account is active again in StackOne.',
          });
        } else if (needsRelink(account) && !wasBroken) {
          const reason = account.statusReasons.find((r) => r.description)?.description;
          changes.push({
            customerId,
            customerName,
            kind: 'needs-relink',
            count: 1,
            title: `${customerName}: ${name} needs re-linking`,
            body: `Its status is ${account.status}${reason === undefined ? '' : `: ${reason}`}. Re-link it in the app, or send ${customerName} a link.`,
          });
        }
      }
      return changes;
    },
  };
}

export type AccountChangeWatch = ReturnType<typeof createAccountChangeWatch>;

/**
 * Links sent to the customer that have just expired with nothing linked since: to follow up. One
 * for one kind of system alone says which (`kindOfOne`: "HR system").
 */
export function linksExpiredChange(
  customerId: string,
  customerName: string,
  count: number,
  kindOfOne: string | null = null,
): AccountChange {
  const one = count === 1;
  const forKind = one && kindOfOne !== null ? ` for their ${kindOfOne}` : '';
  return {
    customerId,
    customerName,
    kind: 'link-expired',
    count,
    title: `${customerName}: ${one ? (forKind === '' ? 'a link' : `the link${forKind}`) : `${count} links`} expired, nothing linked`,
    body: `${one ? 'The link' : 'The links'} sent to them${forKind} expired with nothing linked since. Send another from their page if they still need one.`,
  };
}

/** A link sent to re-link an account has just expired, the account still needing it. */
export const relinkLinkExpiredChange = (
  customerId: string,
  customerName: string,
  accountName: string,
): AccountChange => ({
  customerId,
  customerName,
  kind: 'relink-link-expired',
  count: 1,
  title: `${customerName}: the link to re-link ${accountName} expired`,
  body: `${accountName} still needs re-linking. Send another link from their page, or re-link it in the app.`,
});

/**
 * The notices for a burst of changes (a reconnection after days offline may bring dozens): one
 * each up to three, else one that sums them up, about the customer if there is only one.
 */
export function noticesFor(changes: readonly AccountChange[]): AccountNotice[] {
  if (changes.length <= noticesPerBurstMax)
    return changes.map(({ customerId, title, body }) => ({ customerId, title, body }));
  const counted = (kinds: readonly AccountChange['kind'][], what: (plural: string) => string) => {
    const count = changes
      .filter((change) => kinds.includes(change.kind))
      .reduce((sum, change) => sum + change.count, 0);
    return count === 0 ? [] : [`${count} ${what(count === 1 ? '' : 's')}`];
  };
  const summary = [
    ...counted(['linked', 'relinked'], (s) => `account${s} linked`),
    ...counted(['needs-relink'], (s) => `account${s} to re-link`),
    ...counted(['disconnected'], (s) => `account${s} disconnected`),
    ...counted(['pending-gone'], (s) => `account${s} not linked after all`),
    ...counted(['link-expired'], (s) => `link${s} expired unused`),
    ...counted(['relink-link-expired'], (s) => `link${s} to re-link expired`),
  ].join(', ');
  const customers = new Map(changes.map((change) => [change.customerId, change.customerName]));
  const [only] = customers;
  if (customers.size === 1 && only !== undefined)
    return [
      { customerId: only[0], title: `${only[1]}: ${summary}`, body: 'Open the app to see them.' },
    ];
  return [
    {
      customerId: null,
      title: `${summary}, for ${customers.size} customers`,
      body: 'Open the app to see which.',
    },
  ];
}

/**
 * Gathers the changes that arrive in one turn of the event loop (one burst of the account list's
 * changes, all customers) and hands their notices on once the turn is over.
 */
export function createNoticeBurst(deliver: (notice: AccountNotice) => void) {
  let pending: AccountChange[] | null = null;
  return (changes: readonly AccountChange[]): void => {
    if (changes.length === 0) return;
    if (pending === null) {
      pending = [];
      queueMicrotask(() => {
        const burst = pending ?? [];
        pending = null;
        for (const notice of noticesFor(burst)) deliver(notice);
      });
    }
    pending.push(...changes);
  };
}
