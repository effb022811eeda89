import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { sentLinkListedUntil } from '../shared/contract';
import {
  accountCategorySchema,
  customerSchema,
  linkCategorySchema,
  linkedAccountViewSchema,
  type Customer,
  type LinkedAccountView,
} from '../shared/domain';
import { relayLogIdPattern } from '../shared/relay-protocol';
import { AppError } from './app-error';
import { openValidatedDocument, type JsonFileStore } from './persisted-document';
import { describeFileFailure, remedyForFileFailure } from './file-failure';
import type { StackOneAccount } from './stackone-api';

const storedAccountSchema = linkedAccountViewSchema.extend({
  /** A tombstone: StackOne said the account was deleted, so no later event brings it back. */
  deleted: z.boolean(),
});
type StoredAccount = z.infer<typeof storedAccountSchema>;

/** An auth link made for a customer; its address (a bearer of the session's token) encrypted. */
const storedSentLinkSchema = z.object({
  id: z.uuid(),
  customerId: z.string(),
  urlCiphertext: z.string().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
  relinkAccountId: z.string().nullable(),
  // Links kept before second accounts could be asked for have none.
  secondAccountLabel: z.string().nullable().default(null),
  // Nor do links kept before a link could be for one kind of system.
  category: linkCategorySchema.nullable().default(null),
});
export type StoredSentLink = z.infer<typeof storedSentLinkSchema>;

export const accountDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  customers: z.array(customerSchema),
  accounts: z.array(storedAccountSchema),
  relayCursor: z.number().int().nonnegative().nullable(),
  // The relay's log the cursor is a seq of. Files written before relays named their logs have
  // none; one that is not an id (edited by hand) is dropped rather than cost the account list.
  relayLogId: z.string().regex(relayLogIdPattern).nullable().default(null).catch(null),
  // Files written before the app kept its links have none.
  sentLinks: z.array(storedSentLinkSchema).default([]),
  // Files written before the app watched for StackOne's events have none; one that is not a time
  // (edited by hand) is dropped, as the next link through the Hub finds out again.
  stackOneEventsMissingSince: z.iso.datetime({ offset: true }).nullable().default(null).catch(null),
  // Files written before have none, nor has a new file: the record is taken to begin as it is read.
  relayRecordUnbrokenSince: z.iso.datetime({ offset: true }).nullable().default(null).catch(null),
});
export type AccountDocument = z.infer<typeof accountDocumentSchema>;

const emptyDocument = (): AccountDocument => ({
  schemaVersion: 1,
  customers: [],
  accounts: [],
  relayCursor: null,
  relayLogId: null,
  sentLinks: [],
  stackOneEventsMissingSince: null,
  relayRecordUnbrokenSince: null,
});

/**
 * Files written by the version that kept one address per customer (`contactEmail`) keep it as
 * the first of `contactEmails`; anything else is left for the schema to judge.
 */
function withContactEmailsListed(raw: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(raw['customers'])) return raw;
  return {
    ...raw,
    customers: raw['customers'].map((customer: unknown) => {
      if (typeof customer !== 'object' || customer === null || !('contactEmail' in customer))
        return customer;
      const { contactEmail, ...rest } = customer as Record<string, unknown>;
      return 'contactEmails' in rest ? rest : { ...rest, contactEmails: [contactEmail] };
    }),
  };
}

/** The account list's file name (without .json) for each mode; demo keeps the first version's. */
export const accountStoreName = (mode: 'demo' | 'live'): string =>
  mode === 'demo' ? 'onboarding' : 'onboarding-live';

export type CustomersChangedListener = (customerIds: ReadonlySet<string>) => void;

/**
 * The account list could not be written to disk. The changes stay in memory (what the window
 * shows) and the store writes them again until it can.
 */
export class AccountListNotSavedError extends Error {
  constructor(
    /** For the person using the app: what happened and what to do. */
    readonly problem: string,
    options: { cause: unknown },
  ) {
    super(problem, options);
    this.name = 'AccountListNotSavedError';
  }
}

