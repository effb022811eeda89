import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  authLinkSchema,
  customersFileMaxRows,
  hasExpired,
  type BridgeEventName,
  type EventPayload,
  type SentAuthLink,
  type SentLinkWithoutAddress,
} from '../shared/contract';
import { accountsLinkedSince, hasHadNoEffect } from '../shared/accounts-linked-since';
import { compareCustomers } from '../shared/customer-order';
import {
  accountDisplayName,
  type CustomersFileRow,
  type LinkCategory,
  type RelayConnection,
} from '../shared/domain';
import { stackOneWebhookSchema, type StackOneWebhook } from '../shared/webhook-event';
import type { RelayEventMessage } from '../shared/relay-protocol';
import { applyAccountEvent } from './account-event-applier';
import { createAccountKindLearner } from './account-kinds';
import {
  AccountListNotSavedError,
  flushOrKeepInMemory,
  type AccountStore,
  type StoredSentLink,
} from './account-store';
import { AppError } from './app-error';
import type { CallHandlers } from './bridge-dispatcher';
import { summarizeCustomer } from './customer-summary';
import { readCustomersFile, writeCustomersFile } from './customers-file';
import type { Logger } from './logger';
import type { Profile } from './profile';
import type { SecretCipher } from './secret-cipher';
import { createPeriodicReconciling } from './periodic-reconciling';
import { createReconcileRetry } from './reconcile-retry';
import { createLongPendingAsk } from './long-pending-ask';
import { createStackOneEventsWatch } from './stackone-events-watch';
import { linkedSurelyAfter } from './stackone-clock';
import { createRelayClient, type EventsApplied, type RelayClient } from './relay-client';
import type { ConnectSessionRequest, StackOneApi } from './stackone-api';
import { stackOneCustomersOf } from './stackone-customers';

/**
 * How many of the project's accounts "find a customer in StackOne" reads at most: 50 requests of
 * 100, a few seconds; StackOne allows 1,000 requests a minute.
 */
const stackOneCustomersMaxAccounts = 5_000;

/** How long the Hub's connect session lasts: StackOne's default, asked for by name. */
const connectSessionSeconds = 30 * 60;

/** A link kept, as the window is given it but for its address. */
const withoutAddress = (link: StoredSentLink): SentLinkWithoutAddress => ({
  id: link.id,
  createdAt: link.createdAt,
  expiresAt: link.expiresAt,
  relinkAccountId: link.relinkAccountId,
  secondAccountLabel: link.secondAccountLabel,
  category: link.category,
});

export type EmitBridgeEvent = <E extends BridgeEventName>(
  event: E,
  payload: EventPayload<E>,
) => void;

/**
 * The calls about customers and accounts; the settings and diagnostics calls belong to the app
 * session.
 */
export type ServiceHandlers = Omit<
  CallHandlers,
  | 'getSettings'
  | 'switchToLiveMode'
  | 'switchToDemoMode'
  | 'resetDemo'
  | 'saveProxySignIn'
  | 'forgetProxySignIn'
  | 'saveLinkedBy'
  | 'showOnlyCustomer'
  | 'getCustomerShownAlone'
  | 'getDiagnostics'
  | 'openLogFolder'
  | 'reportWindowError'
>;

export interface OnboardingService {
  handlers: ServiceHandlers;
  relayClient: RelayClient;
  start(): void;
  stop(): Promise<void>;
}

