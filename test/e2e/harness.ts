import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { bridgeCallNames, bridgeEventNames } from '../../src/shared/contract-names';
import Conf from 'conf';
import type { AccountNotice } from '../../src/main/account-notices';
import { accountStoreName, type AccountStore } from '../../src/main/account-store';
import { createAppSession, type AppSession } from '../../src/main/app-session';
import { createBridgeDispatcher } from '../../src/main/bridge-dispatcher';
import { startDemoBackend, type DemoBackend } from '../../src/main/demo-backend';
import { checkLiveProfile } from '../../src/main/live-profile-check';
import { silentLogger } from '../../src/main/logger';
import type { RoutedNetwork } from '../../src/main/network/routed-network';
import type { SecretCipher } from '../../src/main/secret-cipher';
import { buildContentSecurityPolicy } from '../../src/main/security/content-security-policy';
import { openSettingsStore } from '../../src/main/settings-store';
import { openTestAccountStore } from '../support/conf-store';
import { createMemoryKeyCipher } from '../support/memory-key-cipher';
import { serveBuiltRenderer } from '../support/static-renderer-server';
import { makeTempDir } from '../support/temp-dir';

const rendererDir = join(import.meta.dirname, '../../out/renderer');

export interface Harness {
  appUrl: string;
  /** The demo mode's simulator and relay. */
  backend: DemoBackend;
  /** The demo mode's account list. */
  store: AccountStore;
  session: AppSession;
  /** Where the settings file and the account lists are. */
  storeDir: string;
  /** Every value that crossed the bridge into a page, serialised: results and pushed events. */
  sentToRenderer: string[];
  /** The name of every bridge call a page made, in order. */
  callsMade: string[];
  /** Where main.log would be, and each time the app asked the system to open it. */
  logFolder: { path: string; opened: number };
  /** Every account notice main gave (system notifications in the app), in order. */
  notices: AccountNotice[];
  openApp(context: BrowserContext): Promise<Page>;
  /** Calls the simulator's control API (docs/simulator.md) as a demo operator would. */
  control(path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The app's main-process services, demo backend (simulator + relay) and built renderer, wired as
 * in Electron; the page gets `window.onboarding` from Playwright bindings instead of the preload.
 */
export async function startHarness(
  options: {
    storeFileContents?: string;
    secretStorage?: SecretCipher['storage'];
    /** The demo StackOne's saved accounts (its accounts file) to start with. */
    simulatorAccountsFileContents?: string;
    /** How live mode goes out (through a proxy, say); direct when absent. */
    liveNetwork?: RoutedNetwork;
    /** The system cannot open the log folder (no file manager, say). */
    logFolderWillNotOpen?: boolean;
    /** How long an account linked through the Hub waits for its event (the app's 30 s). */
    hubLinkEventWaitMs?: number;
  } = {},
): Promise<Harness> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error('out/renderer is missing: run `npm run build` (npm run test:e2e does it).');
  }
  const temp = makeTempDir('onboarding-e2e');
  const logger = silentLogger();
  const simulatorAccountsFile = join(temp.path, 'simulator-accounts.json');
  if (options.simulatorAccountsFileContents !== undefined)
    writeFileSync(simulatorAccountsFile, options.simulatorAccountsFileContents);
  const startBackend = (fresh: boolean) =>
    startDemoBackend({
      relayDataDir: join(temp.path, 'relay'),
      logger,
      webhookRetryBaseMs: 100,
      ...(options.simulatorAccountsFileContents !== undefined && { simulatorAccountsFile }),
      fresh,
    });
  // A new one when the demo is started afresh.
  let backend = await startBackend(false);
  const storeDir = join(temp.path, 'store');
  if (options.storeFileContents !== undefined) {
    mkdirSync(storeDir, { recursive: true });
    writeFileSync(join(storeDir, 'onboarding.json'), options.storeFileContents);
  }
  const store = openTestAccountStore(storeDir);
  const pages = new Set<Page>();
  const sentToRenderer: string[] = [];
  const callsMade: string[] = [];
  // The system's file manager cannot be opened here: what the app asked of it is recorded.
  const logFolder = { path: join(temp.path, 'logs'), opened: 0 };
  const notices: AccountNotice[] = [];

