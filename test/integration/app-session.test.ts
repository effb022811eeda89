import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountStoreName, type AccountStore } from '../../src/main/account-store';
import type { AccountNotice } from '../../src/main/account-notices';
import { createAppSession, type AppSession } from '../../src/main/app-session';
import { startDemoBackend, type DemoBackend } from '../../src/main/demo-backend';
import { checkLiveProfile } from '../../src/main/live-profile-check';
import { createLogger, silentLogger, type Logger } from '../../src/main/logger';
import type { SecretCipher } from '../../src/main/secret-cipher';
import { createRoutedNetwork, type RoutedNetwork } from '../../src/main/network/routed-network';
import { openSettingsStore } from '../../src/main/settings-store';
import { logIdFileName } from '../../src/relay/log-id';
import { relayLogIdPattern } from '../../src/shared/relay-protocol';
import type { BridgeEventName } from '../../src/shared/contract';
import { blockFile } from '../support/blocked-file';
import { eventually } from '../support/eventually';
import { openTestAccountStore } from '../support/conf-store';
import { createMemoryKeyCipher } from '../support/memory-key-cipher';
import { startTestProxy } from '../support/http-proxy';
import { linkBambooHrThroughHub } from '../support/simulator-hub';
import { makeTempDir } from '../support/temp-dir';
import { appErrorOf } from '../support/app-error-of';
import { closedAddress } from '../support/http-proxy';

interface World {
  temp: ReturnType<typeof makeTempDir>;
  storeDir: string;
  /** The company's StackOne (a simulator) and relay, as a live profile reaches them. */
  live: DemoBackend;
  sessions: AppSession[];
  events: { event: BridgeEventName; payload: unknown }[];
  stores: Map<string, AccountStore>;
  /** The demo mode's simulator and relay, once a session has started them. */
  demo?: DemoBackend;
}
let world: World;

beforeEach(async () => {
  const temp = makeTempDir('app-session');
  world = {
    temp,
    storeDir: join(temp.path, 'store'),
    live: await startDemoBackend({
      relayDataDir: join(temp.path, 'live-relay'),
      logger: silentLogger(),
      webhookRetryBaseMs: 100,
    }),
    sessions: [],
    events: [],
    stores: new Map(),
  };
});

afterEach(async () => {
  for (const session of world.sessions) await session.stop();
  await world.live.close();
  world.temp.remove();
});

/**
 * StackOne changes an account (and sends its webhook), as the simulator lets: the demo's, or the
 * live profile's given `world.live`.
 */
async function changeDemoAccount(
  accountId: string | undefined,
  change: { status: string } | 'delete',
  backend: DemoBackend | undefined = world.demo,
): Promise<void> {
  const action = change === 'delete' ? 'delete' : 'status';
  const control = await fetch(
    `${backend?.simulatorUrl}/_simulator/accounts/${accountId}/${action}`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${backend?.profile.apiKey}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(change === 'delete' ? {} : change),
    },
  );
  expect(control.ok).toBe(true);
}

const setDemoAccountStatus = (
  accountId: string | undefined,
  status: string,
  backend?: DemoBackend,
): Promise<void> => changeDemoAccount(accountId, { status }, backend);

/**
 * Links a BambooHR account, the customer's only one, through the session's Hub; resolves to its
 * id once it is active.
 */
async function linkActiveBambooHr(session: AppSession, customerId: string): Promise<string> {
  const hubSession = await session.handlers.createConnectSession({ customerId });
  const id = await linkBambooHrThroughHub(hubSession.hubBaseUrl, hubSession.token);
  await eventually(async () =>
    expect(await session.handlers.listAccounts({ customerId })).toEqual([
      expect.objectContaining({ id, status: 'active' }),
    ]),
  );
  return id;
}

/** A session on the world's settings and account files, as the app opens one at each launch. */
async function openSession(
  options: {
    cipher?: SecretCipher;
    start?: boolean;
    checked?: string[];
    liveNetwork?: RoutedNetwork;
    logger?: Logger;
    /** Where the account notices the session gives are put. */
    notices?: AccountNotice[];
    /** How many times starting the demo afresh fails (its ports taken, say) before it works. */
    freshDemoStartsFailing?: number;
  } = {},
): Promise<AppSession> {
  const { liveNetwork } = options;
  const logger = options.logger ?? silentLogger();
  const { storeDir, temp } = world;
  let freshStartsFailed = 0;
  const session = createAppSession({
    settings: openSettingsStore({
      open: () => new Conf<Record<string, unknown>>({ cwd: storeDir, configName: 'settings' }),
      filePath: join(storeDir, 'settings.json'),
    }),
    cipher: options.cipher ?? createMemoryKeyCipher(),
    openAccountStore: (mode) => {
      const store = openTestAccountStore(storeDir, { name: accountStoreName(mode) });
      world.stores.set(mode, store);
      return store;
    },
    // The same files at each launch, as the app's userData.
    startDemoBackend: async ({ fresh }) => {
      if (fresh && (options.freshDemoStartsFailing ?? 0) > freshStartsFailed) {
        freshStartsFailed += 1;
        throw new Error('listen EADDRINUSE 127.0.0.1');
      }
      world.demo = await startDemoBackend({
        relayDataDir: join(temp.path, 'demo-relay'),
        simulatorAccountsFile: join(temp.path, 'demo-accounts.json'),
        logger,
        fresh,
      });
      return world.demo;
    },
    checkLiveProfile: (profile, { relay }) => {
      options.checked?.push(profile.apiBaseUrl);
      return checkLiveProfile(profile, {
        timeoutMs: 3_000,
        relay,
        ...(liveNetwork && { network: liveNetwork }),
      });
    },
    ...(liveNetwork && { liveNetwork }),
    about: { name: 'StackOne Onboarding', version: '1.2.3-test' },
    logger,
    emit: (event, payload) => world.events.push({ event, payload }),
    ...(options.notices && { notify: (notice: AccountNotice) => options.notices?.push(notice) }),
  });
  world.sessions.push(session);
  if (options.start !== false) await session.start();
  return session;
}

const liveEndpoints = () => ({
  apiUrl: world.live.profile.apiBaseUrl,
  appUrl: world.live.profile.hubAppUrl,
  relayUrl: world.live.profile.relayStreamUrl,
});
const liveInput = () => ({
  ...liveEndpoints(),
  apiKey: world.live.profile.apiKey,
  relayToken: world.live.profile.relayToken,
});

const settingsFile = () => readFileSync(join(world.storeDir, 'settings.json'), 'utf8');