/** The app's behaviour behind the bridge: plain Node, shared by Electron and the test harness. */
export function createOnboardingService(deps: {
  profile: Profile;
  store: AccountStore;
  api: StackOneApi;
  /** For the relay's WebSocket (e.g. through the system's proxy); ws's default when absent. */
  webSocketAgent?: (url: string) => http.Agent;
  /** Encrypts the auth links kept for copying again. */
  cipher: SecretCipher;
  logger: Logger;
  emit: EmitBridgeEvent;
  /** Who links accounts here, as StackOne records it on each; read for every session. */
  linkedBy?: () => string | null;
  /** How often StackOne's accounts are read while the relay's events cannot come (default 60 s). */
  offlineReconcileEveryMs?: number;
  /**
   * How often StackOne's accounts are read while a link sent to a customer works and nothing has
   * come of it (default 5 minutes).
   */
  linksOutReadEveryMs?: number;
  /**
   * How long after an event StackOne could not verify its accounts are read (default 15 s,
   * doubling while that fails, up to 5 minutes).
   */
  verifyLaterAfterMs?: number;
  /**
   * How long an account linked through the Hub may stay pending, the relay connected, before it
   * is read from StackOne without its event (default 30 s).
   */
  hubLinkEventWaitMs?: number;
  /**
   * How long an account may stay pending, not in StackOne's listing, before StackOne is asked
   * about it alone (default 10 minutes): its accounts are read at that moment for it (again every
   * `offlineReconcileEveryMs` while that fails).
   */
  pendingUnlistedAskAfterMs?: number;
}): OnboardingService {
  const { profile, store, api, cipher, logger, emit } = deps;
  /** A write that fails is the store's to retry, and the session's to tell (saveProblemChanged). */
  const persist = () => flushOrKeepInMemory(store);
  const summaryOf = (customerId: string) =>
    summarizeCustomer(customerId, store.accountsOf(customerId), store.sentLinksOf(customerId));

  /** Keeps the link (see `recordSentLink`); where it cannot be encrypted, it is not kept. */
  async function keepSentLink(link: {
    customerId: string;
    url: string;
    createdAt: string;
    expiresAt: string;
    relinkAccountId: string | null;
    secondAccountLabel: string | null;
    category: LinkCategory | null;
  }): Promise<void> {
    if (cipher.storage === 'unavailable') return;
    const { url, ...rest } = link;
    try {
      store.recordSentLink({ id: randomUUID(), urlCiphertext: await cipher.encrypt(url), ...rest });
      await persist();
    } catch (error) {
      logger.warn({ err: error }, 'auth link not kept');
    }
  }

  /** Kept links whose address could not be decrypted, told in the log once each. */
  const unreadableLinksLogged = new Set<string>();

  const customerIdsInApp = () => new Set(store.listCustomers().map((customer) => customer.id));
  /** Of a file's rows for customers the app has, those giving other addresses than the app's. */
  const otherAddressesOf = (rows: readonly CustomersFileRow[]) =>
    rows.flatMap(({ line, id, contactEmails }) => {
      const customer = store.getCustomer(id);
      if (customer === undefined || contactEmails === undefined) return [];
      const current = customer.contactEmails ?? [];
      const comparable = (addresses: readonly string[]) =>
        addresses
          .map((address) => address.toLowerCase())
          .toSorted()
          .join('\n');
      if (comparable(current) === comparable(contactEmails)) return [];
      return [{ line, id, name: customer.name, contactEmails, current }];
    });
  const customerOrThrow = (customerId: string) => {
    const customer = store.getCustomer(customerId);
    if (!customer) {
      throw new AppError(
        'not_found',
        `There is no customer with id "${customerId}". Create the customer first.`,
      );
    }
    return customer;
  };

  const accountOrThrow = (customerId: string, accountId: string) => {
    const account = store.getAccount(accountId);
    if (account?.customerId !== customerId) {
      throw new AppError(
        'not_found',
        `This customer has no linked account "${accountId}" (it may have been disconnected already). Press Refresh to see the current list.`,
      );
    }
    return account;
  };

  /**
   * A connect session for the customer: with an account id, to re-link that account of theirs;
   * for a second account, one StackOne adds beside any of the same provider, labelled.
   */
  const createSessionFor = (
    linking: {
      customerId: string;
      accountId?: string | undefined;
      secondAccount?: { label: string } | undefined;
    },
    options: Pick<ConnectSessionRequest, 'provider' | 'categories' | 'expiresInSeconds'>,
  ) => {
    const { accountId, secondAccount } = linking;
    const customer = customerOrThrow(linking.customerId);
    if (accountId !== undefined) accountOrThrow(customer.id, accountId);
    const linkedBy = deps.linkedBy?.() ?? null;
    return api.createConnectSession({
      originOwnerId: customer.id,
      originOwnerName: customer.name,
      ...(linkedBy !== null && { originUsername: linkedBy }),
      ...options,
      ...(accountId !== undefined && { accountId }),
      ...(secondAccount !== undefined && { multiple: true, label: secondAccount.label }),
    });
  };

  /**
   * Applies a burst of relay events. Each account is looked up once per burst, whatever the
   * number of its events (a deletion wins), so catching up after a long time offline does not
   * spend StackOne's rate limit on duplicates.
   */
  async function applyRelayEvents(events: RelayEventMessage[]): Promise<EventsApplied> {
    if (events.length > 0) stackOneEvents.eventArrived();
    const latestByAccount = new Map<string, StackOneWebhook>();
    for (const message of events) {
      let body: unknown;
      try {
        body = JSON.parse(message.body);
      } catch {
        body = null;
      }
      const webhook = stackOneWebhookSchema.safeParse(body);
      if (!webhook.success) {
        logger.warn({ seq: message.seq }, 'skipping a relay event that is not a StackOne webhook');
        continue;
      }
      const earlier = latestByAccount.get(webhook.data.account_id);
      if (earlier?.event !== 'account.deleted')
        latestByAccount.set(webhook.data.account_id, webhook.data);
    }
    for (const webhook of latestByAccount.values()) {
      const outcome = await applyAccountEvent(webhook, { store, api, logger });
      if (outcome === 'verify_later') verifyLater.request();
    }
    const newest = events[events.length - 1];
    if (newest) store.setRelayCursor(newest.seq);
    try {
      await store.flush();
      return 'persisted';
    } catch (error) {
      if (error instanceof AccountListNotSavedError) return 'kept_in_memory';
      throw error;
    }
  }

  /** The accounts taken for deleted that StackOne listed, and was asked about, since the start. */
  const askedAboutDeleted = new Set<string>();
  const pendingUnlistedAskAfterMs = deps.pendingUnlistedAskAfterMs ?? 10 * 60_000;
  /**
   * StackOne is the source of truth: events are hints that may have been missed while the relay
   * or the app was away. Verified accounts StackOne no longer has are removed, and accounts taken
   * for deleted that it has are back. Pending ones it does not list are left alone for a while, as
   * StackOne may not list them yet; past that, it is asked about each (one deleted in StackOne
   * before its events reached the app would be pending for good).
   */
  async function reconcile(): Promise<void> {
    const customerIds = store.listCustomers().map((c) => c.id);
    if (customerIds.length === 0) return;
    const remote = await api.listAccounts(customerIds);
    const listed = new Set(remote.map((account) => account.id));
    const newHere = remote
      .map((account) => account.id)
      .filter((id) => store.getAccount(id) === undefined && !store.isDeleted(id));
    for (const account of remote) store.applyVerified(account);
    for (const id of newHere) if (linkedThroughALinkSent(id)) stackOneEvents.foundWithoutEvent(id);
    const pendingSince = Date.now() - pendingUnlistedAskAfterMs;
    const unlisted = customerIds.flatMap((customerId) =>
      store
        .accountsOf(customerId)
        .filter(
          (local) =>
            !listed.has(local.id) &&
            (local.status !== 'pending' || Date.parse(local.updatedAt) <= pendingSince),
        ),
    );
    // Not listed is not gone: an account linked (its event applied) while the pages were read
    // is missing from them, as is one a page skipped when another was deleted meanwhile; removed,
    // it would be a tombstone no later event undoes. StackOne is asked about each.
    for (const local of unlisted) {
      const account = await api.getAccount(local.id);
      if (account !== null) store.applyVerified(account);
      else {
        store.applyDeleted(local);
        if (local.status === 'pending')
          logger.info(
            { accountId: local.id, pendingSince: local.updatedAt },
            'an account long pending is not in StackOne (deleted there before its events came): removed',
          );
      }
    }
    // Listed, yet taken for deleted here: earlier releases took an account linked while the pages
    // were read for deleted, for good. StackOne is asked about each, once a run (one deleted just
    // now, in a listing read before it was, is answered 404).
    const listedButDeleted = remote.filter(
      (account) => store.isDeleted(account.id) && !askedAboutDeleted.has(account.id),
    );
    for (const { id } of listedButDeleted) {
      const account = await api.getAccount(id);
      askedAboutDeleted.add(id);
      if (account === null) continue;
      store.restoreDeleted(account);
      logger.info({ accountId: id }, 'an account taken for deleted is in StackOne: listed again');
    }
    await persist();
  }

  /** Whether the account, kept, was linked since one of its customer's links sent from here. */
  function linkedThroughALinkSent(accountId: string): boolean {
    const account = store.getAccount(accountId);
    return (
      account !== undefined &&
      store
        .sentLinksOf(account.customerId)
        .some((link) => accountsLinkedSince(link, [account]).length > 0)
    );
  }

  let reconciling: Promise<void> | null = null;
  let reconcileAgain = false;
  /** One pass at a time; a request during a pass runs one more pass after it. */
  function requestReconcile(): Promise<void> {
    if (reconciling) {
      reconcileAgain = true;
      return reconciling;
    }
    reconciling = (async () => {
      do {
        reconcileAgain = false;
        await reconcile();
      } while (reconcileAgain);
    })().finally(() => {
      reconciling = null;
    });
    return reconciling;
  }
  /**
   * A pass whose failure is logged at `level` as `failed`, for the callers that start one and go
   * on: resolves true once StackOne's accounts were read, false where they could not be; never
   * rejects.
   */
  const reconcileOrLog = (level: 'warn' | 'debug', failed: string): Promise<boolean> =>
    requestReconcile().then(
      () => true,
      (error: unknown) => {
        logger[level]({ err: error instanceof Error ? error.message : 'unknown' }, failed);
        return false;
      },
    );
  const reconcileInBackground = () => void reconcileOrLog('warn', 'reconciliation failed');

  const verifyLater = createReconcileRetry({
    firstAfterMs: deps.verifyLaterAfterMs ?? 15_000,
    maxAfterMs: 5 * 60_000,
    reconcile: () =>
      reconcileOrLog(
        'warn',
        'reconciliation after an event not verified failed; tried again later',
      ),
  });

  const offlineEveryMs = deps.offlineReconcileEveryMs ?? 60_000;
  const longPendingAsk = createLongPendingAsk({
    askAfterMs: pendingUnlistedAskAfterMs,
    retryAfterMs: offlineEveryMs,
    pendingAccounts: () => store.pendingAccounts(),
    readFromStackOne: () =>
      reconcileOrLog(
        'warn',
        'reading an account long pending from StackOne failed; tried again later',
      ),
  });

  const offlineReconciling = createPeriodicReconciling({
    everyMs: offlineEveryMs,
    reconcile: async () => {
      // Offline, each pass may fail as the last did: the relay connection's line says so already.
      await reconcileOrLog('debug', 'reconciliation while the relay is away failed');
    },
  });

  /**
   * The customers with a link sent that works and nothing has come of it: an auth link has no
   * callback, and its account's event may never come (StackOne's webhook not set up for the
   * relay, say), so StackOne is read every so often while there is one.
   */
  const customersWithLinksOut = new Set<string>();
  /** Works out again whether each of these customers has a link out (see above). */
  function updateLinksOut(customerIds: Iterable<string>): void {
    const now = Date.now();
    for (const customerId of customerIds) {
      const working = store.sentLinksOf(customerId).filter((link) => !hasExpired(link, now));
      const accounts = working.length === 0 ? [] : store.accountsOf(customerId);
      if (working.some((link) => hasHadNoEffect(link, accounts)))
        customersWithLinksOut.add(customerId);
      else customersWithLinksOut.delete(customerId);
    }
    linksOutReading.needed(customersWithLinksOut.size > 0);
  }
  const linksOutReading = createPeriodicReconciling({
    everyMs: deps.linksOutReadEveryMs ?? 5 * 60_000,
    reconcile: async () => {
      // Those that were out may have expired since: nothing to read for then. While the relay's
      // events do not come, the offline reading reads every minute already.
      updateLinksOut([...customersWithLinksOut]);
      if (customersWithLinksOut.size === 0 || !relayEventsComing()) return;
      await reconcileOrLog('debug', 'reconciliation while links sent are out failed');
    },
  });

  const relayClient = createRelayClient({
    streamUrl: profile.relayStreamUrl,
    token: profile.relayToken,
    ...(deps.webSocketAgent && { webSocketAgent: deps.webSocketAgent }),
    cursor: () => store.relayCursor,
    originOwnerIds: () => store.listCustomers().map((customer) => customer.id),
    applyEvents: applyRelayEvents,
    forgetCursor: () => store.forgetRelayCursor(),
    logId: () => store.relayLogId,
    enterLog: (logId) => store.enterRelayLog(logId),
    passGap: (lastDroppedSeq) => store.passRelayGap(lastDroppedSeq),
    advanceCursor: (seq) => store.setRelayCursor(seq),
    onConnectionChange: relayEventsChanged,
    onConnected: reconcileInBackground,
    logger,
  });

  const stackOneEvents = createStackOneEventsWatch({
    waitMs: deps.hubLinkEventWaitMs ?? 30_000,
    relayConnected: () => relayClient.connection.state === 'connected',
    accountState: (accountId) => {
      const status = store.getAccount(accountId)?.status;
      return status === undefined ? 'gone' : status === 'pending' ? 'pending' : 'confirmed';
    },
    // One linked just after the record began, as StackOne's clock tells it, is not proof: the
    // clocks may stand apart.
    linkedWithinRelayRecord: (accountId) =>
      linkedSurelyAfter(store.getAccount(accountId)?.createdAt, store.relayRecordUnbrokenSince),
    readFromStackOne: requestReconcile,
    missingSince: store.stackOneEventsMissingSince,
    missingChanged: (missingSince) => {
      store.setStackOneEventsMissingSince(missingSince);
      persist().catch((error: unknown) => logger.warn({ err: error }, 'account list not saved'));
      relayEventsChanged();
    },
    logger,
  });
  /** The relay connection as the window shows it: with StackOne's events found missing, if so. */
  function relayConnectionShown(): RelayConnection {
    const missingSince = stackOneEvents.missingSince;
    return {
      ...relayClient.connection,
      ...(missingSince !== null && { stackOneEventsMissingSince: missingSince }),
    };
  }
  /** Whether the relay is connected and StackOne's events are not known to miss it. */
  function relayEventsComing(): boolean {
    return relayClient.connection.state === 'connected' && stackOneEvents.missingSince === null;
  }
  function relayEventsChanged(): void {
    offlineReconciling.needed(!relayEventsComing());
    emit('relayConnectionChanged', relayConnectionShown());
  }

  const accountKinds = createAccountKindLearner({
    store,
    readCategory: async (accountId) => (await api.getAccountData(accountId))?.category ?? null,
    logger,
  });
  const offAccountsChanged = store.onAccountsChanged((customerIds) => {
    for (const customerId of customerIds) {
      emit('accountsChanged', { customerId, accounts: store.accountsOf(customerId) });
      emit('customerSummaryChanged', summaryOf(customerId));
    }
    accountKinds.learnFor(customerIds);
    longPendingAsk.accountsChanged();
    updateLinksOut(customerIds);
  });
  const offSentLinksChanged = store.onSentLinksChanged((customerIds) => {
    for (const customerId of customerIds) emit('customerSummaryChanged', summaryOf(customerId));
    accountKinds.learnFor(customerIds);
    updateLinksOut(customerIds);
  });

  const handlers: ServiceHandlers = {
    async getAppStatus() {
      return {
        mode: profile.mode,
        relay: relayConnectionShown(),
        warnings: store.warning === null ? [] : [store.warning],
        saveProblem: store.saveProblem,
      };
    },
    async listCustomers() {
      return store.listCustomers();
    },
    async summarizeCustomers() {
      return store.listCustomers().map((customer) => summaryOf(customer.id));
    },
    async createCustomer({ id, name }) {
      const customer = store.addCustomer({ id, name });
      await persist();
      // The customer may already have accounts in StackOne (linked on another laptop, or by a
      // colleague): read them now, and have the relay send this customer's events from now on
      // (a resubscription, which does not reconcile by itself).
      relayClient.resubscribe();
      reconcileInBackground();
      return customer;
    },
    async readCustomersFile({ text }) {
      const { rows, problems } = readCustomersFile(text);
      const inApp = customerIdsInApp();
      const toAdd = rows.filter((row) => !inApp.has(row.id));
      const over = toAdd.splice(customersFileMaxRows);
      if (over.length > 0) {
        const after = over.length - 1;
        problems.push({
          line: over[0]?.line ?? null,
          message: `At most ${customersFileMaxRows.toLocaleString('en')} customers are added from one file: ${after === 0 ? 'this line is' : `this line and the ${after.toLocaleString('en')} after it are`} not. Add the rest from a second file.`,
        });
      }
      problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      const alreadyHere = rows.filter((row) => inApp.has(row.id));
      return { toAdd, alreadyHere, otherAddresses: otherAddressesOf(alreadyHere), problems };
    },
    async exportCustomersFile() {
      // In the order the list shows them.
      const customers = store.listCustomers().toSorted(compareCustomers);
      return { text: writeCustomersFile(customers), customers: customers.length };
    },
    async createCustomers({ customers }) {
      const inApp = customerIdsInApp();
      const added = [];
      for (const { id, name, contactEmails } of customers) {
        if (inApp.has(id)) continue;
        inApp.add(id);
        const customer = store.addCustomer({ id, name });
        added.push(
          contactEmails === undefined ? customer : store.saveContactEmails({ id, contactEmails }),
        );
      }
      await persist();
      // As for one customer: their accounts already in StackOne, and their events from now on.
      if (added.length > 0) {
        relayClient.resubscribe();
        reconcileInBackground();
      }
      return added;
    },
    async saveCustomersContactEmails({ customers }) {
      const inApp = customerIdsInApp();
      const changed = customers
        .filter(({ id }) => inApp.has(id))
        .map(({ id, contactEmails }) => store.saveContactEmails({ id, contactEmails }));
      await persist();
      return changed;
    },
    async renameCustomer({ id, name }) {
      const customer = store.renameCustomer({ id, name });
      await persist();
      return customer;
    },
    async saveCustomerContactEmails({ id, contactEmails }) {
      const customer = store.saveContactEmails({ id, contactEmails });
      await persist();
      return customer;
    },
    async removeCustomer({ id }) {
      store.removeCustomer(id);
      await persist();
      relayClient.resubscribe();
      return store.listCustomers();
    },
    async findStackOneCustomers() {
      const read = await api.listProjectAccounts(stackOneCustomersMaxAccounts);
      const inApp = customerIdsInApp();
      return stackOneCustomersOf(read, inApp);
    },
    async createConnectSession({ provider, categories, ...linking }) {
      // Counted from before the request, as for auth links: never later than StackOne's.
      const requestedAt = Date.now();
      const session = await createSessionFor(linking, {
        ...(provider !== undefined && { provider }),
        ...(categories !== undefined && { categories }),
        expiresInSeconds: connectSessionSeconds,
      });
      return {
        token: session.token,
        hubBaseUrl: profile.hubBaseUrl,
        hubAppUrl: profile.hubAppUrl,
        expiresInSeconds: Math.max(
          0,
          connectSessionSeconds - Math.ceil((Date.now() - requestedAt) / 1000),
        ),
      };
    },
    async createAuthLink({ validForDays, category, ...linking }) {
      const { customerId, accountId } = linking;
      const validForSeconds = validForDays * 24 * 60 * 60;
      // StackOne's answer has no expiry time; counted from before the request, this one is never
      // later than the real one.
      const requestedAt = Date.now();
      const session = await createSessionFor(linking, {
        ...(category !== undefined && { categories: [category] }),
        expiresInSeconds: validForSeconds,
      });
      const url = authLinkSchema.shape.url.safeParse(session.authLinkUrl);
      if (!url.success) {
        throw new AppError(
          'stackone_rejected',
          'StackOne sent an auth link the app cannot use (it is not a web address). Try again; if it keeps happening, update the app.',
        );
      }
      const expiresAt = new Date(requestedAt + validForSeconds * 1000).toISOString();
      await keepSentLink({
        customerId,
        url: url.data,
        // StackOne's clock, as its accounts' created_at is: what Links sent's "since then" compares.
        createdAt: session.createdAt,
        expiresAt,
        relinkAccountId: accountId ?? null,
        secondAccountLabel: linking.secondAccount?.label ?? null,
        category: category ?? null,
      });
      return { url: url.data, expiresAt };
    },
    async listSentAuthLinks({ customerId }) {
      customerOrThrow(customerId);
      const stored = store.sentLinksOf(customerId);
      // Links whose address cannot be read now are kept all the same, to be shown once it can (a
      // keyring not unlocked this session); another computer's go once expired, as all links do.
      if (cipher.storage === 'unavailable')
        return { links: [], kept: false, unreadable: stored.map(withoutAddress) };
      const links: SentAuthLink[] = [];
      const unreadable: SentLinkWithoutAddress[] = [];
      for (const link of stored) {
        try {
          const url = await cipher.decrypt(link.urlCiphertext);
          links.push({ ...withoutAddress(link), url });
        } catch (error) {
          unreadable.push(withoutAddress(link));
          if (!unreadableLinksLogged.has(link.id)) {
            unreadableLinksLogged.add(link.id);
            logger.warn({ err: error }, 'a kept auth link could not be decrypted; kept');
          }
        }
      }
      return { links, kept: true, unreadable };
    },
    async forgetSentAuthLink({ customerId, linkId }) {
      customerOrThrow(customerId);
      store.forgetSentLink(customerId, linkId);
      await persist();
      return {};
    },
    async listAccounts({ customerId }) {
      customerOrThrow(customerId);
      return store.accountsOf(customerId);
    },
    async recordHubSuccess({ customerId, accountId, provider, label }) {
      customerOrThrow(customerId);
      const account = store.recordPending({
        id: accountId,
        customerId,
        provider,
        ...(label !== undefined && { label }),
      });
      await persist();
      if (account.status === 'pending') stackOneEvents.linkedThroughHub(accountId);
      return account;
    },
    async refreshAccounts({ customerId }) {
      customerOrThrow(customerId);
      await requestReconcile();
      return store.accountsOf(customerId);
    },
    async checkRelayConnection() {
      relayClient.checkConnection();
      return relayConnectionShown();
    },
    async verifyAccount({ customerId, accountId }) {
      customerOrThrow(customerId);
      const known = accountOrThrow(customerId, accountId);
      const checkedAt = new Date().toISOString();
      const remote = await api.getAccount(accountId);
      if (remote === null) {
        store.applyDeleted(known);
        await persist();
        throw new AppError(
          'not_found',
          `StackOne no longer has this ${accountDisplayName(known)} account: it was disconnected there, so it is gone from the list. Link it again if the customer still needs it.`,
        );
      }
      store.applyVerified(remote);
      await persist();
      const account = accountOrThrow(customerId, accountId);
      const data = await api.getAccountData(accountId);
      if (data !== null) store.recordCategory(accountId, data.category);
      return {
        account,
        checkedAt,
        data,
        dataUnavailable:
          data === null
            ? `StackOne cannot read data through this account while it is ${account.status}. ${
                account.status === 'suspended' || account.status === 'archived'
                  ? 'Restore it in StackOne, then re-link it.'
                  : 'Re-link it.'
              }`
            : null,
      };
    },
    async disconnectAccount({ customerId, accountId }) {
      customerOrThrow(customerId);
      const account = accountOrThrow(customerId, accountId);
      await api.deleteAccount(accountId);
      // The account.deleted webhook that follows finds the tombstone and changes nothing.
      store.applyDeleted(account);
      await persist();
      return store.accountsOf(customerId);
    },
  };

  return {
    handlers,
    relayClient,
    start() {
      relayClient.start();
      reconcileInBackground();
      accountKinds.learnFor(store.listCustomers().map((customer) => customer.id));
      longPendingAsk.accountsChanged();
      updateLinksOut(store.listCustomers().map((customer) => customer.id));
    },
    async stop() {
      offlineReconciling.stop();
      linksOutReading.stop();
      longPendingAsk.stop();
      verifyLater.stop();
      stackOneEvents.stop();
      await relayClient.stop();
      await reconciling?.catch(() => undefined);
      await accountKinds.stop();
      // The store outlives the service (a switch to the other mode and back opens a new one).
      offAccountsChanged();
      offSentLinksChanged();
      await persist();
    },
  };
}
