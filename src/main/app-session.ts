import { release } from 'node:os';
import type { EventPayload } from '../shared/contract';
import type { SettingsView } from '../shared/live-settings';
import {
  createAccountChangeWatch,
  createNoticeBurst,
  type AccountChangeWatch,
  linksExpiredChange,
  relinkLinkExpiredChange,
  type AccountNotice,
  type AccountChange,
} from './account-notices';
import { flushOrKeepInMemory, type AccountStore } from './account-store';
import { AppError } from './app-error';
import type { CallHandlers } from './bridge-dispatcher';
import type { DemoBackend } from './demo-backend';
import { diagnosticsReport } from './diagnostics-report';
import { watchLinkExpiries, type LinkExpiryWatch } from './link-expiry-watch';
import { linksToFollowUp } from './links-to-follow-up';
import { liveProfile, relayStreamUrlOf } from './live-profile';
import type { Logger } from './logger';
import {
  createOnboardingService,
  type EmitBridgeEvent,
  type OnboardingService,
  type ServiceHandlers,
} from './onboarding-service';
import type { Profile } from './profile';
import type { SecretCipher } from './secret-cipher';
import type { SettingsStore } from './settings-store';
import type { RoutedNetwork } from './network/routed-network';
import { createStackOneApi } from './stackone-api';
import { createWindowErrorLog } from './window-error-log';

type Mode = Profile['mode'];

export interface AppSession {
  /** Every bridge call: the active profile's service behind them, and the settings calls. */
  readonly handlers: CallHandlers;
  /** The active profile. Only after start() has resolved. */
  readonly profile: Profile;
  /** Activates the saved mode (demo when the saved live settings cannot be read). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Writes every account list with changes not on disk yet, as the app is about to quit: null
   * when all of them are saved, else why one is not (the user may keep the app open to mend it).
   */
  saveBeforeQuit(): Promise<string | null>;
  onProfileChanged(listener: (profile: Profile) => void): () => void;
  /**
   * The window's process stopped and a new one was started: said in the status's warnings (and
   * so in the new window and in diagnostics) until the app restarts.
   */
  noteWindowRestarted(warning: string): void;
}

/**
 * Demo or live: which profile is active, the settings behind it, and switching between them. Each
 * mode keeps its own account list (and relay cursor); a switch stops the old mode's service
 * before the new one starts. Plain Node, shared by Electron and the browser test harness.
 */