export interface AccountStore {
  readonly warning: string | null;
  listCustomers(): Customer[];
  getCustomer(customerId: string): Customer | undefined;
  addCustomer(customer: { id: string; name: string }): Customer;
  /** The name future connect sessions give StackOne (`origin_owner_name`). */
  renameCustomer(customer: { id: string; name: string }): Customer;
  /** None: nobody kept. */
  saveContactEmails(customer: { id: string; contactEmails: readonly string[] }): Customer;
  /** Only a customer with no linked accounts: removing one with some would orphan them. */
  removeCustomer(customerId: string): void;
  accountsOf(customerId: string): LinkedAccountView[];
  /** Every customer's accounts the app still takes for pending (none confirmed by StackOne yet). */
  pendingAccounts(): LinkedAccountView[];
  getAccount(accountId: string): LinkedAccountView | undefined;
  isDeleted(accountId: string): boolean;
  /** The accounts the app takes for deleted (StackOne said so), by id. */
  deletedAccountIds(): string[];
  /** The Hub or an event says the account exists; StackOne has not confirmed its state yet. */
  /** `label`: the one StackOne was asked to give it, shown until StackOne's own answer. */
  recordPending(account: {
    id: string;
    customerId: string;
    provider: string;
    label?: string;
  }): LinkedAccountView;
  /** StackOne's own view of the account (GET /accounts/{id}); none of an account deleted. */
  applyVerified(account: StackOneAccount): void;
  /** An account taken for deleted that StackOne has after all: back, as StackOne has it. */
  restoreDeleted(account: StackOneAccount): void;
  applyDeleted(account: { id: string; customerId: string; provider: string }): void;
  /**
   * The account's kind of system, as StackOne says it (see `account-kinds`); one the file could
   * not keep (empty, too long) is not kept, as the file would then be unreadable.
   */
  recordCategory(accountId: string, category: string): void;
  readonly relayCursor: number | null;
  setRelayCursor(seq: number): void;
  /** For a relay's log that starts over behind the cursor (a gap says so): its log id stays. */
  forgetRelayCursor(): void;
  /** For another relay, whose seqs are not this one's: the next connection replays everything. */
  forgetRelayLog(): void;
  /** The id of the relay's log the cursor is a seq of; null where the relay gave none yet. */
  readonly relayLogId: string | null;
  /**
   * When StackOne's events were found not to reach the relay (see `stackone-events-watch`); null
   * until then, and again once one has come.
   */
  readonly stackOneEventsMissingSince: string | null;
  setStackOneEventsMissingSince(since: string | null): void;
  /**
   * Keeps the relay's log id. Another kept before makes the cursor one of another log: it is
   * forgotten. Where none was kept (a file from before log ids), the cursor is taken as this log's.
   */
  enterRelayLog(logId: string): void;
  /**
   * Since when (this computer's clock) every event the relay took in has reached the app, or is in
   * its log for it still: from the last time events may have been lost to the app (another log,
   * one that starts over behind the cursor, or retention that dropped events after it, or the
   * log's start where there is none, before the app came back for them).
   */
  readonly relayRecordUnbrokenSince: string;
  /**
   * For a gap of the relay's retention: the events up to `lastDroppedSeq` will never reach the app.
   * The record (see `relayRecordUnbrokenSince`) begins again, and the cursor moves past them.
   */
  passRelayGap(lastDroppedSeq: number): void;
  /** Keeps an auth link made for the customer until `sentLinkKeptAfterExpiryDays` past its expiry. */
  recordSentLink(link: StoredSentLink): void;
  /** The customer's links kept, newest first: those that work, and those expired lately. */
  sentLinksOf(customerId: string): StoredSentLink[];
  /** Done already when the link is gone (expired, or forgotten before). */
  forgetSentLink(customerId: string, linkId: string): void;
  /** Forgets everything: customers, accounts, the relay cursor and links sent. */
  clear(): void;
  /**
   * Called once per burst of changes, with the customers whose accounts changed; also when the
   * burst could not be written (the changes are in memory all the same).
   */
  onAccountsChanged(listener: CustomersChangedListener): () => void;
  /**
   * As `onAccountsChanged`, with the customers whose links kept changed: one made or forgotten,
   * or dropped a while after its expiry.
   */
  onSentLinksChanged(listener: CustomersChangedListener): () => void;
  /**
   * Writes pending changes to disk. Changes are batched: one write per burst. Rejects with an
   * AccountListNotSavedError when the file cannot be written; the store then tries again on its
   * own every `retrySaveMs` and with each change, until a write works.
   */
  flush(): Promise<void>;
  /** Why the latest changes are not on disk, for the person using the app; null when they are. */
  readonly saveProblem: string | null;
  onSaveProblemChanged(listener: (problem: string | null) => void): () => void;
}

const unknownCustomer = (id: string) =>
  new AppError(
    'not_found',
    `There is no customer with id "${id}" (it may have been removed). Pick one from the list.`,
  );

