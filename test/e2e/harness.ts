import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { bridgeCallNames, bridgeEventNames } from '../../src/shared/contract-names';
import type { AccountStore } from '../../src/main/account-store';
import { createBridgeDispatcher } from '../../src/main/bridge-dispatcher';
import { startDemoBackend, type DemoBackend } from '../../src/main/demo-backend';
import { silentLogger } from '../../src/main/logger';
import { createOnboardingService, type OnboardingService } from '../../src/main/onboarding-service';
import { buildContentSecurityPolicy } from '../../src/main/security/content-security-policy';
import { createStackOneApi } from '../../src/main/stackone-api';
import { openTestAccountStore } from '../support/conf-store';
import { serveBuiltRenderer } from '../support/static-renderer-server';
import { makeTempDir } from '../support/temp-dir';

const rendererDir = join(import.meta.dirname, '../../out/renderer');

export interface Harness {
  appUrl: string;
  backend: DemoBackend;
  store: AccountStore;
  service: OnboardingService;
  /** Every value that crossed the bridge into a page, serialised: results and pushed events. */
  sentToRenderer: string[];
  openApp(context: BrowserContext): Promise<Page>;
  /** Calls the simulator's control API (docs/simulator.md) as a demo operator would. */
  control(path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The app's main-process services, demo backend (simulator + relay) and built renderer, wired as
 * in Electron; the page gets `window.onboarding` from Playwright bindings instead of the preload.
 */
export async function startHarness(options: { storeFileContents?: string } = {}): Promise<Harness> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error('out/renderer is missing: run `npm run build` (npm run test:e2e does it).');
  }
  const temp = makeTempDir('onboarding-e2e');
  const logger = silentLogger();
  const backend = await startDemoBackend({
    relayDataDir: join(temp.path, 'relay'),
    logger,
    webhookRetryBaseMs: 100,
  });
  const storeDir = join(temp.path, 'store');
  if (options.storeFileContents !== undefined) {
    mkdirSync(storeDir, { recursive: true });
    writeFileSync(join(storeDir, 'onboarding.json'), options.storeFileContents);
  }
  const store = openTestAccountStore(storeDir);
  const pages = new Set<Page>();
  const sentToRenderer: string[] = [];

  const service = createOnboardingService({
    profile: backend.profile,
    store,
    api: createStackOneApi({ apiKey: backend.profile.apiKey, baseUrl: backend.profile.apiBaseUrl }),
    logger,
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
  const renderer = await serveBuiltRenderer(
    rendererDir,
    buildContentSecurityPolicy({ hubBaseUrl: backend.profile.hubBaseUrl }),
  );
  const dispatcher = createBridgeDispatcher({
    handlers: service.handlers,
    trustedOrigins: () => [renderer.url],
    logger,
  });
  service.start();

  return {
    appUrl: renderer.url,
    backend,
    store,
    service,
    sentToRenderer,
    async openApp(context) {
      const page = await context.newPage();
      await page.exposeBinding(
        '__onboardingInvoke',
        async (source, name: unknown, input: unknown) => {
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
      await service.stop();
      await renderer.close();
      await backend.close();
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