export function createAppSession(deps: {
  settings: SettingsStore;
  cipher: SecretCipher;
  openAccountStore: (mode: Mode) => AccountStore;
  /** `fresh`: its StackOne's accounts and its relay's events deleted first. */
  startDemoBackend: (options: { fresh: boolean }) => Promise<DemoBackend>;
  /** `relay` false: the API key alone (the relay cannot be reached from here, the user said). */
  checkLiveProfile: (profile: Profile, options: { relay: boolean }) => Promise<void>;
  /** How live mode reaches StackOne and the relay (the system's proxy); direct when absent. */
  liveNetwork?: RoutedNetwork;
  /** The app's name and version, for diagnostics. */
  about: { name: string; version: string };
  /** Where main.log is, and opening it in the system's file manager (Electron's shell). */
  logFolder?: { path: string; open: () => Promise<void> };
  logger: Logger;
  emit: EmitBridgeEvent;
  /**
   * Tells the user of an account newly linked or needing re-linking (a system notification in
   * the app, shown while its window is in the background).
   */
  notify?: (notice: AccountNotice) => void;
  /** How long each mode's service waits for what it waits for; its defaults when absent. */
  serviceTimings?: Pick<
    Parameters<typeof createOnboardingService>[0],
    'offlineReconcileEveryMs' | 'verifyLaterAfterMs' | 'hubLinkEventWaitMs'
  >;
}): AppSession {
  const { settings, cipher, logger } = deps;
  const stores = new Map<Mode, AccountStore>();
  /**
   * Why an account list's changes are not on disk: the active mode's, else the other's (whose
   * store goes on trying after a switch, and whose changes quitting would lose all the same).
   */
  const saveProblem = () =>
    (active && stores.get(active.profile.mode)?.saveProblem) ??
    [...stores.values()].find((store) => store.saveProblem !== null)?.saveProblem ??
    null;
  const storeFor = (mode: Mode) => {
    let store = stores.get(mode);
    if (!store) {
      store = deps.openAccountStore(mode);
      stores.set(mode, store);
      store.onSaveProblemChanged((problem) => {
        if (problem === null) logger.info({ mode }, 'account list saved again');
        else logger.error({ mode, problem }, 'account list not saved');
        deps.emit('saveProblemChanged', { problem: saveProblem() });
      });
    }
    return store;
  };
  let demoBackend: Promise<DemoBackend> | null = null;
  let active: {
    profile: Profile;
    service: OnboardingService;
    linkExpiries: LinkExpiryWatch;
    changeWatch: AccountChangeWatch;
  } | null = null;
  let startWarning: string | null = null;
  let windowRestartWarning: string | null = null;
  /** The customer the window shows alone, if it does: no other is named in a notice meanwhile. */
  let onlyCustomerId = settings.customerShownAlone;
  const windowErrors = createWindowErrorLog({
    logger,
    knownSecrets: () => {
      const proxy = settings.proxySignIn?.proxy;
      const proxyPassword =
        proxy === undefined ? undefined : deps.liveNetwork?.credentialsFor(proxy)?.password;
      return [
        ...(active ? [active.profile.apiKey, active.profile.relayToken] : []),
        ...(proxyPassword === undefined ? [] : [proxyPassword]),
      ];
    },
  });
  const listeners = new Set<(profile: Profile) => void>();

  // Switches run one at a time; other calls wait for the one under way, then use its result.
  let switching: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = switching.then(task);
    switching = run.catch(() => undefined);
    return run;
  };
  const activeMode = async () => {
    await switching;
    if (!active) throw new AppError('internal', 'The app has not started yet.');
    return active;
  };
  const activeService = async () => (await activeMode()).service;

  async function stopActive(): Promise<void> {
    active?.linkExpiries.stop();
    await active?.service.stop();
    active = null;
  }

  async function activate(profile: Profile): Promise<void> {
    await stopActive();
    const store = storeFor(profile.mode);
    // The demo's simulator and relay are on this computer: no proxy between.
    const network = profile.mode === 'live' ? deps.liveNetwork : undefined;
    const changeWatch = createAccountChangeWatch({
      accounts: store.listCustomers().flatMap((customer) => store.accountsOf(customer.id)),
      deletedAccountIds: store.deletedAccountIds(),
      customerName: (id) => store.getCustomer(id)?.name,
      customerAddedAt: (id) => store.getCustomer(id)?.createdAt,
    });
    const tellChanges = createNoticeBurst((notice) => {
      deps.notify?.(notice);
      deps.emit('accountNotice', notice);
    });
    /** Told unless another customer is shown alone. */
    const tellOf = (customerId: string, changes: readonly AccountChange[]) => {
      if (onlyCustomerId === null || customerId === onlyCustomerId) tellChanges(changes);
    };
    const linkExpiries = watchLinkExpiries({
      onExpired: (customerId, links) => {
        const customer = store.getCustomer(customerId);
        // Removed meanwhile: nobody to follow up.
        if (customer === undefined) return;
        const unused = links.filter((link) => link.relinks === null);
        tellOf(customerId, [
          ...(unused.length === 0
            ? []
            : [
                linksExpiredChange(
                  customerId,
                  customer.name,
                  unused.length,
                  unused[0]?.kind ?? null,
                ),
              ]),
          ...links.flatMap(({ relinks }) =>
            relinks === null ? [] : [relinkLinkExpiredChange(customerId, customer.name, relinks)],
          ),
        ]);
      },
    });
    const watchLinksOf = (customerId: string) =>
      linkExpiries.update(
        customerId,
        linksToFollowUp(store.accountsOf(customerId), store.sentLinksOf(customerId)),
      );
    const emit: EmitBridgeEvent = (event, payload) => {
      if (event === 'accountsChanged') {
        const { customerId, accounts } = payload as EventPayload<'accountsChanged'>;
        // Watched whoever it is, so that nothing old is news once all customers are shown again.
        tellOf(customerId, changeWatch.changed(customerId, accounts));
      } else if (event === 'customerSummaryChanged') {
        // Sent as a customer's accounts or links change: what to follow up may have too.
        watchLinksOf((payload as EventPayload<'customerSummaryChanged'>).customerId);
      }
      deps.emit(event, payload);
    };
    const service = createOnboardingService({
      profile,
      store,
      api: createStackOneApi({
        apiKey: profile.apiKey,
        baseUrl: profile.apiBaseUrl,
        ...(network && { fetch: network.fetch }),
      }),
      ...(network && { webSocketAgent: network.webSocketAgent }),
      cipher,
      logger: logger.child({ mode: profile.mode }),
      emit,
      linkedBy: () => settings.linkedBy,
      ...deps.serviceTimings,
    });
    active = { profile, service, linkExpiries, changeWatch };
    service.start();
    for (const customer of store.listCustomers()) watchLinksOf(customer.id);
    logger.info({ mode: profile.mode }, 'profile active');
    for (const listener of listeners) listener(profile);
  }

  const demoProfile = async () => {
    demoBackend ??= deps.startDemoBackend({ fresh: false });
    return (await demoBackend).profile;
  };

  async function savedSecrets(): Promise<{ apiKey: string; relayToken: string } | null> {
    const saved = settings.live;
    if (saved === null) return null;
    try {
      return {
        apiKey: await cipher.decrypt(saved.apiKeyCiphertext),
        relayToken: await cipher.decrypt(saved.relayTokenCiphertext),
      };
    } catch {
      return null;
    }
  }
  const secretsOfLiveMode = 'the API key and relay token';
  const unreadableSecrets =
    'The saved API key and relay token could not be read (the system keyring may have changed, or the settings come from another computer).';

  const view = (): SettingsView => {
    const signIn = settings.proxySignIn;
    return {
      mode: active?.profile.mode ?? settings.mode,
      live: settings.liveEndpoints,
      secretStorage: cipher.storage,
      proxySignIn: signIn === null ? null : { proxy: signIn.proxy, username: signIn.username },
      proxyAskingForSignIn: deps.liveNetwork?.proxyAskingForSignIn() ?? null,
      linkedBy: settings.linkedBy,
    };
  };

  let proxySignInWarning: string | null = null;
  /** Hands the saved proxy sign-in to live mode's network, if it can be read. */
  async function useSavedProxySignIn(): Promise<void> {
    const saved = settings.proxySignIn;
    if (saved === null || deps.liveNetwork === undefined) return;
    try {
      const password = await cipher.decrypt(saved.passwordCiphertext);
      deps.liveNetwork.useProxySignIn({ ...saved, password });
    } catch {
      proxySignInWarning = `The saved sign-in for the proxy ${saved.proxy} could not be read (the system keyring may have changed). Enter it again in Settings, under Proxy sign-in.`;
      logger.warn('saved proxy sign-in unreadable');
    }
  }
  /** `what`: "the API key encrypted, so live settings cannot be saved", say. */
  const refuseWithoutSecretStorage = (what: string) => {
    if (cipher.storage === 'unavailable') {
      throw new AppError(
        'secret_storage_unavailable',
        `This computer offers no way to store ${what}. Install and unlock a keyring (GNOME Keyring or KWallet on Linux), then restart the app.`,
      );
    }
  };

  /** `what`: "the API key and relay token", say. */
  async function encryptOrExplain(plaintext: string, what: string): Promise<string> {
    try {
      return await cipher.encrypt(plaintext);
    } catch (error) {
      logger.warn({ err: error }, 'secret not encrypted');
      throw new AppError(
        'secret_storage_unavailable',
        `The system keyring did not encrypt ${what} (it may be locked, or the app was not allowed to use it), so nothing was saved. Unlock the keyring, allow the app if the system asks, and try again.`,
      );
    }
  }

  const delegate = <K extends keyof ServiceHandlers>(name: K): ServiceHandlers[K] =>
    (async (input: never) => {
      const service = await activeService();
      return (service.handlers[name] as (value: never) => Promise<unknown>)(input);
    }) as ServiceHandlers[K];

  /** The status of one mode's service, with the session's warnings for that mode. */
  async function statusOf({ profile, service }: { profile: Profile; service: OnboardingService }) {
    const status = await service.handlers.getAppStatus({});
    const { mode } = profile;
    const warnings = [
      settings.warning,
      startWarning,
      windowRestartWarning,
      mode === 'live' ? proxySignInWarning : null,
      mode === 'demo' && demoBackend ? (await demoBackend).warning : null,
      mode === 'live' && cipher.storage === 'obfuscated'
        ? 'This computer has no keyring, so the API key and relay token are saved only obfuscated: anyone who can read your files can read them. Install and unlock a keyring (GNOME Keyring or KWallet) to keep them encrypted.'
        : null,
    ].filter((warning): warning is string => warning !== null);
    return { ...status, warnings: [...warnings, ...status.warnings], saveProblem: saveProblem() };
  }

  const handlers: CallHandlers = {
    getAppStatus: async () => statusOf(await activeMode()),
    listCustomers: delegate('listCustomers'),
    summarizeCustomers: delegate('summarizeCustomers'),
    createCustomer: delegate('createCustomer'),
    readCustomersFile: delegate('readCustomersFile'),
    createCustomers: delegate('createCustomers'),
    saveCustomersContactEmails: delegate('saveCustomersContactEmails'),
    exportCustomersFile: delegate('exportCustomersFile'),
    renameCustomer: delegate('renameCustomer'),
    saveCustomerContactEmails: delegate('saveCustomerContactEmails'),
    removeCustomer: delegate('removeCustomer'),
    findStackOneCustomers: delegate('findStackOneCustomers'),
    createConnectSession: delegate('createConnectSession'),
    createAuthLink: delegate('createAuthLink'),
    listSentAuthLinks: delegate('listSentAuthLinks'),
    forgetSentAuthLink: delegate('forgetSentAuthLink'),
    listAccounts: delegate('listAccounts'),
    recordHubSuccess: delegate('recordHubSuccess'),
    refreshAccounts: delegate('refreshAccounts'),
    async disconnectAccount(input) {
      const { service, changeWatch } = await activeMode();
      return changeWatch.disconnectingHere(input.accountId, () =>
        service.handlers.disconnectAccount(input),
      );
    },
    checkRelayConnection: delegate('checkRelayConnection'),
    verifyAccount: delegate('verifyAccount'),
    async getDiagnostics() {
      // One mode throughout, though a switch may start while the report is made.
      const current = await activeMode();
      const { service, profile } = current;
      const status = await statusOf(current);
      const network = deps.liveNetwork;
      const routeTo = (url: string) => network?.describeRoutes(url) ?? Promise.resolve('direct');
      const summaries = await service.handlers.summarizeCustomers({});
      const report = diagnosticsReport({
        app: deps.about,
        system: { platform: process.platform, arch: process.arch, release: release() },
        versions: process.versions,
        mode: profile.mode,
        endpoints: {
          api: profile.apiBaseUrl,
          app: profile.hubAppUrl,
          relay: profile.relayStreamUrl,
        },
        relay: status.relay,
        relayVersion: service.relayClient.relayVersion,
        relayPosition: {
          cursor: storeFor(profile.mode).relayCursor,
          logId: storeFor(profile.mode).relayLogId,
        },
        relayRecordUnbrokenSince: storeFor(profile.mode).relayRecordUnbrokenSince,
        routes:
          profile.mode === 'demo'
            ? 'on this computer'
            : {
                api: await routeTo(profile.apiBaseUrl),
                relay: await routeTo(profile.relayStreamUrl),
              },
        proxySignInFor: settings.proxySignIn?.proxy ?? null,
        secretStorage: cipher.storage,
        customers: summaries.length,
        accountsLinked: summaries.reduce((sum, summary) => sum + summary.linked, 0),
        accountsToRelink: summaries.reduce((sum, summary) => sum + summary.needingRelink, 0),
        linksWithNothingLinkedExpireAt: summaries.flatMap((summary) => summary.unusedLinksExpireAt),
        whoLinksSaved: settings.linkedBy !== null,
        // What support most needs to hear of: changes that are not on disk.
        warnings:
          status.saveProblem === null ? status.warnings : [status.saveProblem, ...status.warnings],
        windowErrors: windowErrors.summary(),
        at: new Date(),
      });
      return { report };
    },
    async openLogFolder() {
      const folder = deps.logFolder;
      if (folder === undefined)
        throw new AppError('internal', 'This app writes its log to standard output only.');
      try {
        await folder.open();
      } catch (error) {
        logger.warn({ err: error }, 'log folder not opened');
        throw new AppError(
          'internal',
          `The log folder could not be opened. It is ${folder.path}: open it from your file manager.`,
        );
      }
      return { folder: folder.path };
    },
    async reportWindowError(report) {
      windowErrors.record(report);
      return {};
    },
    async getSettings() {
      await switching;
      return view();
    },
    switchToLiveMode: ({ apiKey, relayToken, withoutRelayCheck, ...endpoints }) =>
      exclusive(async () => {
        refuseWithoutSecretStorage('the API key encrypted, so live settings cannot be saved');
        const saved =
          apiKey === undefined || relayToken === undefined ? await savedSecrets() : null;
        const secrets = {
          apiKey: apiKey ?? saved?.apiKey,
          relayToken: relayToken ?? saved?.relayToken,
        };
        if (secrets.apiKey === undefined || secrets.relayToken === undefined) {
          throw new AppError(
            'invalid_input',
            settings.live === null
              ? 'Enter the StackOne API key and the relay token.'
              : `${unreadableSecrets} Enter both again.`,
          );
        }
        const profile = liveProfile(endpoints, {
          apiKey: secrets.apiKey,
          relayToken: secrets.relayToken,
        });
        const previous = settings.liveEndpoints;
        // Settings saved before were checked then; using them again must work on a bad network
        // too (the relay client then shows Offline and keeps trying).
        const unchanged =
          apiKey === undefined &&
          relayToken === undefined &&
          previous !== null &&
          (Object.keys(endpoints) as (keyof typeof endpoints)[]).every(
            (key) => endpoints[key] === previous[key],
          );
        if (!unchanged) await deps.checkLiveProfile(profile, { relay: withoutRelayCheck !== true });
        settings.save({
          mode: 'live',
          live: {
            ...endpoints,
            apiKeyCiphertext: await encryptOrExplain(profile.apiKey, secretsOfLiveMode),
            relayTokenCiphertext: await encryptOrExplain(profile.relayToken, secretsOfLiveMode),
          },
        });
        if (!unchanged) {
          const store = storeFor('live');
          // Another relay's seqs are not this one's (the same relay written two ways is the same).
          if (previous !== null && relayStreamUrlOf(previous.relayUrl) !== profile.relayStreamUrl)
            store.forgetRelayLog();
          // StackOne's webhook may reach the relay now (another relay, another project's key...).
          store.setStackOneEventsMissingSince(null);
          await flushOrKeepInMemory(store);
        }
        startWarning = null;
        await activate(profile);
        return view();
      }),
    async saveProxySignIn({ proxy, username, password }) {
      refuseWithoutSecretStorage('the proxy password encrypted, so it cannot be saved');
      settings.saveProxySignIn({
        proxy,
        username,
        passwordCiphertext: await encryptOrExplain(password, 'the proxy password'),
      });
      proxySignInWarning = null;
      deps.liveNetwork?.useProxySignIn({ proxy, username, password });
      logger.info('proxy sign-in saved');
      // The relay connection may be waiting out a retry after the proxy's refusal.
      if (active?.profile.mode === 'live')
        void active.service.handlers.checkRelayConnection({}).catch(() => undefined);
      return view();
    },
    async showOnlyCustomer({ customerId }) {
      onlyCustomerId = customerId;
      settings.saveCustomerShownAlone(customerId);
      return {};
    },
    async getCustomerShownAlone() {
      return { customerId: onlyCustomerId };
    },
    async saveLinkedBy({ linkedBy }) {
      settings.saveLinkedBy(linkedBy === '' ? null : linkedBy);
      return view();
    },
    async forgetProxySignIn() {
      settings.saveProxySignIn(null);
      proxySignInWarning = null;
      deps.liveNetwork?.useProxySignIn(null);
      logger.info('proxy sign-in forgotten');
      return view();
    },
    resetDemo: () =>
      exclusive(async () => {
        // No active mode: an earlier reset failed to start the demo again; this one tries anew.
        if (active !== null && active.profile.mode !== 'demo')
          throw new AppError(
            'conflict',
            'Only the demo can be started afresh: switch to demo mode first. Live mode’s accounts are StackOne’s own.',
          );
        await stopActive();
        await demoBackend?.then(
          (backend) => backend.close(),
          () => undefined,
        );
        const store = storeFor('demo');
        store.clear();
        await flushOrKeepInMemory(store);
        demoBackend = deps.startDemoBackend({ fresh: true });
        try {
          await activate(await demoProfile());
        } catch (error) {
          // Not kept failed: the next try starts it again.
          demoBackend = null;
          logger.error({ err: error }, 'demo not started afresh');
          throw new AppError(
            'internal',
            'The demo could not be started again. Try Start afresh once more; if it keeps failing, restart the app and send main.log to support.',
          );
        }
        logger.info('demo started afresh');
        return view();
      }),
    switchToDemoMode: () =>
      exclusive(async () => {
        settings.save({ mode: 'demo', live: settings.live });
        if (active?.profile.mode !== 'demo') await activate(await demoProfile());
        return view();
      }),
  };

  return {
    handlers,
    get profile() {
      if (!active) throw new Error('the app session has not started');
      return active.profile;
    },
    start: () =>
      exclusive(async () => {
        await useSavedProxySignIn();
        if (settings.mode === 'live') {
          const secrets = await savedSecrets();
          const endpoints = settings.liveEndpoints;
          if (secrets !== null && endpoints !== null) {
            await activate(liveProfile(endpoints, secrets));
            return;
          }
          startWarning = `${unreadableSecrets} The app started in demo mode: enter them again in Settings to use live mode.`;
          logger.warn('saved live settings unreadable; starting in demo mode');
        }
        await activate(await demoProfile());
      }),
    stop: () =>
      exclusive(async () => {
        await stopActive();
        if (demoBackend) await (await demoBackend).close();
        demoBackend = null;
      }),
    async saveBeforeQuit() {
      await switching;
      for (const store of stores.values()) {
        await flushOrKeepInMemory(store);
        if (store.saveProblem !== null) return store.saveProblem;
      }
      return null;
    },
    onProfileChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    noteWindowRestarted(warning) {
      windowRestartWarning = warning;
    },
  };
}