export function openAccountStore(options: {
  open: () => JsonFileStore;
  filePath: string;
  now?: () => Date;
  /** How long after a failed write the store tries again by itself (default 5 s). */
  retrySaveMs?: number;
}): AccountStore {
  const opened = openValidatedDocument({
    open: options.open,
    filePath: options.filePath,
    schema: accountDocumentSchema,
    initial: emptyDocument,
    migrate: withContactEmailsListed,
    ...(options.now && { now: options.now }),
  });
  const now = options.now ?? (() => new Date());
  const state = opened.data;
  let relayRecordUnbrokenSince = state.relayRecordUnbrokenSince ?? now().toISOString();
  const accounts = new Map<string, StoredAccount>(state.accounts.map((a) => [a.id, a]));
  const listeners = new Set<CustomersChangedListener>();
  let changedCustomers = new Set<string>();
  const sentLinkListeners = new Set<CustomersChangedListener>();
  let sentLinksChangedFor = new Set<string>();
  const saveProblemListeners = new Set<(problem: string | null) => void>();
  let dirty = false;
  let scheduled: Promise<void> | null = null;
  let saveProblem: string | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  const retrySaveMs = options.retrySaveMs ?? 5_000;

  const markChanged = (customerId?: string) => {
    dirty = true;
    if (customerId !== undefined && customerId !== '') changedCustomers.add(customerId);
    if (scheduled) return;
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(write);
    // A burst no one awaits must not become an unhandled rejection; flush() still sees it.
    run.catch(() => undefined);
    scheduled = run;
  };
  /** Moves the cursor on to `seq`, never back. */
  const moveRelayCursorTo = (seq: number) => {
    if (state.relayCursor !== null && seq <= state.relayCursor) return;
    state.relayCursor = seq;
    markChanged();
  };
  const relayRecordBroken = () => {
    relayRecordUnbrokenSince = now().toISOString();
    markChanged();
  };
  const markSentLinksChanged = (customerId: string) => {
    sentLinksChangedFor.add(customerId);
    markChanged();
  };

  const setSaveProblem = (problem: string | null) => {
    if (problem === saveProblem) return;
    saveProblem = problem;
    for (const listener of saveProblemListeners) listener(problem);
  };

  function retryLater(): void {
    if (retryTimer !== null) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (dirty && scheduled === null) write().catch(() => undefined);
    }, retrySaveMs);
    retryTimer.unref();
  }

  async function write(): Promise<void> {
    scheduled = null;
    if (!dirty) return;
    dirty = false;
    for (const link of state.sentLinks) if (!isKept(link)) sentLinksChangedFor.add(link.customerId);
    state.sentLinks = state.sentLinks.filter(isKept);
    const changed = changedCustomers;
    changedCustomers = new Set();
    const linksChanged = sentLinksChangedFor;
    sentLinksChangedFor = new Set();
    let failure: AccountListNotSavedError | null = null;
    try {
      opened.file.store = {
        schemaVersion: 1,
        customers: state.customers,
        accounts: [...accounts.values()],
        relayCursor: state.relayCursor,
        relayLogId: state.relayLogId,
        sentLinks: state.sentLinks,
        stackOneEventsMissingSince: state.stackOneEventsMissingSince,
        relayRecordUnbrokenSince,
      } satisfies AccountDocument;
    } catch (error) {
      dirty = true;
      failure = new AccountListNotSavedError(
        `The account list could not be saved to ${options.filePath} (${describeFileFailure(error)}). What the window shows is kept while the app runs and saved as soon as that works. ${remedyForFileFailure(error)}, and keep the app open until this message goes: closing it before would lose the changes made since.`,
        { cause: error },
      );
      retryLater();
    }
    if (failure === null && retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    setSaveProblem(failure?.problem ?? null);
    // The window shows what is in memory, written or not.
    if (changed.size > 0) for (const listener of listeners) listener(changed);
    if (linksChanged.size > 0) for (const listener of sentLinkListeners) listener(linksChanged);
    if (failure !== null) throw failure;
  }

  // StackOne names a provider alike in every account of it, so the name it gave one names the
  // others until it is asked about them: an account just linked through the Hub, still pending,
  // shows "BambooHR" rather than the provider's key.
  const providerNames = new Map<string, string>();
  const learnProviderName = (account: StoredAccount) => {
    if (account.providerName !== undefined)
      providerNames.set(account.provider, account.providerName);
  };
  for (const account of accounts.values()) learnProviderName(account);
  const view = ({ deleted: _deleted, ...account }: StoredAccount): LinkedAccountView => {
    const learnt = account.providerName ?? providerNames.get(account.provider);
    return learnt === undefined ? account : { ...account, providerName: learnt };
  };
  const isKept = (link: StoredSentLink) => sentLinkListedUntil(link.expiresAt) > now().getTime();
  /**
   * Keeps the account, unless the file could not hold it (an id over 200 characters, say, from a
   * webhook or StackOne): written, it would make the whole file unreadable at the next start.
   */
  const keep = (account: StoredAccount): boolean => {
    if (!storedAccountSchema.safeParse(account).success) return false;
    accounts.set(account.id, account);
    return true;
  };

  function applyVerified(remote: StackOneAccount): void {
    const existing = accounts.get(remote.id);
    if (existing?.deleted) return;
    // StackOne's updated_at orders the states; an older answer that arrives late is dropped.
    if (existing && existing.status !== 'pending' && existing.updatedAt > remote.updatedAt) return;
    const providerName =
      remote.providerName ??
      (existing?.provider === remote.provider ? existing.providerName : undefined);
    // StackOne's account does not say its kind: the one learnt stays with the provider.
    const category = existing?.provider === remote.provider ? existing.category : undefined;
    const verified: StoredAccount = {
      id: remote.id,
      customerId: remote.originOwnerId,
      provider: remote.provider,
      ...(providerName !== undefined && { providerName }),
      ...(remote.label !== undefined && { label: remote.label }),
      ...(remote.linkedBy !== undefined && { linkedBy: remote.linkedBy }),
      status: remote.status,
      statusReasons: remote.statusReasons,
      createdAt: remote.createdAt,
      updatedAt: remote.updatedAt,
      ...(category !== undefined && { category }),
      deleted: false,
    };
    // Reconciliation confirms most accounts unchanged: no write and no push for those.
    if (isDeepStrictEqual(existing, verified) || !keep(verified)) return;
    learnProviderName(verified);
    markChanged(remote.originOwnerId);
  }

  return {
    warning: opened.warning,
    listCustomers: () => [...state.customers],
    getCustomer: (id) => state.customers.find((c) => c.id === id),
    addCustomer({ id, name }) {
      const existing = state.customers.find((c) => c.id === id);
      if (existing) {
        if (existing.name === name) return existing;
        throw new AppError(
          'conflict',
          `A customer with id "${id}" already exists, named "${existing.name}". Pick it from the list or use another id.`,
        );
      }
      const customer: Customer = { id, name, createdAt: now().toISOString() };
      state.customers.push(customer);
      markChanged();
      return customer;
    },
    renameCustomer({ id, name }) {
      const index = state.customers.findIndex((c) => c.id === id);
      const existing = state.customers[index];
      if (existing === undefined) throw unknownCustomer(id);
      const renamed: Customer = { ...existing, name };
      state.customers[index] = renamed;
      markChanged();
      return renamed;
    },
    saveContactEmails({ id, contactEmails }) {
      const index = state.customers.findIndex((c) => c.id === id);
      const existing = state.customers[index];
      if (existing === undefined) throw unknownCustomer(id);
      const changed: Customer = { ...existing };
      if (contactEmails.length === 0) delete changed.contactEmails;
      else changed.contactEmails = [...contactEmails];
      state.customers[index] = changed;
      markChanged();
      return changed;
    },
    removeCustomer(customerId) {
      const customer = state.customers.find((c) => c.id === customerId);
      if (customer === undefined) throw unknownCustomer(customerId);
      const linked = [...accounts.values()].filter(
        (a) => a.customerId === customerId && !a.deleted,
      ).length;
      if (linked > 0) {
        throw new AppError(
          'conflict',
          `${customer.name} still has ${linked === 1 ? 'a linked account' : `${linked} linked accounts`}. Disconnect ${linked === 1 ? 'it' : 'them'} first: removing the customer from this app would leave ${linked === 1 ? 'it' : 'them'} linked in StackOne with no one watching.`,
        );
      }
      state.customers = state.customers.filter((c) => c.id !== customerId);
      state.sentLinks = state.sentLinks.filter((link) => link.customerId !== customerId);
      markChanged();
    },
    accountsOf: (customerId) =>
      [...accounts.values()].filter((a) => a.customerId === customerId && !a.deleted).map(view),
    pendingAccounts: () =>
      [...accounts.values()].filter((a) => a.status === 'pending' && !a.deleted).map(view),
    getAccount(accountId) {
      const account = accounts.get(accountId);
      return account && !account.deleted ? view(account) : undefined;
    },
    isDeleted: (accountId) => accounts.get(accountId)?.deleted === true,
    deletedAccountIds: () => [...accounts.values()].filter((a) => a.deleted).map((a) => a.id),
    recordPending({ id, customerId, provider, label }) {
      const existing = accounts.get(id);
      if (existing) return view(existing);
      const account: StoredAccount = {
        id,
        customerId,
        provider,
        ...(label !== undefined && { label }),
        status: 'pending',
        statusReasons: [],
        updatedAt: now().toISOString(),
        deleted: false,
      };
      if (keep(account)) markChanged(customerId);
      return view(account);
    },
    applyVerified,
    restoreDeleted(remote) {
      const tombstone = accounts.get(remote.id);
      if (tombstone?.deleted !== true) return;
      accounts.delete(remote.id);
      applyVerified(remote);
      // Not kept (one the file could not hold): the tombstone stays.
      if (!accounts.has(remote.id)) accounts.set(remote.id, tombstone);
    },
    applyDeleted({ id, customerId, provider }) {
      const existing = accounts.get(id);
      if (existing?.deleted) return;
      const kept = keep({
        id,
        customerId: existing?.customerId ?? customerId,
        provider: existing?.provider ?? provider,
        ...(existing?.providerName !== undefined && { providerName: existing.providerName }),
        ...(existing?.label !== undefined && { label: existing.label }),
        status: 'deleted',
        statusReasons: [],
        updatedAt: now().toISOString(),
        deleted: true,
      });
      if (kept) markChanged(existing?.customerId ?? customerId);
    },
    recordCategory(accountId, category) {
      const existing = accounts.get(accountId);
      if (existing === undefined || existing.deleted || existing.category === category) return;
      if (!accountCategorySchema.safeParse(category).success) return;
      accounts.set(accountId, { ...existing, category });
      markChanged(existing.customerId);
    },
    get relayCursor() {
      return state.relayCursor;
    },
    setRelayCursor: moveRelayCursorTo,
    forgetRelayCursor() {
      if (state.relayCursor === null) return;
      state.relayCursor = null;
      relayRecordBroken();
    },
    forgetRelayLog() {
      if (state.relayCursor === null && state.relayLogId === null) return;
      state.relayCursor = null;
      state.relayLogId = null;
      relayRecordBroken();
    },
    get relayLogId() {
      return state.relayLogId;
    },
    get stackOneEventsMissingSince() {
      return state.stackOneEventsMissingSince;
    },
    setStackOneEventsMissingSince(since) {
      if (state.stackOneEventsMissingSince === since) return;
      state.stackOneEventsMissingSince = since;
      markChanged();
    },
    enterRelayLog(logId) {
      if (state.relayLogId === logId) return;
      if (state.relayLogId !== null) {
        state.relayCursor = null;
        relayRecordBroken();
      }
      state.relayLogId = logId;
      markChanged();
    },
    get relayRecordUnbrokenSince() {
      return relayRecordUnbrokenSince;
    },
    passRelayGap(lastDroppedSeq) {
      relayRecordBroken();
      moveRelayCursorTo(lastDroppedSeq);
    },
    clear() {
      const customerIds = state.customers.map((customer) => customer.id);
      state.customers = [];
      accounts.clear();
      state.relayCursor = null;
      state.relayLogId = null;
      state.sentLinks = [];
      state.stackOneEventsMissingSince = null;
      relayRecordUnbrokenSince = now().toISOString();
      for (const customerId of customerIds) markChanged(customerId);
      markChanged();
    },
    recordSentLink(link) {
      if (!state.customers.some((c) => c.id === link.customerId))
        throw unknownCustomer(link.customerId);
      state.sentLinks.push(link);
      markSentLinksChanged(link.customerId);
    },
    sentLinksOf: (customerId) =>
      state.sentLinks
        .filter((link) => link.customerId === customerId && isKept(link))
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt)),
    forgetSentLink(customerId, linkId) {
      const kept = state.sentLinks.filter(
        (link) => !(link.customerId === customerId && link.id === linkId),
      );
      if (kept.length === state.sentLinks.length) return;
      state.sentLinks = kept;
      markSentLinksChanged(customerId);
    },
    onAccountsChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onSentLinksChanged(listener) {
      sentLinkListeners.add(listener);
      return () => sentLinkListeners.delete(listener);
    },
    async flush() {
      await (scheduled ?? write());
    },
    get saveProblem() {
      return saveProblem;
    },
    onSaveProblemChanged(listener) {
      saveProblemListeners.add(listener);
      return () => saveProblemListeners.delete(listener);
    },
  };
}

/**
 * Flushes the store; a write that fails is left to the store's own retries and shown through its
 * saveProblem, so the change the caller made still stands (in memory) and the call succeeds.
 */
export async function flushOrKeepInMemory(store: AccountStore): Promise<void> {
  try {
    await store.flush();
  } catch (error) {
    if (!(error instanceof AccountListNotSavedError)) throw error;
  }
}