describe('the app session', () => {
  it('starts in demo mode, with no live settings', async () => {
    const session = await openSession();
    expect(await session.handlers.getSettings({})).toEqual({
      mode: 'demo',
      live: null,
      secretStorage: 'encrypted',
      proxySignIn: null,
      proxyAskingForSignIn: null,
      linkedBy: null,
    });
    expect((await session.handlers.getAppStatus({})).mode).toBe('demo');
    expect(session.profile.mode).toBe('demo');
  });

  it('switches to a checked live profile, keeps its secrets only encrypted and talks to it', async () => {
    const session = await openSession();
    await session.handlers.createCustomer({ id: 'demo-co', name: 'Demo Co' });
    const changes: string[] = [];
    session.onProfileChanged((profile) => changes.push(profile.mode));

    const view = await session.handlers.switchToLiveMode(liveInput());

    const { apiKey, relayToken } = liveInput();
    const endpoints = liveEndpoints();
    const noProxySignIn = { proxySignIn: null, proxyAskingForSignIn: null, linkedBy: null };
    expect(view).toEqual({
      mode: 'live',
      live: endpoints,
      secretStorage: 'encrypted',
      ...noProxySignIn,
    });
    expect(JSON.stringify(view)).not.toContain(apiKey);
    expect(changes).toEqual(['live']);
    const saved = settingsFile();
    expect(saved).not.toContain(apiKey);
    expect(saved).not.toContain(relayToken);
    expect(JSON.parse(saved)).toMatchObject({ mode: 'live', live: endpoints });

    // Its own account list, its StackOne and its relay.
    expect(await session.handlers.listCustomers({})).toEqual([]);
    expect(session.profile.apiBaseUrl).toBe(world.live.profile.apiBaseUrl);
    await eventually(async () =>
      expect((await session.handlers.getAppStatus({})).relay.state).toBe('connected'),
    );
    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const hubSession = await session.handlers.createConnectSession({ customerId: 'acme' });
    expect(hubSession.hubBaseUrl).toBe(world.live.profile.hubBaseUrl);

    // An account linked in the live StackOne reaches the live list through the live relay's
    // webhook alone (no Hub success recorded).
    await linkBambooHrThroughHub(world.live.simulatorUrl, hubSession.token);
    await eventually(async () =>
      expect(
        (await session.handlers.listAccounts({ customerId: 'acme' })).map((a) => a.status),
      ).toEqual(['active']),
    );

    // Back to demo: the demo list is as it was; the live settings stay saved.
    const demo = await session.handlers.switchToDemoMode({});
    expect(demo).toEqual({
      mode: 'demo',
      live: endpoints,
      secretStorage: 'encrypted',
      ...noProxySignIn,
    });
    expect((await session.handlers.listCustomers({})).map((c) => c.id)).toEqual(['demo-co']);
    expect(changes).toEqual(['live', 'demo']);
  });

  it('changes nothing and says why when the settings cannot be saved, and saves them once they can', async () => {
    const session = await openSession();
    const blocked = blockFile(join(world.storeDir, 'settings.json'));
    const refused = await appErrorOf(session.handlers.switchToLiveMode(liveInput()));
    expect(refused.userMessage).toBe(
      `The settings could not be saved to ${join(world.storeDir, 'settings.json')} (the system said EISDIR), so nothing was changed. Check the disk, then try again.`,
    );
    expect(refused.userMessage).not.toContain(liveInput().apiKey);
    expect((await session.handlers.getSettings({})).mode).toBe('demo');
    expect(session.profile.mode).toBe('demo');

    blocked.unblock();
    await session.handlers.switchToLiveMode(liveInput());
    expect(JSON.parse(settingsFile())).toMatchObject({ mode: 'live', live: liveEndpoints() });
  });

  it("goes out through the system's proxy in live mode, and straight to the demo's own servers", async () => {
    const corporate = await startTestProxy();
    const session = await openSession({
      liveNetwork: createRoutedNetwork({ resolveProxy: async () => `PROXY ${corporate.address}` }),
    });
    try {
      await eventually(async () =>
        expect((await session.handlers.getAppStatus({})).relay.state).toBe('connected'),
      );
      await session.handlers.createCustomer({ id: 'demo-co', name: 'Demo Co' });
      await session.handlers.createConnectSession({ customerId: 'demo-co' });
      expect(corporate.connects).toEqual([]);

      await session.handlers.switchToLiveMode(liveInput());
      await eventually(async () =>
        expect((await session.handlers.getAppStatus({})).relay.state).toBe('connected'),
      );
      await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
      const hubSession = await session.handlers.createConnectSession({ customerId: 'acme' });
      await linkBambooHrThroughHub(world.live.simulatorUrl, hubSession.token);
      await eventually(async () =>
        expect(
          (await session.handlers.listAccounts({ customerId: 'acme' })).map((a) => a.status),
        ).toEqual(['active']),
      );
      const live = (url: string) => new URL(url).host;
      expect(new Set(corporate.connects)).toEqual(
        new Set([live(world.live.profile.apiBaseUrl), live(world.live.profile.relayStreamUrl)]),
      );
      const { report } = await session.handlers.getDiagnostics({});
      expect(report).toContain(
        `\nNetwork: StackOne API proxy ${corporate.address}; relay proxy ${corporate.address}\n`,
      );
    } finally {
      await session.stop();
      await corporate.close();
    }
  });

  it('signs in to a proxy that asks, keeps the password only encrypted, and again after a restart', async () => {
    const signIn = { username: 'CORP\\j.doe', password: 'proxy-password-9931' };
    const corporate = await startTestProxy({ signIn });
    const cipher = createMemoryKeyCipher();
    const network = () =>
      createRoutedNetwork({ resolveProxy: async () => `PROXY ${corporate.address}` });
    const lines: string[] = [];
    try {
      const session = await openSession({
        cipher,
        liveNetwork: network(),
        logger: createLogger({ name: 'main', destination: { write: (line) => lines.push(line) } }),
      });
      const refused = await appErrorOf(session.handlers.switchToLiveMode(liveInput()));
      expect(refused.userMessage).toContain(
        `the network’s proxy (${corporate.address}) asks for a sign-in. Enter your user name and password for it in Settings, under Proxy sign-in`,
      );
      expect(await session.handlers.getSettings({})).toMatchObject({
        mode: 'demo',
        proxySignIn: null,
        proxyAskingForSignIn: corporate.address,
      });

      const view = await session.handlers.saveProxySignIn({ proxy: corporate.address, ...signIn });
      expect(view).toMatchObject({
        proxySignIn: { proxy: corporate.address, username: signIn.username },
        proxyAskingForSignIn: null,
      });
      expect(JSON.stringify(view)).not.toContain(signIn.password);
      expect(settingsFile()).not.toContain(signIn.password);
      await session.handlers.reportWindowError({
        source: 'script',
        message: `Error: typed ${signIn.password} somewhere`,
      });
      expect(lines.join('')).toContain('Error: typed [redacted] somewhere');
      expect(lines.join('')).not.toContain(signIn.password);
      const { report } = await session.handlers.getDiagnostics({});
      expect(report).toContain(`\nProxy sign-in: saved for ${corporate.address}\n`);
      expect(report).not.toContain('j.doe');
      expect(report).not.toContain(signIn.password);
      await session.handlers.switchToLiveMode(liveInput());
      await eventually(async () =>
        expect((await session.handlers.getAppStatus({})).relay.state).toBe('connected'),
      );
      await session.stop();

      // The next launch signs in with the saved one, in live mode from the start.
      const before = corporate.connects.length;
      const next = await openSession({ cipher, liveNetwork: network() });
      await eventually(async () =>
        expect((await next.handlers.getAppStatus({})).relay.state).toBe('connected'),
      );
      expect(corporate.connects.length).toBeGreaterThan(before);

      const forgotten = await next.handlers.forgetProxySignIn({});
      expect(forgotten.proxySignIn).toBeNull();
      expect(settingsFile()).not.toContain('passwordCiphertext');
      await next.stop();
    } finally {
      await corporate.close();
    }
  });

  it('cannot save a proxy password where secrets cannot be stored, and says why', async () => {
    const session = await openSession({ cipher: createMemoryKeyCipher('unavailable') });
    const refused = await appErrorOf(
      session.handlers.saveProxySignIn({ proxy: 'proxy.corp:8080', username: 'j', password: 'p' }),
    );
    expect(refused.code).toBe('secret_storage_unavailable');
    expect(refused.userMessage).toMatch(/^This computer offers no way to store the proxy password/);
    expect((await session.handlers.getSettings({})).proxySignIn).toBeNull();
  });

  it('reports diagnostics for support, with no secret, customer or account in them', async () => {
    const session = await openSession();
    await session.handlers.switchToLiveMode(liveInput());
    await eventually(async () =>
      expect((await session.handlers.getAppStatus({})).relay.state).toBe('connected'),
    );
    await session.handlers.createCustomer({ id: 'acme-7731', name: 'Acme Widgets' });
    const hubSession = await session.handlers.createConnectSession({ customerId: 'acme-7731' });
    const accountId = await linkBambooHrThroughHub(world.live.simulatorUrl, hubSession.token);
    await eventually(async () =>
      expect(
        (await session.handlers.listAccounts({ customerId: 'acme-7731' })).map((a) => a.status),
      ).toEqual(['active']),
    );
    // A link made after the account was linked: nothing linked since, and it still works.
    await session.handlers.createAuthLink({ customerId: 'acme-7731', validForDays: 1 });
    await session.handlers.saveLinkedBy({ linkedBy: 'jo@implementers.example' });

    const { report } = await session.handlers.getDiagnostics({});
    const { apiUrl, appUrl, relayUrl } = liveEndpoints();
    const lines = report.split('\n');
    expect(lines[0]).toMatch(/^StackOne Onboarding 1\.2\.3-test: diagnostics, \d{4}-\d\d-\d\dT/);
    expect(lines).toContain('Mode: live');
    expect(lines).toContain(`StackOne API: ${apiUrl} (app ${appUrl})`);
    expect(lines).toContain(`Relay: ${relayUrl}: connected (Receiving account events live.)`);
    // The relay's release, as it gave it: this package's, the relay being released with the app.
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(lines).toContain(`Relay release: ${version}`);
    const liveStore = world.stores.get('live');
    expect(liveStore?.relayLogId).toMatch(relayLogIdPattern);
    expect(lines).toContain(
      `Relay log read: through seq ${liveStore?.relayCursor} of log ${liveStore?.relayLogId} (this app’s customers’ events applied, the rest passed over)`,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        `^Relay events unbroken since: ${liveStore?.relayRecordUnbrokenSince} \\(`,
      ),
    );
    expect(lines).toContain('Secret storage: encrypted by the system keyring');
    expect(lines).toContain('Customers: 1; accounts linked: 1, to re-link: 0');
    expect(lines).toContain(
      'Links sent with nothing linked since (the last to expire for each purpose): 1 working, 0 expired in the last week',
    );
    expect(lines).toContain('Who links: saved, told to StackOne with each account');
    expect(lines).toContain('Warnings: none');
    expect(lines[1]).toContain(`node ${process.versions.node}`);
    const { apiKey, relayToken } = liveInput();
    for (const kept of [apiKey, relayToken, 'acme-7731', 'Acme Widgets', accountId, 'jo@'])
      expect(report).not.toContain(kept);
  });

  it("tells the window of an account list that cannot be saved, the other mode's too, until it is", async () => {
    const session = await openSession();
    await session.handlers.createCustomer({ id: 'demo-co', name: 'Demo Co' });
    const file = join(world.storeDir, `${accountStoreName('demo')}.json`);
    const blocked = blockFile(file);
    await session.handlers.renameCustomer({ id: 'demo-co', name: 'Demo Company' });
    const told = () =>
      world.events
        .filter((e) => e.event === 'saveProblemChanged')
        .map((e) => (e.payload as { problem: string | null }).problem);
    const { saveProblem } = await session.handlers.getAppStatus({});
    expect(saveProblem).toContain(`could not be saved to ${file}`);
    expect(told()).toEqual([saveProblem]);

    // Live mode's list is fine; the demo's changes are still not on disk, and still said.
    await session.handlers.switchToLiveMode(liveInput());
    expect((await session.handlers.getAppStatus({})).saveProblem).toBe(saveProblem);

    blocked.unblock();
    await session.handlers.switchToDemoMode({});
    await eventually(async () =>
      expect((await session.handlers.getAppStatus({})).saveProblem).toBeNull(),
    );
    expect(told()).toEqual([saveProblem, null]);
    expect(readFileSync(file, 'utf8')).toContain('Demo Company');
  });

  it('puts an account list that cannot be saved first among the warnings of diagnostics', async () => {
    const session = await openSession();
    const file = join(world.storeDir, `${accountStoreName('demo')}.json`);
    const blocked = blockFile(file);
    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const { report } = await session.handlers.getDiagnostics({});
    expect(report).toContain(`Warnings:\n- The account list could not be saved to ${file}`);
    blocked.unblock();
  });

  it('logs what the window reports without the secrets it holds, and counts it in diagnostics', async () => {
    const lines: string[] = [];
    const session = await openSession({
      logger: createLogger({ name: 'main', destination: { write: (line) => lines.push(line) } }),
    });
    await session.handlers.switchToLiveMode(liveInput());
    const { apiKey, relayToken } = liveInput();
    const before = (await session.handlers.getDiagnostics({})).report;
    expect(before).toContain('\nWindow errors: none\n');

    await session.handlers.reportWindowError({
      source: 'window',
      message: `TypeError: cannot use ${apiKey}`,
      stack: `TypeError: cannot use ${apiKey}\n    at SettingsDialog (app://onboarding/assets/index.js:1:2)`,
      componentStack: '\n    at SettingsDialog\n    at App',
    });
    const written = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const report = written.find((entry) => entry.msg === 'window error');
    expect(report).toMatchObject({
      level: 50,
      source: 'window',
      message: 'TypeError: cannot use [redacted]',
      componentStack: '\n    at SettingsDialog\n    at App',
    });
    const log = lines.join('');
    expect(log).not.toContain(apiKey);
    expect(log).not.toContain(relayToken);
    expect((await session.handlers.getDiagnostics({})).report).toMatch(
      /\nWindow errors: 1, the last at \d{4}-\d\d-\d\dT[\d:.]+Z \(details in main\.log\)\n/,
    );
  });

  it('says that the window was restarted, in the status and in diagnostics', async () => {
    const session = await openSession();
    const restarted = 'The window crashed at 09:30 and was reloaded.';
    session.noteWindowRestarted(restarted);
    expect((await session.handlers.getAppStatus({})).warnings).toContain(restarted);
    expect((await session.handlers.getDiagnostics({})).report).toContain(`\n- ${restarted}\n`);
    // The same in the other mode: it is about the window, not a mode.
    await session.handlers.switchToLiveMode(liveInput());
    expect((await session.handlers.getAppStatus({})).warnings).toContain(restarted);
  });

  it('starts in the mode it was left in, and keeps a saved secret that is not entered again', async () => {
    const cipher = createMemoryKeyCipher();
    const first = await openSession({ cipher });
    await first.handlers.switchToLiveMode(liveInput());
    await first.stop();

    const second = await openSession({ cipher });
    expect(second.profile).toMatchObject({
      mode: 'live',
      apiKey: world.live.profile.apiKey,
      relayToken: world.live.profile.relayToken,
    });
    await second.handlers.switchToDemoMode({});
    await second.stop();
    expect((await openSession({ cipher })).profile.mode).toBe('demo');
  });

  it('uses the saved settings again without checking them, so it works offline', async () => {
    const checked: string[] = [];
    const session = await openSession({ checked });
    const away = await startDemoBackend({
      relayDataDir: join(world.temp.path, 'away-relay'),
      logger: silentLogger(),
    });
    const awayEndpoints = {
      apiUrl: away.profile.apiBaseUrl,
      appUrl: away.profile.hubAppUrl,
      relayUrl: away.profile.relayStreamUrl,
    };
    await session.handlers.switchToLiveMode({
      ...awayEndpoints,
      apiKey: away.profile.apiKey,
      relayToken: away.profile.relayToken,
    });
    expect(checked).toHaveLength(1);
    await session.handlers.switchToDemoMode({});
    await away.close();

    // Its StackOne and relay out of reach: the saved settings as they are still switch.
    expect((await session.handlers.switchToLiveMode(awayEndpoints)).mode).toBe('live');
    expect(checked).toHaveLength(1);
    expect(session.profile.apiKey).toBe(away.profile.apiKey);
    expect((await session.handlers.getAppStatus({})).relay.state).not.toBe('connected');
    // Anything changed (here a secret entered again): checked, and refused while out of reach.
    const error = await appErrorOf(
      session.handlers.switchToLiveMode({ ...awayEndpoints, apiKey: away.profile.apiKey }),
    );
    expect(error.code).toBe('stackone_unreachable');
    expect(checked).toHaveLength(2);
    await session.handlers.switchToLiveMode({ ...liveInput() });
    expect(checked).toHaveLength(3);
  });

  it('starts in demo mode and says why when the saved secrets cannot be decrypted', async () => {
    const first = await openSession();
    await first.handlers.switchToLiveMode(liveInput());
    await first.stop();

    // Another key: the keyring changed, or the settings file came from another computer.
    const second = await openSession({ cipher: createMemoryKeyCipher() });
    expect(second.profile.mode).toBe('demo');
    const status = await second.handlers.getAppStatus({});
    expect(status.warnings).toEqual([
      expect.stringContaining('The saved API key and relay token could not be read'),
    ]);
    const endpoints = liveEndpoints();
    const error = await appErrorOf(second.handlers.switchToLiveMode(endpoints));
    expect(error.code).toBe('invalid_input');
    expect(error.userMessage).toContain('Enter both again.');
  });

  it('refuses a live profile without secrets when none are saved', async () => {
    const session = await openSession();
    const withoutKey = { ...liveEndpoints(), relayToken: world.live.profile.relayToken };
    const error = await appErrorOf(session.handlers.switchToLiveMode(withoutKey));
    expect(error).toMatchObject({
      code: 'invalid_input',
      userMessage: 'Enter the StackOne API key and the relay token.',
    });
  });

  it.each([
    [
      'a wrong API key',
      { apiKey: 'v1.test.wrong' },
      'stackone_unauthorized',
      'StackOne refused the API key',
    ],
    [
      "an EU key against another region's URL",
      { apiKey: 'v1.eu1.wrong' },
      'stackone_unauthorized',
      'StackOne refused the API key while trying to list linked accounts. Check the API key in Settings (it may have been revoked or belong to another project). The key is for StackOne’s EU region, whose API URL is https://api.eu1.stackone.com.',
    ],
    [
      'a wrong relay token',
      { relayToken: 'wrong-token' },
      'relay_unauthorized',
      'refused this app’s relay token',
    ],
    [
      'a relay URL where nothing answers',
      { relayUrl: 'ws://127.0.0.1:9/' },
      'relay_unreachable',
      'Could not reach the relay: 127.0.0.1:9 refused the connection',
    ],
  ])('refuses %s, saves nothing and stays in demo mode', async (_case, change, code, message) => {
    const session = await openSession();
    const before = settingsFile();
    const error = await appErrorOf(
      session.handlers.switchToLiveMode({ ...liveInput(), ...change }),
    );
    expect(error.code).toBe(code);
    expect(error.userMessage).toContain(message);
    expect(error.userMessage).not.toContain(world.live.profile.apiKey);
    expect(error.userMessage).not.toContain(world.live.profile.relayToken);
    expect(settingsFile()).toBe(before);
    expect(session.profile.mode).toBe('demo');
  });

  it('uses live mode without checking the relay where asked, the API key checked all the same', async () => {
    const session = await openSession();
    const relayUnreached = { ...liveInput(), relayUrl: 'ws://127.0.0.1:9/' };
    const refused = await appErrorOf(session.handlers.switchToLiveMode(relayUnreached));
    expect(refused.code).toBe('relay_unreachable');
    const wrongKey = await appErrorOf(
      session.handlers.switchToLiveMode({
        ...relayUnreached,
        apiKey: 'v1.test.wrong',
        withoutRelayCheck: true,
      }),
    );
    expect(wrongKey.code).toBe('stackone_unauthorized');
    expect(session.profile.mode).toBe('demo');

    await session.handlers.switchToLiveMode({ ...relayUnreached, withoutRelayCheck: true });
    expect(session.profile.mode).toBe('live');
    await eventually(async () => {
      const { relay } = await session.handlers.getAppStatus({});
      expect(relay.state).toBe('offline');
      expect(relay.detail).toContain('127.0.0.1:9 refused the connection');
    });
  });

  it('refuses StackOne when it cannot be reached', async () => {
    const session = await openSession();
    const closed = await closedAddress();
    const error = await appErrorOf(
      session.handlers.switchToLiveMode({ ...liveInput(), apiUrl: `http://${closed}` }),
    );
    expect(error.code).toBe('stackone_unreachable');
    expect(error.userMessage).toContain(`${closed} refused the connection`);
    expect(session.profile.mode).toBe('demo');
  });

  it('finds out anew whether StackOne’s events reach the relay once the live settings change, not when the saved ones are used again', async () => {
    const session = await openSession();
    await session.handlers.switchToLiveMode(liveInput());
    const liveStore = world.stores.get('live');
    const missingSince = '2026-12-07T15:00:00.000Z';
    liveStore?.setStackOneEventsMissingSince(missingSince);
    await session.handlers.switchToDemoMode({});
    await session.handlers.switchToLiveMode(liveEndpoints());
    expect((await session.handlers.getAppStatus({})).relay.stackOneEventsMissingSince).toBe(
      missingSince,
    );
    expect((await session.handlers.getDiagnostics({})).report).toContain(
      `\nStackOne’s events at the relay: missing since ${missingSince} (`,
    );

    await session.handlers.switchToLiveMode(liveInput());
    expect(liveStore?.stackOneEventsMissingSince).toBeNull();
    expect(
      (await session.handlers.getAppStatus({})).relay.stackOneEventsMissingSince,
    ).toBeUndefined();
  });

  it('forgets the relay cursor and log id when the relay changes, and not otherwise', async () => {
    const session = await openSession();
    await session.handlers.switchToLiveMode(liveInput());
    const liveStore = world.stores.get('live');
    // A cursor the relay gave: that of an account's webhook.
    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const hubSession = await session.handlers.createConnectSession({ customerId: 'acme' });
    await linkBambooHrThroughHub(world.live.simulatorUrl, hubSession.token);
    await eventually(() => expect(liveStore?.relayCursor).not.toBeNull());
    const cursor = liveStore?.relayCursor;
    const logId = liveStore?.relayLogId;
    expect(logId).toMatch(relayLogIdPattern);
    await liveStore?.flush();
    await session.handlers.switchToLiveMode(liveInput());
    expect(liveStore?.relayCursor).toBe(cursor);
    // The same relay by its bare address.
    const bare = `ws://${new URL(world.live.profile.relayStreamUrl).host}`;
    await session.handlers.switchToLiveMode({ ...liveInput(), relayUrl: bare });
    expect(liveStore?.relayCursor).toBe(cursor);
    expect(liveStore?.relayLogId).toBe(logId);

    const other = await startDemoBackend({
      relayDataDir: join(world.temp.path, 'other-relay'),
      logger: silentLogger(),
    });
    try {
      await session.handlers.switchToLiveMode({
        ...liveInput(),
        relayUrl: other.profile.relayStreamUrl,
        relayToken: other.profile.relayToken,
      });
      expect(liveStore?.relayCursor).toBeNull();
      const otherLogId = readFileSync(join(world.temp.path, 'other-relay', logIdFileName), 'utf8');
      await eventually(() => expect(liveStore?.relayLogId).toBe(otherLogId.trim()));
    } finally {
      await session.handlers.switchToDemoMode({});
      await other.close();
    }
  });

  it('refuses to save secrets where they cannot be stored, and warns where they are only obfuscated', async () => {
    const unavailable = await openSession({ cipher: createMemoryKeyCipher('unavailable') });
    expect((await unavailable.handlers.getSettings({})).secretStorage).toBe('unavailable');
    const error = await appErrorOf(unavailable.handlers.switchToLiveMode(liveInput()));
    expect(error.code).toBe('secret_storage_unavailable');
    await unavailable.stop();

    const obfuscated = await openSession({ cipher: createMemoryKeyCipher('obfuscated') });
    expect((await obfuscated.handlers.getAppStatus({})).warnings).toEqual([]);
    await obfuscated.handlers.switchToLiveMode(liveInput());
    expect((await obfuscated.handlers.getAppStatus({})).warnings).toEqual([
      expect.stringContaining('saved only obfuscated'),
    ]);
  });

  it('saves nothing and says what to do when the keyring will not encrypt (locked, or access denied)', async () => {
    const refusing: SecretCipher = {
      ...createMemoryKeyCipher(),
      encrypt: () => Promise.reject(new Error('the keyring is locked')),
    };
    const session = await openSession({ cipher: refusing });
    const keyringAdvice =
      '(it may be locked, or the app was not allowed to use it), so nothing was saved. Unlock the keyring, allow the app if the system asks, and try again.';

    const live = await appErrorOf(session.handlers.switchToLiveMode(liveInput()));
    expect(live.code).toBe('secret_storage_unavailable');
    expect(live.userMessage).toBe(
      `The system keyring did not encrypt the API key and relay token ${keyringAdvice}`,
    );
    expect(session.profile.mode).toBe('demo');
    expect(JSON.parse(settingsFile())).toMatchObject({ mode: 'demo', live: null });

    const proxy = await appErrorOf(
      session.handlers.saveProxySignIn({
        proxy: 'proxy.example:8080',
        username: 'field',
        password: 'proxy-password-1',
      }),
    );
    expect(proxy.userMessage).toBe(
      `The system keyring did not encrypt the proxy password ${keyringAdvice}`,
    );
    expect((await session.handlers.getSettings({})).proxySignIn).toBeNull();
  });

  it.each([
    ['half a live profile', { schemaVersion: 1, mode: 'live', live: { apiUrl: 'x' } }],
    ['live mode with no live profile', { schemaVersion: 1, mode: 'live', live: null }],
  ])('moves a settings file with %s aside, says so and starts in demo mode', async (_, saved) => {
    mkdirSync(world.storeDir, { recursive: true });
    writeFileSync(join(world.storeDir, 'settings.json'), JSON.stringify(saved));
    const session = await openSession();
    expect(session.profile.mode).toBe('demo');
    const [warning] = (await session.handlers.getAppStatus({})).warnings;
    expect(warning).toContain('started with demo mode and no live settings');
    expect(
      readdirSync(world.storeDir).some((name) => name.startsWith('settings.json.corrupt-')),
    ).toBe(true);
  });

  it('reads a settings file written before proxy sign-ins, and keeps the live profile when one is saved', async () => {
    const cipher = createMemoryKeyCipher();
    const first = await openSession({ cipher });
    await first.handlers.switchToLiveMode(liveInput());
    await first.stop();
    const { proxySignIn, linkedBy, ...older } = JSON.parse(settingsFile()) as Record<
      string,
      unknown
    >;
    expect(proxySignIn).toBeNull();
    expect(linkedBy).toBeNull();
    writeFileSync(join(world.storeDir, 'settings.json'), JSON.stringify(older));

    const second = await openSession({ cipher });
    expect(second.profile.mode).toBe('live');
    expect((await second.handlers.getAppStatus({})).warnings).toEqual([]);
    expect((await second.handlers.getSettings({})).linkedBy).toBeNull();
    await second.handlers.saveProxySignIn({
      proxy: 'proxy.corp:8080',
      username: 'j',
      password: 'p',
    });
    expect(JSON.parse(settingsFile())).toMatchObject({ mode: 'live', live: liveEndpoints() });
  });

  it('names who links on every account linked from then on, in demo and live mode, and after a restart', async () => {
    const linkedByOf = async (backend: DemoBackend, session: AppSession, customerId: string) => {
      const hubSession = await session.handlers.createConnectSession({ customerId });
      const id = await linkBambooHrThroughHub(backend.simulatorUrl, hubSession.token);
      const response = await fetch(`${backend.simulatorUrl}/accounts/${id}`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${backend.profile.apiKey}:`).toString('base64')}`,
        },
      });
      return ((await response.json()) as { origin_username: string | null }).origin_username;
    };
    const first = await openSession();
    expect((await first.handlers.getSettings({})).linkedBy).toBeNull();
    await first.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const demo = world.demo;
    if (demo === undefined) throw new Error('the demo did not start');
    expect(await linkedByOf(demo, first, 'acme')).toBeNull();

    const view = await first.handlers.saveLinkedBy({ linkedBy: 'jo@implementers.example' });
    expect(view.linkedBy).toBe('jo@implementers.example');
    await first.handlers.createCustomer({ id: 'globex', name: 'Globex' });
    expect(await linkedByOf(demo, first, 'globex')).toBe('jo@implementers.example');
    // The app's list keeps it too, as StackOne has it (Copy summary names it), and none for nobody.
    await eventually(async () =>
      expect(await first.handlers.listAccounts({ customerId: 'globex' })).toEqual([
        expect.objectContaining({ status: 'active', linkedBy: 'jo@implementers.example' }),
      ]),
    );
    await eventually(async () =>
      expect(await first.handlers.listAccounts({ customerId: 'acme' })).toMatchObject([
        { status: 'active' },
      ]),
    );
    expect((await first.handlers.listAccounts({ customerId: 'acme' }))[0]).not.toHaveProperty(
      'linkedBy',
    );
    await first.stop();

    const second = await openSession();
    expect((await second.handlers.getSettings({})).linkedBy).toBe('jo@implementers.example');
    await second.handlers.switchToLiveMode(liveInput());
    await second.handlers.createCustomer({ id: 'initech', name: 'Initech' });
    expect(await linkedByOf(world.live, second, 'initech')).toBe('jo@implementers.example');
    expect((await second.handlers.saveLinkedBy({ linkedBy: '' })).linkedBy).toBeNull();
    await second.handlers.createCustomer({ id: 'hooli', name: 'Hooli' });
    expect(await linkedByOf(world.live, second, 'hooli')).toBeNull();
    expect(JSON.parse(settingsFile())).toMatchObject({ linkedBy: null });
  });

  it('makes calls during a switch wait for it, then answer from the new mode', async () => {
    const session = await openSession();
    await session.handlers.createCustomer({ id: 'demo-co', name: 'Demo Co' });
    const switching = session.handlers.switchToLiveMode(liveInput());
    const customers = session.handlers.listCustomers({});
    await switching;
    expect(await customers).toEqual([]);
  });

  it("keeps the demo's accounts across a restart of the app", async () => {
    const first = await openSession();
    await first.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const hubSession = await first.handlers.createConnectSession({ customerId: 'acme' });
    const id = await linkBambooHrThroughHub(hubSession.hubBaseUrl, hubSession.token);
    await eventually(async () =>
      expect(await first.handlers.listAccounts({ customerId: 'acme' })).toEqual([
        expect.objectContaining({ id, status: 'active' }),
      ]),
    );
    await first.stop();

    // A new simulator (new port, new key) that still has the account: the start's reconciliation
    // keeps it, where it would otherwise remove it as gone from StackOne.
    const second = await openSession();
    await second.handlers.refreshAccounts({ customerId: 'acme' });
    expect(await second.handlers.listAccounts({ customerId: 'acme' })).toEqual([
      expect.objectContaining({ id, status: 'active' }),
    ]);
    expect((await second.handlers.getAppStatus({})).warnings).toEqual([]);
  });

  it('before quitting, writes the account lists once more and says why one is still not saved', async () => {
    const session = await openSession();
    await session.handlers.createCustomer({ id: 'demo-co', name: 'Demo Co' });
    await session.handlers.switchToLiveMode(liveInput());
    // The demo's list, not the active one, is the one the disk refuses.
    const demoFile = join(world.storeDir, `${accountStoreName('demo')}.json`);
    const blocked = blockFile(demoFile);
    world.stores.get('demo')?.renameCustomer({ id: 'demo-co', name: 'Demo Company' });
    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });

    expect(await session.saveBeforeQuit()).toContain(`could not be saved to ${demoFile}`);
    blocked.unblock();
    expect(await session.saveBeforeQuit()).toBeNull();
    expect(readFileSync(demoFile, 'utf8')).toContain('Demo Company');
  });

  it('tells the window of a change once after switching to live mode and back', async () => {
    const session = await openSession();
    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await session.handlers.switchToLiveMode(liveInput());
    await session.handlers.switchToDemoMode({});
    const since = world.events.length;
    await session.handlers.recordHubSuccess({
      customerId: 'acme',
      accountId: 'acc-after-switch',
      provider: 'bamboohr',
    });
    expect(world.events.slice(since).filter((e) => e.event === 'accountsChanged')).toMatchObject([
      { payload: { customerId: 'acme', accounts: [{ id: 'acc-after-switch' }] } },
    ]);
  });

  it("while the window shows one customer alone, no notice names another's accounts; once all are shown, they are told again", async () => {
    const notices: AccountNotice[] = [];
    const session = await openSession({ notices });
    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await session.handlers.createCustomer({ id: 'globex', name: 'Globex' });
    const told = () => world.events.filter((e) => e.event === 'accountNotice');

    await session.handlers.showOnlyCustomer({ customerId: 'acme' });
    await linkActiveBambooHr(session, 'globex');
    await linkActiveBambooHr(session, 'acme');
    await eventually(() =>
      expect(notices).toEqual([expect.objectContaining({ title: 'Acme Ltd: BambooHR linked' })]),
    );
    expect(told().map((e) => e.payload)).toEqual(notices);

    await session.handlers.showOnlyCustomer({ customerId: null });
    const [globexAccount] = await session.handlers.listAccounts({ customerId: 'globex' });
    await setDemoAccountStatus(globexAccount?.id, 'expired');
    await eventually(() =>
      expect(notices.map((notice) => notice.title)).toEqual([
        'Acme Ltd: BambooHR linked',
        'Globex: BambooHR needs re-linking',
      ]),
    );
  });

  it('tells of no account linked before a customer was added, found as they are (a colleague’s), only of one that needs re-linking', async () => {
    // The demo's StackOne has Globex's accounts from a week before, linked by a colleague.
    const colleagues = (provider: string, providerName: string, status: string) => ({
      id: `colleague-${provider}`,
      provider,
      providerName,
      integrationId: `int_${provider}_api_key`,
      originOwnerId: 'globex',
      originOwnerName: 'Globex',
      originUsername: null,
      label: null,
      type: 'production',
      status,
      statusReasons: [],
      setupInformation: {},
      createdAt: '2026-11-30T10:00:00.000Z',
      updatedAt: '2026-11-30T10:00:00.000Z',
    });
    writeFileSync(
      join(world.temp.path, 'demo-accounts.json'),
      JSON.stringify({
        schemaVersion: 1,
        accounts: [
          colleagues('bamboohr', 'BambooHR', 'active'),
          colleagues('ashby', 'Ashby', 'expired'),
        ],
        deletedAccounts: [],
      }),
    );
    const notices: AccountNotice[] = [];
    const session = await openSession({ notices });
    await session.handlers.createCustomer({ id: 'globex', name: 'Globex' });
    await eventually(async () =>
      expect(await session.handlers.listAccounts({ customerId: 'globex' })).toHaveLength(2),
    );
    await eventually(() =>
      expect(notices.map((notice) => notice.title)).toEqual(['Globex: Ashby needs re-linking']),
    );
  });

  it('tells of an account disconnected elsewhere (in StackOne), not of one disconnected from the app', async () => {
    const notices: AccountNotice[] = [];
    const session = await openSession({ notices });
    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });

    const first = await linkActiveBambooHr(session, 'acme');
    await session.handlers.disconnectAccount({ customerId: 'acme', accountId: first });
    await changeDemoAccount(await linkActiveBambooHr(session, 'acme'), 'delete');
    await eventually(() =>
      expect(notices.map((notice) => notice.title)).toEqual([
        'Acme Ltd: BambooHR linked',
        'Acme Ltd: BambooHR linked',
        'Acme Ltd: BambooHR disconnected',
      ]),
    );
    expect(await session.handlers.listAccounts({ customerId: 'acme' })).toEqual([]);
  });

  it('keeps the customer shown alone for the next start: what StackOne did meanwhile names no other customer', async () => {
    // Live mode: its StackOne and relay run on while the app is closed, as the demo's do not.
    const cipher = createMemoryKeyCipher();
    const first = await openSession({ cipher });
    await first.handlers.switchToLiveMode(liveInput());
    await first.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await first.handlers.createCustomer({ id: 'globex', name: 'Globex' });
    const linked: Record<string, string | undefined> = {};
    for (const customerId of ['acme', 'globex']) {
      const hubSession = await first.handlers.createConnectSession({ customerId });
      linked[customerId] = await linkBambooHrThroughHub(hubSession.hubBaseUrl, hubSession.token);
      await eventually(async () =>
        expect((await first.handlers.listAccounts({ customerId }))[0]?.status).toBe('active'),
      );
    }
    await first.handlers.showOnlyCustomer({ customerId: 'acme' });
    await first.stop();

    // Both accounts break while the app is closed; the relay keeps the news for its start.
    await setDemoAccountStatus(linked['globex'], 'expired', world.live);
    await setDemoAccountStatus(linked['acme'], 'expired', world.live);
    const notices: AccountNotice[] = [];
    const second = await openSession({ cipher, notices });
    expect(await second.handlers.getCustomerShownAlone({})).toEqual({ customerId: 'acme' });
    await eventually(async () =>
      expect((await second.handlers.listAccounts({ customerId: 'globex' }))[0]?.status).toBe(
        'expired',
      ),
    );
    await eventually(() =>
      expect(notices.map((notice) => notice.title)).toEqual([
        'Acme Ltd: BambooHR needs re-linking',
      ]),
    );

    await second.handlers.showOnlyCustomer({ customerId: null });
    await second.stop();
    const third = await openSession();
    expect(await third.handlers.getCustomerShownAlone({})).toEqual({ customerId: null });
  });

  it('shows one customer alone even when the settings cannot be saved, saying that the next start will show all', async () => {
    const notices: AccountNotice[] = [];
    const session = await openSession({ notices });
    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await session.handlers.createCustomer({ id: 'globex', name: 'Globex' });
    const blocked = blockFile(join(world.storeDir, 'settings.json'));
    const refused = await appErrorOf(session.handlers.showOnlyCustomer({ customerId: 'acme' }));
    expect(refused.userMessage).toBe(
      `The settings could not be saved to ${join(world.storeDir, 'settings.json')} (the system said EISDIR), so only this customer is shown now but every customer at the next start. Check the disk, then try again.`,
    );
    expect(await session.handlers.getCustomerShownAlone({})).toEqual({ customerId: 'acme' });
    const hubSession = await session.handlers.createConnectSession({ customerId: 'globex' });
    await linkBambooHrThroughHub(hubSession.hubBaseUrl, hubSession.token);
    await eventually(async () =>
      expect((await session.handlers.listAccounts({ customerId: 'globex' }))[0]?.status).toBe(
        'active',
      ),
    );
    expect(notices).toEqual([]);

    blocked.unblock();
    await session.handlers.showOnlyCustomer({ customerId: 'acme' });
    expect(JSON.parse(settingsFile())).toMatchObject({ customerShownAlone: 'acme' });
  });

  it('tells of a link that expires with nothing linked as it does (for one kind of system, naming it), unless something was linked through it, it expired before the start or another customer is shown alone', async () => {
    const cipher = createMemoryKeyCipher();
    const first = await openSession({ cipher });
    const customers = { acme: 'Acme Ltd', globex: 'Globex', hooli: 'Hooli', initech: 'Initech' };
    for (const [id, name] of Object.entries(customers)) {
      await first.handlers.createCustomer({ id, name });
      // Globex's for their HR system alone, which its notice names.
      await first.handlers.createAuthLink({
        customerId: id,
        validForDays: 1,
        ...(id === 'globex' && { category: 'hris' as const }),
      });
    }
    await first.stop();
    // The links made to expire soon (Initech's before the next start), as the file keeps them:
    // late enough for a slow machine to start the app first, and Hooli's to link an account.
    const file = join(world.storeDir, `${accountStoreName('demo')}.json`);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      sentLinks: { customerId: string; expiresAt: string }[];
    };
    const soon = Date.now() + 6_000;
    const hooliExpiry = soon + 6_000;
    const expiryOf: Record<string, number> = { initech: Date.now() - 60_000, hooli: hooliExpiry };
    for (const link of saved.sentLinks)
      link.expiresAt = new Date(expiryOf[link.customerId] ?? soon).toISOString();
    writeFileSync(file, JSON.stringify(saved));

    const notices: AccountNotice[] = [];
    const second = await openSession({ cipher, notices });
    // Hooli's customer links an account through theirs before it expires.
    const hubSession = await second.handlers.createConnectSession({ customerId: 'hooli' });
    await linkBambooHrThroughHub(hubSession.hubBaseUrl, hubSession.token);
    await eventually(async () =>
      expect(
        (await second.handlers.summarizeCustomers({})).find((s) => s.customerId === 'hooli')
          ?.unusedLinksExpireAt,
      ).toEqual([]),
    );
    expect(notices.map((notice) => notice.title)).toEqual(['Hooli: BambooHR linked']);
    await eventually(() =>
      expect(notices.map((notice) => notice.title)).toEqual([
        'Hooli: BambooHR linked',
        'Acme Ltd: a link expired, nothing linked',
        'Globex: the link for their HR system expired, nothing linked',
      ]),
    );
    expect(Date.now()).toBeGreaterThanOrEqual(soon);
    expect(notices.at(-1)).toEqual({
      customerId: 'globex',
      title: 'Globex: the link for their HR system expired, nothing linked',
      body: 'The link sent to them for their HR system expired with nothing linked since. Send another from their page if they still need one.',
    });
    // Past Hooli's link's expiry: nothing more, as an account was linked through it.
    await new Promise((resolve) => setTimeout(resolve, hooliExpiry - Date.now() + 500));
    expect(notices).toHaveLength(3);

    // While Acme is shown alone, Globex's next link expiring says nothing.
    await second.handlers.showOnlyCustomer({ customerId: 'acme' });
    await second.stop();
    const again = JSON.parse(readFileSync(file, 'utf8')) as typeof saved;
    const later = Date.now() + 6_000;
    for (const link of again.sentLinks)
      if (link.customerId !== 'hooli') link.expiresAt = new Date(later).toISOString();
    writeFileSync(file, JSON.stringify(again));
    const alone: AccountNotice[] = [];
    await openSession({ cipher, notices: alone });
    await eventually(() =>
      expect(alone.map((notice) => notice.title)).toEqual([
        'Acme Ltd: a link expired, nothing linked',
      ]),
    );
  });

  it('tells of a link to re-link that expires with its account still needing it, not while a later one works nor once the account is re-linked', async () => {
    const cipher = createMemoryKeyCipher();
    const first = await openSession({ cipher });
    const accountOf: Record<string, string | undefined> = {};
    const statusOf = async (session: AppSession, customerId: string) =>
      (await session.handlers.listAccounts({ customerId }))[0]?.status;
    for (const [id, name] of [
      ['acme', 'Acme Ltd'],
      ['globex', 'Globex'],
    ] as const) {
      await first.handlers.createCustomer({ id, name });
      const hubSession = await first.handlers.createConnectSession({ customerId: id });
      accountOf[id] = await linkBambooHrThroughHub(hubSession.hubBaseUrl, hubSession.token);
      await eventually(async () => expect(await statusOf(first, id)).toBe('active'));
      await setDemoAccountStatus(accountOf[id], 'expired');
      await eventually(async () => expect(await statusOf(first, id)).toBe('expired'));
      await first.handlers.createAuthLink({
        customerId: id,
        accountId: accountOf[id],
        validForDays: 1,
      });
    }
    // Acme is sent another link to re-link theirs.
    await first.handlers.createAuthLink({
      customerId: 'acme',
      accountId: accountOf['acme'],
      validForDays: 2,
    });
    await first.stop();
    // The links made to expire soon; Acme's later one 6 s after its first.
    const file = join(world.storeDir, `${accountStoreName('demo')}.json`);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      sentLinks: { customerId: string; createdAt: string; expiresAt: string }[];
    };
    const soon = Date.now() + 6_000;
    const later = soon + 6_000;
    const newestAcmeLink = saved.sentLinks
      .filter((link) => link.customerId === 'acme')
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
    for (const link of saved.sentLinks)
      link.expiresAt = new Date(link === newestAcmeLink ? later : soon).toISOString();
    writeFileSync(file, JSON.stringify(saved));

    const notices: AccountNotice[] = [];
    const second = await openSession({ cipher, notices });
    // Globex's customer re-links theirs before the link expires.
    await setDemoAccountStatus(accountOf['globex'], 'active');
    await eventually(async () => expect(await statusOf(second, 'globex')).toBe('active'));
    await new Promise((resolve) => setTimeout(resolve, soon - Date.now() + 500));
    expect(notices.map((notice) => notice.title)).toEqual(['Globex: BambooHR re-linked']);
    await eventually(
      () =>
        expect(notices.map((notice) => notice.title)).toEqual([
          'Globex: BambooHR re-linked',
          'Acme Ltd: the link to re-link BambooHR expired',
        ]),
      15_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(later);
    expect(notices.at(-1)).toEqual({
      customerId: 'acme',
      title: 'Acme Ltd: the link to re-link BambooHR expired',
      body: 'BambooHR still needs re-linking. Send another link from their page, or re-link it in the app.',
    });
  });

  it('tells of an account newly linked once: not again after a restart, where it is already known', async () => {
    const notices: AccountNotice[] = [];
    const first = await openSession({ notices });
    await first.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const hubSession = await first.handlers.createConnectSession({ customerId: 'acme' });
    await linkBambooHrThroughHub(hubSession.hubBaseUrl, hubSession.token);
    await eventually(() =>
      expect(notices).toEqual([expect.objectContaining({ title: 'Acme Ltd: BambooHR linked' })]),
    );
    // The window is told the same, for screen readers.
    expect(world.events.filter((e) => e.event === 'accountNotice').map((e) => e.payload)).toEqual(
      notices,
    );
    await first.stop();

    const afterRestart: AccountNotice[] = [];
    const second = await openSession({ notices: afterRestart });
    const [account] = await second.handlers.listAccounts({ customerId: 'acme' });
    const updatedAt = account?.updatedAt;
    // StackOne says it is active again (a webhook, a newer updated_at): the list changes, the
    // account is not news.
    await setDemoAccountStatus(account?.id, 'active');
    await eventually(async () =>
      expect((await second.handlers.listAccounts({ customerId: 'acme' }))[0]?.updatedAt).not.toBe(
        updatedAt,
      ),
    );
    expect(afterRestart).toEqual([]);
  });

  it('tells of no account brought back that an earlier release took for deleted, StackOne having it', async () => {
    const first = await openSession();
    await first.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const id = await linkActiveBambooHr(first, 'acme');
    await first.stop();
    // As an earlier release left it: taken for deleted, for good.
    const file = join(world.storeDir, `${accountStoreName('demo')}.json`);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      accounts: { id: string; status: string; deleted: boolean }[];
    };
    for (const account of saved.accounts)
      Object.assign(account, { status: 'deleted', deleted: true });
    writeFileSync(file, JSON.stringify(saved));

    const notices: AccountNotice[] = [];
    const second = await openSession({ notices });
    await eventually(async () =>
      expect(await second.handlers.listAccounts({ customerId: 'acme' })).toMatchObject([
        { id, status: 'active' },
      ]),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notices).toEqual([]);
  });
  it('starts the demo afresh: its customers, accounts and links gone, in the app and in its StackOne; live mode untouched', async () => {
    const session = await openSession();
    await session.handlers.switchToLiveMode(liveInput());
    await session.handlers.createCustomer({ id: 'live-customer', name: 'Live Customer' });
    await expect(session.handlers.resetDemo({})).rejects.toMatchObject({ code: 'conflict' });
    await session.handlers.switchToDemoMode({});

    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await linkActiveBambooHr(session, 'acme');
    await session.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
    const view = await session.handlers.resetDemo({});
    expect(view.mode).toBe('demo');
    expect(await session.handlers.listCustomers({})).toEqual([]);
    // The demo's StackOne has no account left for anyone.
    expect(await session.handlers.findStackOneCustomers({})).toMatchObject({
      customers: [],
      accountsRead: 0,
    });

    // The fresh demo works: its relay's events reach the app (the cursor went with the rest).
    await session.handlers.createCustomer({ id: 'globex', name: 'Globex' });
    const id = await linkActiveBambooHr(session, 'globex');
    await session.stop();
    const restarted = await openSession();
    expect((await restarted.handlers.listCustomers({})).map((c) => c.id)).toEqual(['globex']);
    await restarted.handlers.refreshAccounts({ customerId: 'globex' });
    expect(await restarted.handlers.listAccounts({ customerId: 'globex' })).toEqual([
      expect.objectContaining({ id, status: 'active' }),
    ]);
    await restarted.handlers.switchToLiveMode(liveInput());
    expect((await restarted.handlers.listCustomers({})).map((c) => c.id)).toEqual([
      'live-customer',
    ]);
  });

  it('says so when the demo cannot be started afresh, and starts it on the next try', async () => {
    const session = await openSession({ freshDemoStartsFailing: 1 });
    await session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await expect(session.handlers.resetDemo({})).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('Try Start afresh once more'),
    });
    const view = await session.handlers.resetDemo({});
    expect(view.mode).toBe('demo');
    expect(await session.handlers.listCustomers({})).toEqual([]);
    expect((await session.handlers.getAppStatus({})).relay.state).toMatch(/connecting|connected/);
  });

  it("says so when the demo's saved accounts cannot be used", async () => {
    writeFileSync(join(world.temp.path, 'demo-accounts.json'), 'not json');
    const session = await openSession();
    expect((await session.handlers.getAppStatus({})).warnings).toEqual([
      expect.stringContaining('The demo’s saved accounts'),
    ]);
  });
});