  const session = createAppSession({
    settings: openSettingsStore({
      open: () => new Conf<Record<string, unknown>>({ cwd: storeDir, configName: 'settings' }),
      filePath: join(storeDir, 'settings.json'),
    }),
    cipher: createMemoryKeyCipher(options.secretStorage),
    openAccountStore: (mode) =>
      mode === 'demo' ? store : openTestAccountStore(storeDir, { name: accountStoreName(mode) }),
    startDemoBackend: async ({ fresh }) => (fresh ? (backend = await startBackend(true)) : backend),
    checkLiveProfile: (profile, { relay }) =>
      checkLiveProfile(profile, {
        relay,
        ...(options.liveNetwork && { network: options.liveNetwork }),
      }),
    ...(options.liveNetwork && { liveNetwork: options.liveNetwork }),
    about: { name: 'StackOne Onboarding', version: '1.2.3-e2e' },
    logFolder: {
      path: logFolder.path,
      open: async () => {
        if (options.logFolderWillNotOpen === true) throw new Error('no file manager');
        logFolder.opened += 1;
      },
    },
    logger,
    notify: (notice) => notices.push(notice),
    ...(options.hubLinkEventWaitMs !== undefined && {
      serviceTimings: { hubLinkEventWaitMs: options.hubLinkEventWaitMs },
    }),
    emit: (event, payload) => {
      sentToRenderer.push(JSON.stringify(payload));
      for (const page of pages) {
        page
          .evaluate(([name, value]) => window.__onboardingDeliver?.(name, value), [
            event,
            payload,
          ] as const)
          .catch(() => undefined);
      }
    },
  });
  await session.start();
  const renderer = await serveBuiltRenderer(rendererDir, () =>
    buildContentSecurityPolicy({ hubBaseUrl: session.profile.hubBaseUrl }),
  );
  const dispatcher = createBridgeDispatcher({
    handlers: session.handlers,
    trustedOrigins: () => [renderer.url],
    logger,
  });

  return {
    appUrl: renderer.url,
    get backend() {
      return backend;
    },
    store,
    session,
    storeDir,
    sentToRenderer,
    callsMade,
    logFolder,
    notices,
    async openApp(context) {
      const page = await context.newPage();
      await page.exposeBinding(
        '__onboardingInvoke',
        async (source, name: unknown, input: unknown) => {
          callsMade.push(String(name));
          const result = await dispatcher.dispatch(name, input, source.frame.url());
          sentToRenderer.push(JSON.stringify(result));
          return result;
        },
      );
      await page.addInitScript(installBridge, {
        callNames: [...bridgeCallNames],
        eventNames: [...bridgeEventNames],
      });
      pages.add(page);
      page.on('close', () => pages.delete(page));
      await page.goto(renderer.url);
      return page;
    },
    async control(path, body) {
      const response = await fetch(`${backend.simulatorUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${backend.profile.apiKey}:`).toString('base64')}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`control ${path} answered ${response.status}`);
      return response.json();
    },
    async close() {
      pages.clear();
      // Stops the active mode's service and the demo backend.
      await session.stop();
      await renderer.close();
      temp.remove();
    },
  };
}

declare global {
  interface Window {
    __onboardingInvoke?: (name: string, input: unknown) => Promise<unknown>;
    __onboardingDeliver?: (event: string, payload: unknown) => void;
  }
}

/**
 * Runs in the page before its scripts, building `window.onboarding` from the contract's names as
 * the preload does. Self-contained: Playwright sends its source to the browser.
 */
function installBridge(names: { callNames: string[]; eventNames: string[] }): void {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge: Record<string, unknown> = {};
  for (const name of names.callNames) {
    bridge[name] = (input: unknown) => {
      const invoke = window.__onboardingInvoke;
      if (!invoke) throw new Error('test bridge binding missing');
      return invoke(name, input ?? {});
    };
  }
  bridge.on = (event: string, listener: (payload: unknown) => void) => {
    if (!names.eventNames.includes(event)) throw new Error(`Unknown onboarding event "${event}".`);
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  };
  window.__onboardingDeliver = (event, payload) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  Object.defineProperty(window, 'onboarding', { value: Object.freeze(bridge) });
}
