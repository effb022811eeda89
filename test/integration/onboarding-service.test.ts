import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountStore } from '../../src/main/account-store';
import { createLogger, silentLogger } from '../../src/main/logger';
import { createOnboardingService, type OnboardingService } from '../../src/main/onboarding-service';
import { simulatorProfile } from '../../src/main/demo-backend';
import {
  createStackOneApi,
  type StackOneAccount,
  type StackOneApi,
} from '../../src/main/stackone-api';
import { openFileEventLog } from '../../src/relay/file-event-log';
import { startRelayServer, type RunningRelay } from '../../src/relay/relay-server';
import { logIdFileName } from '../../src/relay/log-id';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server';
import type { SecretCipher } from '../../src/main/secret-cipher';
import type { BridgeEventName } from '../../src/shared/contract';
import { blockFile } from '../support/blocked-file';
import { closedAddress } from '../support/http-proxy';
import { openTestAccountStore } from '../support/conf-store';
import { createMemoryKeyCipher } from '../support/memory-key-cipher';
import { makeTempDir } from '../support/temp-dir';
import { eventually } from '../support/eventually';
import { linkBambooHrThroughHub, linkThroughHub } from '../support/simulator-hub';
import { accountsLinkedSince } from '../../src/shared/accounts-linked-since';
import { postWebhook, sign, webhookBody } from '../support/webhooks';

const apiKey = 'v1.test.integration-key';
const secret = 'whsec_integration';
const relayToken = 'relay-token-integration';

interface World {
  temp: ReturnType<typeof makeTempDir>;
  simulator: RunningSimulator;
  relay: RunningRelay;
  store: AccountStore;
  service: OnboardingService;
  events: { event: BridgeEventName; payload: unknown }[];
  /** Account ids the app asked StackOne about, in order. */
  accountLookups: string[];
  /** Called once the next listing of accounts is read; the listing is answered when it settles. */
  afterListing: (() => Promise<void>) | null;
  /** How many times the app listed the accounts of its customers. */
  listings: number;
  /** Accounts each listing has besides StackOne's own (a StackOne that lists what it deleted). */
  listedBesides: StackOneAccount[];
  /** The messages the app's service logged, at info and above, in order. */
  logged: string[];
  /** Encrypts the kept auth links; the same across restarts unless a test replaces it. */
  cipher: SecretCipher;
  /**
   * A relay on the test's data directory; `maxEvents`: what its retention keeps;
   * `heartbeatIntervalMs`: its pings, and how often it tells a subscriber its position.
   */
  startRelay(
    port?: number,
    options?: { maxEvents?: number; heartbeatIntervalMs?: number },
  ): Promise<RunningRelay>;
  startService(): OnboardingService;
}
let world: World | null = null;

/** The real API, recording which accounts the app looks up, its next listing held if asked. */
function observedApi(
  api: StackOneApi,
  w: Pick<World, 'accountLookups' | 'afterListing' | 'listings' | 'listedBesides'>,
): StackOneApi {
  return {
    ...api,
    getAccount: (id) => {
      w.accountLookups.push(id);
      return api.getAccount(id);
    },
    listAccounts: async (originOwnerIds) => {
      w.listings += 1;
      const listed = await api.listAccounts(originOwnerIds);
      const hold = w.afterListing;
      w.afterListing = null;
      await hold?.();
      return [...listed, ...w.listedBesides];
    },
  };
}

/**
 * `simulatorNow`: StackOne's clock, where it is not this computer's. `offlineReconcileEveryMs`: how
 * often the app reads StackOne's accounts while the relay is away (the app's 60 s when absent).
 * `verifyLaterAfterMs`: how long after an event StackOne could not verify it reads them (15 s).
 * `hubLinkEventWaitMs`: how long an account linked through the Hub waits for its event (30 s).
 * `pendingUnlistedAskAfterMs`: how long a pending account StackOne does not list is left alone
 * (10 minutes). `linksOutReadEveryMs`: how often StackOne's accounts are read while a link sent
 * works and nothing has come of it (5 minutes).
 */
async function setUp(
  options: {
    simulatorNow?: () => Date;
    offlineReconcileEveryMs?: number;
    verifyLaterAfterMs?: number;
    hubLinkEventWaitMs?: number;
    pendingUnlistedAskAfterMs?: number;
    linksOutReadEveryMs?: number;
  } = {},
): Promise<World> {
  const temp = makeTempDir('onboarding');
  const logger = silentLogger();
  const startRelay = (
    port?: number,
    {
      heartbeatIntervalMs,
      ...logOptions
    }: { maxEvents?: number; heartbeatIntervalMs?: number } = {},
  ) =>
    startRelayServer({
      webhookSecrets: [secret],
      clientTokens: [relayToken],
      eventLog: openFileEventLog({ dataDir: join(temp.path, 'relay'), ...logOptions }),
      logger,
      ...(port !== undefined && { port }),
      ...(heartbeatIntervalMs !== undefined && { heartbeatIntervalMs }),
    });
  const relay = await startRelay();
  const simulator = await startSimulator({
    apiKey,
    webhookTargets: [{ url: `${relay.url}/webhooks/stackone`, secret }],
    logger,
    webhookRetryBaseMs: 100,
    ...(options.simulatorNow !== undefined && { now: options.simulatorNow }),
  });
  const profile = simulatorProfile({
    apiKey,
    simulatorUrl: simulator.url,
    relayUrl: relay.url,
    relayToken,
  });
  const events: World['events'] = [];
  const partial = {
    temp,
    simulator,
    relay,
    events,
    startRelay,
    accountLookups: [],
    afterListing: null,
    listings: 0,
    listedBesides: [],
    logged: [],
    cipher: createMemoryKeyCipher(),
  } as unknown as World;
  partial.startService = () => {
    partial.store = openTestAccountStore(join(temp.path, 'store'));
    partial.service = createOnboardingService({
      profile,
      store: partial.store,
      api: observedApi(createStackOneApi({ apiKey, baseUrl: simulator.url }), partial),
      cipher: partial.cipher,
      logger: createLogger({
        name: 'main',
        level: 'info',
        destination: {
          write: (line: string) => partial.logged.push((JSON.parse(line) as { msg: string }).msg),
        },
      }),
      emit: (event, payload) => events.push({ event, payload }),
      ...(options.offlineReconcileEveryMs !== undefined && {
        offlineReconcileEveryMs: options.offlineReconcileEveryMs,
      }),
      ...(options.verifyLaterAfterMs !== undefined && {
        verifyLaterAfterMs: options.verifyLaterAfterMs,
      }),
      ...(options.hubLinkEventWaitMs !== undefined && {
        hubLinkEventWaitMs: options.hubLinkEventWaitMs,
      }),
      ...(options.pendingUnlistedAskAfterMs !== undefined && {
        pendingUnlistedAskAfterMs: options.pendingUnlistedAskAfterMs,
      }),
      ...(options.linksOutReadEveryMs !== undefined && {
        linksOutReadEveryMs: options.linksOutReadEveryMs,
      }),
    });
    partial.service.start();
    return partial.service;
  };
  partial.startService();
  world = partial;
  return partial;
}

afterEach(async () => {
  if (!world) return;
  await world.service.stop();
  await world.simulator.close();
  await world.relay.close().catch(() => undefined);
  world.temp.remove();
  world = null;
});

/** The simulator's control API (docs/simulator.md). */
const control = (w: World, path: string, body: unknown) =>
  fetch(`${w.simulator.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });

async function linkBambooHr(w: World, customerId: string): Promise<string> {
  const session = await w.service.handlers.createConnectSession({ customerId });
  const id = await linkBambooHrThroughHub(session.hubBaseUrl, session.token);
  await w.service.handlers.recordHubSuccess({ customerId, accountId: id, provider: 'bamboohr' });
  return id;
}

/** No reading of StackOne's account list in the next `ms`. */
async function expectNoListingWithin(w: World, ms: number): Promise<void> {
  const listings = w.listings;
  await new Promise((resolve) => setTimeout(resolve, ms));
  expect(w.listings).toBe(listings);
}

/** The Hub session token an auth link carries. */
const tokenOf = (link: { url: string }) => new URL(link.url).searchParams.get('token') ?? '';

/** Sends the customer a link, through which they link a BambooHR: resolves to the account's id. */
async function linkThroughALinkSent(w: World, customerId: string): Promise<string> {
  const link = await w.service.handlers.createAuthLink({ customerId, validForDays: 1 });
  return linkBambooHrThroughHub(w.simulator.url, tokenOf(link));
}

/**
 * StackOne's clock for an account linked well after the app's record of the relay's log began
 * (StackOne's and this computer's clocks are taken as a minute apart at most).
 */
const twoMinutesAhead = () => new Date(Date.now() + 120_000);

/**
 * The relay back at the same address, on its data directory as it was (or, where `dataLost`, an
 * empty one: a disk replaced), with the options given.
 */
async function restartRelay(
  w: World,
  {
    dataLost = false,
    ...options
  }: { dataLost?: boolean; maxEvents?: number; heartbeatIntervalMs?: number } = {},
): Promise<void> {
  const port = w.relay.port;
  await w.relay.close();
  if (dataLost) rmSync(join(w.temp.path, 'relay'), { recursive: true });
  w.relay = await w.startRelay(port, options);
}

/**
 * With the app closed, acme links a BambooHR through a link sent, its event held; the app starts
 * again, its reading at start answered once the relay is connected. Resolves once the app has the
 * account active.
 */
async function linkedThroughALinkWhileClosed(w: World): Promise<void> {
  const link = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
  await w.service.stop();
  w.simulator.webhooks.pause();
  const linked = await linkBambooHrThroughHub(w.simulator.url, tokenOf(link));
  answerNextListingOnceConnected(w);
  w.startService();
  await eventually(() => expect(w.store.getAccount(linked)?.status).toBe('active'), 10_000);
}

/** The next reading of StackOne's accounts answered once the relay is connected. */
function answerNextListingOnceConnected(w: World): void {
  w.afterListing = () =>
    eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'), 10_000);
}

/**
 * A colleague links a BambooHR for this owner in the same StackOne project, on another laptop:
 * its webhook goes through the same relay. Resolves to the account's id.
 */
async function linkByColleague(w: World, owner: { id: string; name: string }): Promise<string> {
  const colleague = createStackOneApi({ apiKey, baseUrl: w.simulator.url });
  const session = await colleague.createConnectSession({
    originOwnerId: owner.id,
    originOwnerName: owner.name,
  });
  return linkBambooHrThroughHub(w.simulator.url, session.token);
}

const relayConnections = (w: World) =>
  w.events.filter(
    (e) =>
      e.event === 'relayConnectionChanged' &&
      (e.payload as { state: string }).state === 'connected',
  ).length;

/** The relay connection as the window was last sent it. */
const lastRelayConnectionSent = (w: World) =>
  w.events.findLast((e) => e.event === 'relayConnectionChanged')?.payload;

/** Adds a customer and waits until the relay has taken the subscription that includes them. */
async function addCustomer(w: World, id: string, name: string): Promise<void> {
  const before = relayConnections(w);
  await w.service.handlers.createCustomer({ id, name });
  await eventually(() => expect(relayConnections(w)).toBeGreaterThan(before));
}

/** Links a BambooHR account and waits until its webhook has made it active in the store. */
async function linkActiveBambooHr(w: World, customerId: string): Promise<string> {
  const id = await linkBambooHr(w, customerId);
  await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'));
  return id;
}

describe('onboarding service over the real simulator and relay', () => {
  it('records a Hub success as pending, verifies it from the webhook, and pushes both states', async () => {
    const w = await setUp();
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await addCustomer(w, 'acme', 'Acme Ltd');
    w.simulator.webhooks.pause();
    const id = await linkBambooHr(w, 'acme');
    expect(await w.service.handlers.listAccounts({ customerId: 'acme' })).toMatchObject([
      { id, status: 'pending' },
    ]);

    w.simulator.webhooks.resume();
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'));
    const pushed = w.events.filter((e) => e.event === 'accountsChanged').map((e) => e.payload);
    expect(pushed).toEqual([
      { customerId: 'acme', accounts: [expect.objectContaining({ id, status: 'pending' })] },
      {
        customerId: 'acme',
        accounts: [expect.objectContaining({ id, status: 'active', providerName: 'BambooHR' })],
      },
    ]);
    expect(pushed[0]).toMatchObject({ accounts: [{ provider: 'bamboohr' }] });
    expect(pushed[0]).not.toMatchObject({ accounts: [{ providerName: expect.anything() }] });
    expect(pushed[0]).not.toMatchObject({ accounts: [{ createdAt: expect.anything() }] });
    // When StackOne made the account, as it says: what Links sent measure "since then" against.
    expect(w.store.getAccount(id)?.createdAt).toBe(
      w.simulator.state.accounts.get(id)?.createdAt.toISOString(),
    );
    expect(w.store.relayCursor).toBe(1);
  });

  it('shows status changes and deletion that happen in StackOne', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const id = await linkActiveBambooHr(w, 'acme');

    await control(w, `/_simulator/accounts/${id}/status`, {
      status: 'error',
      status_reasons: [{ code: 'token_revoked', description: 'The API key was revoked.' }],
    });
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('error'));
    expect(w.store.getAccount(id)?.statusReasons[0]).toMatchObject({
      description: 'The API key was revoked.',
    });

    await fetch(`${w.simulator.url}/accounts/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
    });
    await eventually(() => expect(w.store.accountsOf('acme')).toEqual([]));
    expect(w.store.isDeleted(id)).toBe(true);
  });

  it('goes offline when the relay goes away and catches up when it comes back', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    const port = w.relay.port;
    await w.relay.close();
    await eventually(() => expect(w.service.relayClient.connection.state).not.toBe('connected'));
    expect(
      w.events.some(
        (e) =>
          e.event === 'relayConnectionChanged' &&
          (e.payload as { state: string }).state === 'offline',
      ),
    ).toBe(true);

    const id = await linkBambooHr(w, 'acme'); // its webhook fails and is retried by the simulator
    expect(w.store.getAccount(id)?.status).toBe('pending');

    w.relay = await w.startRelay(port);
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'), 20_000);
    expect(w.service.relayClient.connection.state).toBe('connected');
  });

  it('reads the accounts from StackOne every so often while the relay is away, and stops once it is back', async () => {
    const w = await setUp({ offlineReconcileEveryMs: 300 });
    await addCustomer(w, 'acme', 'Acme Ltd');
    const id = await linkActiveBambooHr(w, 'acme');
    const port = w.relay.port;
    await w.relay.close();
    await eventually(() => expect(w.service.relayClient.connection.state).not.toBe('connected'));

    // No event can come, and nobody presses Refresh: the account's change shows all the same.
    await control(w, `/_simulator/accounts/${id}/status`, { status: 'expired' });
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('expired'));
    const listedOffline = w.listings;
    await eventually(() => expect(w.listings).toBeGreaterThan(listedOffline + 1));

    w.relay = await w.startRelay(port);
    await eventually(
      () => expect(w.service.relayClient.connection.state).toBe('connected'),
      20_000,
    );
    // A pass under way as it connected, and the connection's own, at most; then none.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expectNoListingWithin(w, 1_500);
  });

  it('reads an account StackOne could not verify as its event came again later, until it can', async () => {
    const w = await setUp({ verifyLaterAfterMs: 300 });
    await addCustomer(w, 'acme', 'Acme Ltd');
    const id = await linkActiveBambooHr(w, 'acme');
    await eventually(() => expect(w.store.relayCursor).toBe(1));

    // StackOne fails every call for a while: the event is taken, its account not verified.
    await control(w, '/_simulator/faults', { failure_rate: 1 });
    await control(w, `/_simulator/accounts/${id}/status`, { status: 'expired' });
    await eventually(() => expect(w.store.relayCursor).toBe(2));
    expect(w.store.getAccount(id)?.status).toBe('active');
    const listings = w.listings;
    // Tried again after 300 ms, then 600 ms, ... while StackOne fails.
    await eventually(() => expect(w.listings).toBeGreaterThan(listings + 1));

    // The relay stays connected and nobody presses Refresh.
    await control(w, '/_simulator/faults', { failure_rate: 0 });
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('expired'));
    expect(w.service.relayClient.connection.state).toBe('connected');
  });

  it('reads an account linked through the Hub from StackOne where no event has come for it a while later, and says StackOne’s events are missing until one comes', async () => {
    const w = await setUp({ hubLinkEventWaitMs: 300, offlineReconcileEveryMs: 300 });
    await addCustomer(w, 'acme', 'Acme Ltd');
    // No reading of StackOne under way as it is linked.
    await w.service.handlers.refreshAccounts({ customerId: 'acme' });
    // StackOne's webhook does not reach the relay (not set up for it, say).
    w.simulator.webhooks.pause();
    const id = await linkBambooHr(w, 'acme');
    expect(w.store.getAccount(id)?.status).toBe('pending');

    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'));
    expect(w.store.relayCursor).toBeNull();
    expect(w.service.relayClient.connection.state).toBe('connected');
    expect(w.logged).toContainEqual(
      expect.stringContaining("is StackOne's webhook set up for the relay"),
    );
    const relayShown = async () => (await w.service.handlers.getAppStatus({})).relay;
    await eventually(async () =>
      expect((await relayShown()).stackOneEventsMissingSince).toBeDefined(),
    );
    expect(await relayShown()).toMatchObject({ state: 'connected' });
    expect(lastRelayConnectionSent(w)).toEqual(await relayShown());

    // Connected, yet nothing comes: the accounts are read every so often, as with the relay away.
    await control(w, `/_simulator/accounts/${id}/status`, { status: 'expired' });
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('expired'));

    // Kept with the account list: so after a restart too, the reading every so often with it.
    const { stackOneEventsMissingSince } = await relayShown();
    await w.service.stop();
    w.startService();
    await eventually(async () => expect((await relayShown()).state).toBe('connected'));
    expect((await relayShown()).stackOneEventsMissingSince).toBe(stackOneEventsMissingSince);
    const listedOnConnecting = w.listings;
    await eventually(() => expect(w.listings).toBeGreaterThan(listedOnConnecting + 1));

    w.simulator.webhooks.resume();
    await eventually(() => expect(w.store.relayCursor).not.toBeNull());
    await eventually(async () =>
      expect((await relayShown()).stackOneEventsMissingSince).toBeUndefined(),
    );
    expect(lastRelayConnectionSent(w)).toEqual(await relayShown());
    await expectNoListingWithin(w, 1_000);
    await w.service.stop();
    w.startService();
    expect((await relayShown()).stackOneEventsMissingSince).toBeUndefined();
  });

  it('resumes from its persisted cursor after a restart and picks up what happened while closed', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const first = await linkActiveBambooHr(w, 'acme');
    // Reconciliation can make it active before its event is applied; wait for the event itself.
    await eventually(() => expect(w.store.relayCursor).toBe(1));
    await w.service.stop();

    // While the app is closed, the customer finishes an auth link on their own device.
    const basic = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
    const session = (await (
      await fetch(`${w.simulator.url}/connect_sessions`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/json' },
        body: JSON.stringify({
          origin_owner_id: 'acme',
          origin_owner_name: 'Acme Ltd',
          multiple: true,
        }),
      })
    ).json()) as { token: string };
    const second = await linkBambooHrThroughHub(w.simulator.url, session.token, {
      apiKey: 'z'.repeat(24),
    });
    await w.simulator.webhooks.idle();

    w.startService();
    expect(w.store.relayCursor).toBe(1);
    await eventually(() => expect(w.store.getAccount(second)?.status).toBe('active'));
    // Here too reconciliation at start can make it active before its event is applied.
    await eventually(() => expect(w.store.relayCursor).toBe(2));
    expect(
      w.store
        .accountsOf('acme')
        .map((a) => a.id)
        .sort(),
    ).toEqual([first, second].sort());
  });

  it('takes a relay whose data directory was lost as another log: its events applied under seqs seen before, the cursor saved from its start', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await linkActiveBambooHr(w, 'acme');
    await linkActiveBambooHr(w, 'acme');
    await eventually(() => expect(w.store.relayCursor).toBe(2));
    const relayLogId = () => readFileSync(join(w.temp.path, 'relay', logIdFileName), 'utf8').trim();
    const logBefore = relayLogId();
    expect(w.store.relayLogId).toBe(logBefore);

    // The relay comes back at the same address with its data directory gone (a disk replaced).
    await restartRelay(w, { dataLost: true });
    await eventually(
      () => expect(w.service.relayClient.connection.state).toBe('connected'),
      10_000,
    );
    const third = await linkBambooHr(w, 'acme');
    // Its webhook is the new log's first event: applied, not passed over as seen.
    await eventually(() => expect(w.store.relayCursor).toBe(1));
    await eventually(() => expect(w.store.getAccount(third)?.status).toBe('active'));
    expect(w.store.relayLogId).toBe(relayLogId());
    expect(w.store.relayLogId).not.toBe(logBefore);

    await w.service.stop();
    w.startService();
    expect(w.store.relayCursor).toBe(1);
    expect(w.store.relayLogId).toBe(relayLogId());
  });

  it('looks each account up once per burst, however many events it had', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const id = await linkActiveBambooHr(w, 'acme');
    await w.service.stop();
    for (const status of ['error', 'active', 'error', 'active', 'expired']) {
      await control(w, `/_simulator/accounts/${id}/status`, { status });
    }
    await w.simulator.webhooks.idle();
    w.accountLookups.length = 0;

    w.startService();
    await eventually(() => expect(w.store.relayCursor).toBe(6));
    expect(w.store.getAccount(id)?.status).toBe('expired');
    expect(w.accountLookups).toEqual([id]);
  });

  it('asks StackOne for a Hub session of half an hour, and tells the window what is left of it', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    const session = await w.service.handlers.createConnectSession({ customerId: 'acme' });
    const [created] = [...w.simulator.state.sessions.values()];
    expect((created?.expiresAt.getTime() ?? 0) - (created?.createdAt.getTime() ?? 0)).toBe(
      1_800_000,
    );
    expect(session.expiresInSeconds).toBeLessThanOrEqual(1_800);
    expect(session.expiresInSeconds).toBeGreaterThan(1_790);
  });

  it('never hands the API key or relay token to the renderer', async () => {
    const w = await setUp();
    const results = [
      await w.service.handlers.getAppStatus({}),
      await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' }),
      await w.service.handlers.createConnectSession({ customerId: 'acme' }),
      await w.service.handlers.listCustomers({}),
    ];
    const seen = JSON.stringify([results, w.events]);
    expect(seen).not.toContain(apiKey);
    expect(seen).not.toContain(relayToken);
    expect(seen).not.toContain(Buffer.from(`${apiKey}:`).toString('base64'));
  });

  it('explains a StackOne that cannot be reached, and an unknown customer', async () => {
    const w = await setUp();
    const closed = await closedAddress();
    const unreachable = createStackOneApi({
      apiKey,
      baseUrl: `http://${closed}`,
      maxRetryElapsedMs: 300,
    });
    await expect(
      unreachable.createConnectSession({ originOwnerId: 'a', originOwnerName: 'A' }),
    ).rejects.toMatchObject({
      code: 'stackone_unreachable',
      userMessage: expect.stringContaining(`${closed} refused the connection`),
    });
    await expect(
      w.service.handlers.createConnectSession({ customerId: 'nobody' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('a second account of a provider the customer has', () => {
  it('is added beside the first and labelled, where an ordinary link takes it as the first again', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    const first = await linkActiveBambooHr(w, 'acme');

    const ordinary = await w.service.handlers.createConnectSession({ customerId: 'acme' });
    expect(await linkBambooHrThroughHub(ordinary.hubBaseUrl, ordinary.token)).toBe(first);

    const second = await w.service.handlers.createConnectSession({
      customerId: 'acme',
      secondAccount: { label: 'UK entity' },
    });
    // Its webhook held: until StackOne confirms it, the pending row has the label asked for.
    w.simulator.webhooks.pause();
    const secondId = await linkBambooHrThroughHub(second.hubBaseUrl, second.token);
    expect(secondId).not.toBe(first);
    expect(
      await w.service.handlers.recordHubSuccess({
        customerId: 'acme',
        accountId: secondId,
        provider: 'bamboohr',
        label: 'UK entity',
      }),
    ).toMatchObject({ status: 'pending', label: 'UK entity' });
    w.simulator.webhooks.resume();
    await eventually(async () =>
      expect(await w.service.handlers.listAccounts({ customerId: 'acme' })).toEqual([
        expect.objectContaining({ id: first, status: 'active' }),
        expect.objectContaining({ id: secondId, status: 'active', label: 'UK entity' }),
      ]),
    );
    expect(w.store.getAccount(first)).not.toHaveProperty('label');

    // The label is StackOne's, so reconciliation keeps it, and the file has it after a restart.
    await w.service.handlers.refreshAccounts({ customerId: 'acme' });
    await w.service.stop();
    w.startService();
    expect(w.store.getAccount(secondId)).toMatchObject({ label: 'UK entity' });
  });

  it('can be asked for by auth link, which the links sent say', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const link = await w.service.handlers.createAuthLink({
      customerId: 'acme',
      validForDays: 1,
      secondAccount: { label: 'Payroll' },
    });
    const token = tokenOf(link);
    expect(w.simulator.state.sessions.get(token)).toMatchObject({
      multiple: true,
      label: 'Payroll',
      accountId: null,
    });
    expect((await w.service.handlers.listSentAuthLinks({ customerId: 'acme' })).links).toEqual([
      expect.objectContaining({
        url: link.url,
        secondAccountLabel: 'Payroll',
        relinkAccountId: null,
      }),
    ]);
  });
});

describe('an account list the disk will not take', () => {
  it('goes on working: the change stands, events are applied and shown, the status says why, and all of it is saved once the disk takes it', async () => {
    const w = await setUp();
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await addCustomer(w, 'acme', 'Acme Ltd');
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    const eventsBefore = w.events.length;
    const file = join(w.temp.path, 'store', 'onboarding.json');
    const blocked = blockFile(file);

    const renamed = await w.service.handlers.renameCustomer({ id: 'acme', name: 'Acme Group' });
    expect(renamed.name).toBe('Acme Group');
    const { saveProblem } = await w.service.handlers.getAppStatus({});
    expect(saveProblem).toContain(`could not be saved to ${file}`);

    // An account linked meanwhile: the Hub's success, then its webhook through the relay.
    const id = await linkBambooHr(w, 'acme');
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'));
    expect(w.events.filter((e) => e.event === 'accountsChanged').at(-1)?.payload).toMatchObject({
      customerId: 'acme',
      accounts: [{ id, status: 'active' }],
    });
    // The relay connection stays as it was: nothing to reconnect for.
    expect(
      w.events.slice(eventsBefore).filter((e) => e.event === 'relayConnectionChanged'),
    ).toEqual([]);

    blocked.unblock();
    await w.service.handlers.refreshAccounts({ customerId: 'acme' });
    expect((await w.service.handlers.getAppStatus({})).saveProblem).toBeNull();
    await w.service.stop();
    w.startService();
    expect(w.store.getCustomer('acme')?.name).toBe('Acme Group');
    expect(w.store.getAccount(id)?.status).toBe('active');
    expect(w.store.relayCursor).toBe(1);
  });
});

describe('account actions', () => {
  it('verifies an account with StackOne: its status now, and the data it offers', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    w.simulator.webhooks.pause(); // only the check can tell the app what changed
    const id = await linkBambooHr(w, 'acme');

    const check = await w.service.handlers.verifyAccount({ customerId: 'acme', accountId: id });
    expect(check.account).toMatchObject({ id, status: 'active', providerName: 'BambooHR' });
    expect(check.data).toEqual({
      category: 'hris',
      models: ['employees', 'time_off', 'locations'],
    });
    expect(check.dataUnavailable).toBeNull();
    expect(Date.parse(check.checkedAt)).toBeLessThanOrEqual(Date.now());
    expect(w.store.getAccount(id)?.status).toBe('active');
    // Its kind of system is kept, for the links for one kind (see account-kinds).
    expect(w.store.getAccount(id)?.category).toBe('hris');

    // StackOne cannot read an expired account's data: the check says so and why.
    await control(w, `/_simulator/accounts/${id}/status`, { status: 'expired' });
    const expired = await w.service.handlers.verifyAccount({ customerId: 'acme', accountId: id });
    expect(expired.account.status).toBe('expired');
    expect(expired.data).toBeNull();
    expect(expired.dataUnavailable).toBe(
      'StackOne cannot read data through this account while it is expired. Re-link it.',
    );
    expect(w.store.getAccount(id)?.status).toBe('expired');
    await control(w, `/_simulator/accounts/${id}/status`, { status: 'suspended' });
    const suspended = await w.service.handlers.verifyAccount({ customerId: 'acme', accountId: id });
    expect(suspended.dataUnavailable).toBe(
      'StackOne cannot read data through this account while it is suspended. Restore it in StackOne, then re-link it.',
    );
  });

  it('verifying an account StackOne no longer has takes it off the list and says so', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const id = await linkActiveBambooHr(w, 'acme');
    w.simulator.webhooks.pause();
    await fetch(`${w.simulator.url}/accounts/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
    });

    const failure = await w.service.handlers
      .verifyAccount({ customerId: 'acme', accountId: id })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/^StackOne no longer has this BambooHR account/),
    });
    expect(w.store.accountsOf('acme')).toEqual([]);
    await expect(
      w.service.handlers.verifyAccount({ customerId: 'globex', accountId: id }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('disconnects an account in StackOne and keeps it gone when its webhook follows', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const id = await linkActiveBambooHr(w, 'acme');

    const after = await w.service.handlers.disconnectAccount({ customerId: 'acme', accountId: id });
    expect(after).toEqual([]);
    expect(w.simulator.state.accounts.has(id)).toBe(false);
    expect(w.store.isDeleted(id)).toBe(true);
    // StackOne's account.deleted reaches the app through the relay and changes nothing more.
    await eventually(() => expect(w.store.relayCursor).toBe(2));
    expect(w.store.accountsOf('acme')).toEqual([]);
    expect(w.events.findLast((e) => e.event === 'accountsChanged')).toEqual({
      event: 'accountsChanged',
      payload: { customerId: 'acme', accounts: [] },
    });
  });

  it('treats an account StackOne no longer has as disconnected, and refuses one it never had', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await w.service.handlers.createCustomer({ id: 'initech', name: 'Initech' });
    const id = await linkActiveBambooHr(w, 'acme');
    w.simulator.webhooks.pause();
    w.simulator.state.accounts.delete(id); // gone in StackOne; the app has not heard yet

    await expect(
      w.service.handlers.disconnectAccount({ customerId: 'initech', accountId: id }),
    ).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('Refresh') });
    expect(
      await w.service.handlers.disconnectAccount({ customerId: 'acme', accountId: id }),
    ).toEqual([]);
    expect(w.store.isDeleted(id)).toBe(true);
    await expect(
      w.service.handlers.disconnectAccount({ customerId: 'acme', accountId: id }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('says so when StackOne cannot disconnect it, and keeps the account', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const id = await linkActiveBambooHr(w, 'acme');
    await control(w, '/_simulator/faults', { failure_rate: 1 });
    await expect(
      w.service.handlers.disconnectAccount({ customerId: 'acme', accountId: id }),
    ).rejects.toMatchObject({
      code: 'stackone_unreachable',
      message: expect.stringContaining('disconnect the account'),
    });
    expect(w.store.getAccount(id)?.status).toBe('active');
    expect(w.simulator.state.accounts.has(id)).toBe(true);
  });

  it("opens a re-link session on the customer's own account only", async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await w.service.handlers.createCustomer({ id: 'initech', name: 'Initech' });
    const id = await linkActiveBambooHr(w, 'acme');

    const session = await w.service.handlers.createConnectSession({
      customerId: 'acme',
      accountId: id,
    });
    expect(w.simulator.state.sessions.get(session.token)).toMatchObject({
      accountId: id,
      originOwnerId: 'acme',
    });
    await expect(
      w.service.handlers.createConnectSession({ customerId: 'initech', accountId: id }),
    ).rejects.toMatchObject({ code: 'not_found' });

    await control(w, `/_simulator/accounts/${id}/status`, { status: 'suspended' });
    await expect(
      w.service.handlers.createConnectSession({ customerId: 'acme', accountId: id }),
    ).rejects.toMatchObject({
      code: 'stackone_rejected',
      message: expect.stringContaining('the account is suspended or expired there'),
    });
  });
});

describe('auth links', () => {
  it("makes a link for the customer that lives as long as asked and opens StackOne's page", async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const before = Date.now();
    const link = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 3 });
    const after = Date.now();

    const url = new URL(link.url);
    expect(url.origin).toBe(w.simulator.url);
    const token = url.searchParams.get('token') ?? '';
    const session = w.simulator.state.sessions.get(token);
    expect(session).toMatchObject({ originOwnerId: 'acme', originOwnerName: 'Acme Ltd' });
    const threeDaysMs = 3 * 24 * 60 * 60 * 1000;
    expect((session?.expiresAt.getTime() ?? 0) - (session?.createdAt.getTime() ?? 0)).toBe(
      threeDaysMs,
    );
    const expiresAt = Date.parse(link.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + threeDaysMs);
    expect(expiresAt).toBeLessThanOrEqual(after + threeDaysMs);
    // The page the customer opens.
    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('stackone-hub');
  });

  it('makes a link for one kind of system alone: StackOne offers only those through it, and the links sent say so after a restart too', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const hrOnly = await w.service.handlers.createAuthLink({
      customerId: 'acme',
      validForDays: 1,
      category: 'hris',
    });
    const any = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
    /** The categories of the connectors the link's page offers (the Hub's own request). */
    const offered = async (link: { url: string }) => {
      const token = tokenOf(link);
      const answer = await fetch(`${w.simulator.url}/hub/connectors`, {
        headers: { 'x-hub-session-token': token },
      });
      const body = (await answer.json()) as { integrations: { type: string }[] };
      return new Set(body.integrations.map((integration) => integration.type));
    };
    expect(await offered(hrOnly)).toEqual(new Set(['hris']));
    expect((await offered(any)).size).toBeGreaterThan(1);

    await w.service.stop();
    w.startService();
    const { links } = await w.service.handlers.listSentAuthLinks({ customerId: 'acme' });
    expect(links.map(({ url, category }) => ({ url, category }))).toEqual([
      { url: any.url, category: null },
      { url: hrOnly.url, category: 'hris' },
    ]);
  });

  it('learns the kind of the accounts linked since a link for one kind: an applicant tracking system linked since leaves a link for their HR system to follow up, an HR system does not', async () => {
    const w = await setUp();
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await addCustomer(w, 'acme', 'Acme Ltd');
    const before = await linkActiveBambooHr(w, 'acme');
    const hrLink = await w.service.handlers.createAuthLink({
      customerId: 'acme',
      validForDays: 1,
      category: 'hris',
    });
    const toFollowUp = async () =>
      (await w.service.handlers.summarizeCustomers({})).find(
        (summary) => summary.customerId === 'acme',
      )?.unusedLinksExpireAt;

    const ats = await w.service.handlers.createConnectSession({ customerId: 'acme' });
    const greenhouse = await linkThroughHub(ats.hubBaseUrl, ats.token, 'int_greenhouse_harvest', {
      api_key: 'a'.repeat(32),
    });
    await w.service.handlers.recordHubSuccess({
      customerId: 'acme',
      accountId: greenhouse,
      provider: 'greenhouse',
    });
    await eventually(() => expect(w.store.getAccount(greenhouse)?.category).toBe('ats'));
    expect(await toFollowUp()).toEqual([hrLink.expiresAt]);
    // Linked before any link for one kind: never asked about.
    expect(w.store.getAccount(before)).not.toHaveProperty('category');

    const second = await w.service.handlers.createConnectSession({
      customerId: 'acme',
      secondAccount: { label: 'UK entity' },
    });
    const ukBambooHr = await linkBambooHrThroughHub(second.hubBaseUrl, second.token, {
      subdomain: 'acme-uk',
    });
    await w.service.handlers.recordHubSuccess({
      customerId: 'acme',
      accountId: ukBambooHr,
      provider: 'bamboohr',
    });
    await eventually(() => expect(w.store.getAccount(ukBambooHr)?.category).toBe('hris'));
    expect(await toFollowUp()).toEqual([]);

    // What was learnt stays through StackOne's later answers and a restart.
    await w.service.handlers.refreshAccounts({ customerId: 'acme' });
    await w.service.stop();
    w.startService();
    expect(w.store.getAccount(greenhouse)?.category).toBe('ats');
  });

  it("makes a link to re-link one of the customer's accounts, and only theirs", async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await w.service.handlers.createCustomer({ id: 'initech', name: 'Initech' });
    const id = await linkActiveBambooHr(w, 'acme');

    const link = await w.service.handlers.createAuthLink({
      customerId: 'acme',
      validForDays: 1,
      accountId: id,
    });
    const token = tokenOf(link);
    expect(w.simulator.state.sessions.get(token)).toMatchObject({ accountId: id });
    await expect(
      w.service.handlers.createAuthLink({ customerId: 'initech', validForDays: 1, accountId: id }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps each link, its address encrypted, to copy again after a restart, until forgotten', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await w.service.handlers.createCustomer({ id: 'initech', name: 'Initech' });
    const id = await linkActiveBambooHr(w, 'acme');
    const first = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 3 });
    const relink = await w.service.handlers.createAuthLink({
      customerId: 'acme',
      validForDays: 1,
      accountId: id,
    });

    const listed = await w.service.handlers.listSentAuthLinks({ customerId: 'acme' });
    expect(listed.kept).toBe(true);
    expect(listed.links).toEqual([
      expect.objectContaining({
        url: relink.url,
        expiresAt: relink.expiresAt,
        relinkAccountId: id,
      }),
      expect.objectContaining({
        url: first.url,
        expiresAt: first.expiresAt,
        relinkAccountId: null,
      }),
    ]);
    expect(await w.service.handlers.listSentAuthLinks({ customerId: 'initech' })).toEqual({
      links: [],
      kept: true,
      unreadable: [],
    });
    // The file holds neither address nor the session token in it.
    const file = readFileSync(join(w.temp.path, 'store', 'onboarding.json'), 'utf8');
    for (const link of [first, relink]) {
      expect(file).not.toContain(link.url);
      expect(file).not.toContain(new URL(link.url).searchParams.get('token'));
    }

    await w.service.stop();
    w.startService();
    expect((await w.service.handlers.listSentAuthLinks({ customerId: 'acme' })).links).toEqual(
      listed.links,
    );
    await w.service.handlers.forgetSentAuthLink({
      customerId: 'acme',
      linkId: listed.links[0]?.id ?? '',
    });
    await w.service.stop();
    w.startService();
    expect(
      (await w.service.handlers.listSentAuthLinks({ customerId: 'acme' })).links.map((l) => l.url),
    ).toEqual([first.url]);
  });

  it("keeps when each link was made by StackOne's clock, which its accounts' created_at keep", async () => {
    // StackOne's clock a minute behind this computer's: an account the customer links with the
    // link at once is still made after it.
    const w = await setUp({ simulatorNow: () => new Date(Date.now() - 60_000) });
    await addCustomer(w, 'acme', 'Acme Ltd');
    await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
    const [session] = [...w.simulator.state.sessions.values()];
    const [link] = (await w.service.handlers.listSentAuthLinks({ customerId: 'acme' })).links;
    if (session === undefined || link === undefined) throw new Error('no link was made');
    expect(link.createdAt).toBe(session.createdAt.toISOString());

    const id = await linkBambooHrThroughHub(w.simulator.url, session.token);
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'));
    const accounts = await w.service.handlers.listAccounts({ customerId: 'acme' });
    expect(accountsLinkedSince(link, accounts).map(({ account }) => account.id)).toEqual([id]);
  });

  it('keeps no link where there is no secret storage, and keeps one it cannot decrypt now, shown again once it can', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const made = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
    const keyring = w.cipher;
    const acmeLinks = () => w.service.handlers.listSentAuthLinks({ customerId: 'acme' });
    const acmeSummary = async () =>
      (await w.service.handlers.summarizeCustomers({})).find((s) => s.customerId === 'acme');

    // Another keyring (one not unlocked this session, or another computer's): the link cannot be
    // shown, and is not lost; nor does it stop being followed up, as it was sent all the same.
    await w.service.stop();
    w.cipher = createMemoryKeyCipher();
    w.startService();
    // All of it but its address is given, as it works until it expires all the same.
    const unreadable = [
      {
        id: w.store.sentLinksOf('acme')[0]?.id,
        createdAt: expect.any(String) as string,
        expiresAt: made.expiresAt,
        relinkAccountId: null,
        secondAccountLabel: null,
        category: null,
      },
    ];
    expect(await acmeLinks()).toEqual({ links: [], kept: true, unreadable });
    expect(w.store.sentLinksOf('acme')).toHaveLength(1);
    // Told in the log once, however often the page is shown.
    await acmeLinks();
    expect(
      w.logged.filter((message) => message === 'a kept auth link could not be decrypted; kept'),
    ).toHaveLength(1);
    expect((await acmeSummary())?.unusedLinksExpireAt).toEqual([made.expiresAt]);

    // No secret storage now: a link made is not kept, and the one kept before is not shown.
    await w.service.stop();
    w.cipher = createMemoryKeyCipher('unavailable');
    w.startService();
    const link = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
    expect(link.url).toMatch(/^http/);
    expect(await acmeLinks()).toEqual({ links: [], kept: false, unreadable });
    expect(w.store.sentLinksOf('acme')).toHaveLength(1);

    // The keyring it was encrypted with, back: shown again.
    await w.service.stop();
    w.cipher = keyring;
    w.startService();
    expect(await acmeLinks()).toEqual({
      links: [expect.objectContaining({ url: made.url, expiresAt: made.expiresAt })],
      kept: true,
      unreadable: [],
    });
  });

  it('refuses an unknown customer and says why StackOne could not make one', async () => {
    const w = await setUp();
    await expect(
      w.service.handlers.createAuthLink({ customerId: 'nobody', validForDays: 1 }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await control(w, '/_simulator/faults', { failure_rate: 1 });
    await expect(
      w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 }),
    ).rejects.toMatchObject({
      code: 'stackone_unreachable',
      message: expect.stringContaining('create a connect session'),
    });
  });

  it('refuses a link from StackOne that is not a web address', async () => {
    const temp = makeTempDir('onboarding');
    const store = openTestAccountStore(temp.path);
    try {
      const answeringWith = (authLinkUrl: string) =>
        createOnboardingService({
          profile: {
            mode: 'live',
            apiKey,
            apiBaseUrl: 'https://api.stackone.example',
            hubBaseUrl: 'https://api.stackone.example',
            hubAppUrl: 'https://app.stackone.example',
            relayStreamUrl: 'wss://relay.example/v1/stream',
            relayToken,
          },
          store,
          api: {
            createConnectSession: async () => ({
              token: 'session-token',
              authLinkUrl,
              createdAt: new Date().toISOString(),
            }),
            getAccount: async () => null,
            listAccounts: async () => [],
            listProjectAccounts: async () => ({ accounts: [], complete: true }),
            deleteAccount: async () => undefined,
            getAccountData: async () => null,
          },
          cipher: createMemoryKeyCipher(),
          logger: silentLogger(),
          emit: () => undefined,
        }).handlers;
      store.addCustomer({ id: 'acme', name: 'Acme Ltd' });
      await expect(
        answeringWith('javascript:alert(1)').createAuthLink({
          customerId: 'acme',
          validForDays: 1,
        }),
      ).rejects.toMatchObject({
        code: 'stackone_rejected',
        message: expect.stringContaining('not a web address'),
      });
      await expect(
        answeringWith('https://app.stackone.example/link?token=t').createAuthLink({
          customerId: 'acme',
          validForDays: 1,
        }),
      ).resolves.toMatchObject({ url: 'https://app.stackone.example/link?token=t' });
    } finally {
      // Written once the burst is over: after that, or the write would make the folder again.
      await store.flush();
      temp.remove();
    }
  });

  it('reads StackOne every so often while a link sent works and nothing has come of it: an account linked through it shows without its event', async () => {
    const w = await setUp({ linksOutReadEveryMs: 300 });
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await addCustomer(w, 'acme', 'Acme Ltd');
    // The readings the new customer brings (one, and one on reconnecting with them) are over.
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await w.service.handlers.refreshAccounts({ customerId: 'acme' });
    await expectNoListingWithin(w, 1_000);

    // StackOne's webhooks held: the customer links through the link, its event does not come.
    await control(w, '/_simulator/webhooks/pause', {});
    const id = await linkThroughALinkSent(w, 'acme');
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'));
    expect(w.service.relayClient.connection.state).toBe('connected');

    // Something has come of the link: no more reading.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expectNoListingWithin(w, 1_000);
  });

  it('leaves the reading for links sent to the offline reading while the relay is away', async () => {
    const w = await setUp({ linksOutReadEveryMs: 200, offlineReconcileEveryMs: 60_000 });
    await addCustomer(w, 'acme', 'Acme Ltd');
    await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
    await w.relay.close();
    await eventually(() => expect(w.service.relayClient.connection.state).not.toBe('connected'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expectNoListingWithin(w, 1_000);
  });

  it('says StackOne’s events are missing where a reading found an account linked through a link sent and no event has come since, until one comes', async () => {
    const w = await setUp({
      linksOutReadEveryMs: 300,
      hubLinkEventWaitMs: 300,
      simulatorNow: twoMinutesAhead,
    });
    await addCustomer(w, 'acme', 'Acme Ltd');
    const relayShown = async () => (await w.service.handlers.getAppStatus({})).relay;
    w.simulator.webhooks.pause();
    const id = await linkThroughALinkSent(w, 'acme');
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'));
    await eventually(async () =>
      expect((await relayShown()).stackOneEventsMissingSince).toBeDefined(),
    );
    expect(await relayShown()).toMatchObject({ state: 'connected' });
    expect(w.logged).toContain(
      "StackOne has an account linked through a link sent and no event has come from the relay since: StackOne's webhook does not reach the relay; told in the window until an event comes",
    );

    w.simulator.webhooks.resume();
    await eventually(async () =>
      expect((await relayShown()).stackOneEventsMissingSince).toBeUndefined(),
    );
  });

  it('does not take an account a reading found for proof of missing events where its event comes late, nor read it again', async () => {
    const w = await setUp({ linksOutReadEveryMs: 300, hubLinkEventWaitMs: 1_000 });
    await addCustomer(w, 'acme', 'Acme Ltd');
    w.simulator.webhooks.pause();
    const id = await linkThroughALinkSent(w, 'acme');
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'));
    w.simulator.webhooks.resume();
    await eventually(() => expect(w.store.relayCursor).not.toBeNull());
    // Its link has had its effect (no reading for it), and its event came: nothing to read again.
    await expectNoListingWithin(w, 1_500);
    expect((await w.service.handlers.getAppStatus({})).relay.stackOneEventsMissingSince).toBe(
      undefined,
    );
  });

  it('does not take an account linked before the relay’s data directory was lost for proof of missing events, its event lost with it; one linked since is', async () => {
    let stackOneAheadMs = 0;
    const w = await setUp({
      linksOutReadEveryMs: 300,
      hubLinkEventWaitMs: 300,
      simulatorNow: () => new Date(Date.now() + stackOneAheadMs),
    });
    await addCustomer(w, 'acme', 'Acme Ltd');
    const link = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
    await w.service.stop();
    // The app closed, the customer links through the link; the relay stores its event, and then
    // comes back at the same address with its data directory gone.
    const lost = await linkBambooHrThroughHub(w.simulator.url, tokenOf(link));
    await w.simulator.webhooks.idle();
    await restartRelay(w, { dataLost: true });

    // As where the relay answers before StackOne does.
    answerNextListingOnceConnected(w);
    w.startService();
    await eventually(() => expect(w.store.getAccount(lost)?.status).toBe('active'), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const relayShown = async () => (await w.service.handlers.getAppStatus({})).relay;
    expect(await relayShown()).toMatchObject({ state: 'connected' });
    expect((await relayShown()).stackOneEventsMissingSince).toBeUndefined();

    // Another customer's, linked since (two minutes later, as StackOne dates it) through a link
    // sent, its event held: proof.
    stackOneAheadMs = 120_000;
    await addCustomer(w, 'globex', 'Globex');
    w.simulator.webhooks.pause();
    await linkThroughALinkSent(w, 'globex');
    await eventually(async () =>
      expect((await relayShown()).stackOneEventsMissingSince).toBeDefined(),
    );
  });

  it('finds StackOne’s events missing through an account linked through a link sent while the app was closed, before it had any event, the relay having dropped none', async () => {
    // StackOne dates it two minutes after the app's record of the relay's log began.
    const w = await setUp({ hubLinkEventWaitMs: 300, simulatorNow: twoMinutesAhead });
    await addCustomer(w, 'acme', 'Acme Ltd');
    expect(w.store.relayCursor).toBeNull();
    await linkedThroughALinkWhileClosed(w);
    await eventually(async () =>
      expect(
        (await w.service.handlers.getAppStatus({})).relay.stackOneEventsMissingSince,
      ).toBeDefined(),
    );
  });

  it('begins its record of the relay’s log again once for a gap of the relay’s retention, not at each connection after: its cursor passes the events dropped, though none was its customers’', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    await w.service.stop();
    // The relay, keeping one event, has dropped a colleague's first for their second.
    await restartRelay(w, { maxEvents: 1 });
    await linkByColleague(w, { id: 'globex', name: 'Globex' });
    await linkByColleague(w, { id: 'initech', name: 'Initech' });
    await w.simulator.webhooks.idle();

    w.startService();
    await eventually(() =>
      expect(w.logged).toContain(
        "relay gap: the relay's retention has dropped the start of its log",
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const since = w.store.relayRecordUnbrokenSince;
    expect(w.store.relayCursor).toBeGreaterThan(0);
    await w.service.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));

    w.startService();
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.store.relayRecordUnbrokenSince).toBe(since);
  });

  it('keeps its cursor at the relay’s log where the events are none of its customers’, as the relay says how far it has been sent', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    await w.service.stop();
    await restartRelay(w, { heartbeatIntervalMs: 100 });
    w.startService();
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    const colleagues = await linkByColleague(w, { id: 'globex', name: 'Globex' });
    await eventually(() => expect(w.store.relayCursor).toBeGreaterThan(0));
    // Passed over, not applied.
    expect(w.store.getAccount(colleagues)).toBeUndefined();
  });

  it('moves its cursor past a colleague’s events in the relay’s log as soon as it has caught up, not a heartbeat later', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    await w.service.stop();
    await linkByColleague(w, { id: 'globex', name: 'Globex' });
    await w.simulator.webhooks.idle();

    // The relay's heartbeat is its default, 15 s, longer than the wait.
    w.startService();
    await eventually(() => expect(w.store.relayCursor).toBeGreaterThan(0));
    expect(w.service.relayClient.connection.state).toBe('connected');
  });

  it('does not take an account StackOne dates less than a minute after the app’s record of the relay’s log began for proof of missing events: the clocks may stand apart', async () => {
    const w = await setUp({
      hubLinkEventWaitMs: 300,
      simulatorNow: () => new Date(Date.now() + 30_000),
    });
    await addCustomer(w, 'acme', 'Acme Ltd');
    await linkedThroughALinkWhileClosed(w);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const relayShown = (await w.service.handlers.getAppStatus({})).relay;
    expect(relayShown).toMatchObject({ state: 'connected' });
    expect(relayShown.stackOneEventsMissingSince).toBeUndefined();
  });

  it('does not take an account linked before the relay’s retention dropped events after the app’s cursor for proof of missing events', async () => {
    const w = await setUp({ hubLinkEventWaitMs: 300 });
    await addCustomer(w, 'acme', 'Acme Ltd');
    const first = await linkActiveBambooHr(w, 'acme');
    await eventually(() => expect(w.store.relayCursor).toBe(1));
    const link = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
    await w.service.stop();
    // The app closed, the customer links their Ashby through the link, and the relay, keeping one
    // event, drops theirs for a colleague's.
    await restartRelay(w, { maxEvents: 1 });
    const dropped = await linkThroughHub(w.simulator.url, tokenOf(link), 'int_ashby_api_key', {
      api_key: 'a'.repeat(24),
    });
    expect(dropped).not.toBe(first);
    await linkByColleague(w, { id: 'globex', name: 'Globex' });
    await w.simulator.webhooks.idle();

    answerNextListingOnceConnected(w);
    w.startService();
    await eventually(() => expect(w.store.getAccount(dropped)?.status).toBe('active'), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const relayShown = (await w.service.handlers.getAppStatus({})).relay;
    expect(relayShown).toMatchObject({ state: 'connected' });
    expect(relayShown.stackOneEventsMissingSince).toBeUndefined();
    expect(w.logged).toContain('relay gap');
  });
});

describe('reconciliation with StackOne', () => {
  it('on demand, brings in changes whose events have not arrived', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const kept = await linkActiveBambooHr(w, 'acme');
    const session = await w.service.handlers.createConnectSession({ customerId: 'acme' });
    await fetch(`${session.hubBaseUrl}/hub/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-session-token': session.token },
      body: JSON.stringify({
        integration_id: 'int_ashby_api_key',
        credentials: { api_key: 'a'.repeat(24) },
      }),
    });
    await eventually(() => expect(w.store.accountsOf('acme')).toHaveLength(2));
    const removed = w.store.accountsOf('acme').find((a) => a.id !== kept)?.id ?? '';

    w.simulator.webhooks.pause(); // events are lost from the app's point of view
    await control(w, `/_simulator/accounts/${kept}/status`, { status: 'expired' });
    await control(w, `/_simulator/accounts/${removed}/delete`, {});
    expect(w.store.getAccount(kept)?.status).toBe('active');

    const refreshed = await w.service.handlers.refreshAccounts({ customerId: 'acme' });
    expect(refreshed).toEqual([expect.objectContaining({ id: kept, status: 'expired' })]);
    expect(w.store.isDeleted(removed)).toBe(true);
  });

  it('at start, converges on StackOne even with no events at all', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const id = await linkActiveBambooHr(w, 'acme');
    await w.service.stop();
    w.simulator.webhooks.pause();
    await control(w, `/_simulator/accounts/${id}/status`, {
      status: 'error',
      status_reasons: [{ description: 'Token revoked' }],
    });

    w.startService();
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('error'));
    expect(w.store.relayCursor).toBe(1);
  });

  it('keeps an account linked while a listing was read, which that listing could not have', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    let listingRead!: () => void;
    const read = new Promise<void>((resolve) => (listingRead = resolve));
    let release!: () => void;
    w.afterListing = () => {
      listingRead();
      return new Promise((resolve) => (release = resolve));
    };
    const refreshing = w.service.handlers.refreshAccounts({ customerId: 'acme' });
    await read;
    // Linked, and made active by its webhook, after StackOne listed acme's accounts.
    const id = await linkActiveBambooHr(w, 'acme');
    release();

    expect(await refreshing).toEqual([expect.objectContaining({ id, status: 'active' })]);
    expect(w.store.isDeleted(id)).toBe(false);
    // Asked about once the listing lacked it, as well as for its webhook.
    expect(w.accountLookups.filter((lookup) => lookup === id)).toHaveLength(2);
  });

  it('brings back, at start, an account an earlier release took for deleted that StackOne still has; once a run', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    const id = await linkActiveBambooHr(w, 'acme');
    // As releases before this one did with an account linked while a listing was read.
    w.store.applyDeleted({ id, customerId: 'acme', provider: 'bamboohr' });
    await w.service.stop();
    const lookupsBefore = w.accountLookups.length;

    w.startService();
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('active'));
    expect(w.accountLookups.slice(lookupsBefore)).toEqual([id]);
    expect(w.logged).toContain('an account taken for deleted is in StackOne: listed again');
  });

  it('keeps an account disconnected here gone, though a listing read before it was has it', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    const id = await linkActiveBambooHr(w, 'acme');
    w.afterListing = () =>
      w.service.handlers.disconnectAccount({ customerId: 'acme', accountId: id }).then(() => {});
    const lookupsBefore = w.accountLookups.length;

    expect(await w.service.handlers.refreshAccounts({ customerId: 'acme' })).toEqual([]);
    expect(w.store.isDeleted(id)).toBe(true);
    // Listed, and taken for deleted: StackOne was asked about it, and answered 404.
    expect(w.accountLookups.slice(lookupsBefore)).toEqual([id]);
  });

  it('asks StackOne about an account taken for deleted that it lists once a run, where it answers 404', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    const id = await linkActiveBambooHr(w, 'acme');
    const account = await createStackOneApi({ apiKey, baseUrl: w.simulator.url }).getAccount(id);
    await w.service.handlers.disconnectAccount({ customerId: 'acme', accountId: id });
    w.listedBesides = account === null ? [] : [account];
    const lookupsBefore = w.accountLookups.length;

    await w.service.handlers.refreshAccounts({ customerId: 'acme' });
    await w.service.handlers.refreshAccounts({ customerId: 'acme' });
    expect(w.accountLookups.slice(lookupsBefore)).toEqual([id]);
    expect(w.store.isDeleted(id)).toBe(true);
  });

  it('leaves a pending account alone when StackOne does not list it yet', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await w.service.handlers.recordHubSuccess({
      customerId: 'acme',
      accountId: 'not-yet-listed',
      provider: 'bamboohr',
    });
    const refreshed = await w.service.handlers.refreshAccounts({ customerId: 'acme' });
    expect(refreshed).toEqual([
      expect.objectContaining({ id: 'not-yet-listed', status: 'pending' }),
    ]);
    expect(w.accountLookups).not.toContain('not-yet-listed');
  });

  it('asks StackOne about an account long pending that it does not list, and removes it where StackOne does not have it', async () => {
    const w = await setUp({ pendingUnlistedAskAfterMs: 0 });
    await addCustomer(w, 'acme', 'Acme Ltd');
    // Its webhooks held: linked through the Hub, then deleted in StackOne, neither event comes.
    await control(w, '/_simulator/webhooks/pause', {});
    const id = await linkBambooHr(w, 'acme');
    expect(w.store.getAccount(id)?.status).toBe('pending');
    await createStackOneApi({ apiKey, baseUrl: w.simulator.url }).deleteAccount(id);
    const lookupsBefore = w.accountLookups.length;

    expect(await w.service.handlers.refreshAccounts({ customerId: 'acme' })).toEqual([]);
    expect(w.accountLookups.slice(lookupsBefore)).toEqual([id]);
    expect(w.store.isDeleted(id)).toBe(true);
    expect(w.logged).toContain(
      'an account long pending is not in StackOne (deleted there before its events came): removed',
    );
  });

  it('asks about an account long pending with nothing else reading StackOne’s accounts, the relay connected', async () => {
    const w = await setUp({ pendingUnlistedAskAfterMs: 1_500, hubLinkEventWaitMs: 60_000 });
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await addCustomer(w, 'acme', 'Acme Ltd');
    await control(w, '/_simulator/webhooks/pause', {});
    const id = await linkBambooHr(w, 'acme');
    await createStackOneApi({ apiKey, baseUrl: w.simulator.url }).deleteAccount(id);
    expect(w.store.getAccount(id)?.status).toBe('pending');

    await eventually(() => expect(w.store.isDeleted(id)).toBe(true));
    expect(w.accountLookups).toContain(id);
    expect(w.service.relayClient.connection.state).toBe('connected');
  });
});

describe('customers', () => {
  it('takes no events for customers not in this app, and reads an added customer’s accounts from StackOne', async () => {
    const w = await setUp();
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await addCustomer(w, 'acme', 'Acme Ltd');
    const globexAccount = await linkByColleague(w, { id: 'globex', name: 'Globex' });
    await linkActiveBambooHr(w, 'acme');
    // Globex's webhook was stored first (seq 1); the app got acme's (seq 2) and nothing else.
    await eventually(() => expect(w.store.relayCursor).toBe(2));
    expect(w.accountLookups).not.toContain(globexAccount);
    expect(w.store.getAccount(globexAccount)).toBeUndefined();

    await addCustomer(w, 'globex', 'Globex');
    await eventually(() => expect(w.store.getAccount(globexAccount)?.status).toBe('active'));
    expect(w.events).toContainEqual({
      event: 'accountsChanged',
      payload: { customerId: 'globex', accounts: [expect.objectContaining({ id: globexAccount })] },
    });
    // From now on the relay sends Globex's events too.
    await control(w, `/_simulator/accounts/${globexAccount}/status`, { status: 'error' });
    await eventually(() => expect(w.store.getAccount(globexAccount)?.status).toBe('error'));
  });

  it('finds the customers StackOne has accounts for that the app does not have yet', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    await linkActiveBambooHr(w, 'acme');
    // StackOne files a second link with the same owner, name and provider as the same account:
    // Initech's second account is linked under the name it has since.
    for (const [id, name] of [
      ['initech', 'Initech'],
      ['globex', 'Globex'],
      ['initech', 'Initech Inc'],
    ] as const) {
      await linkByColleague(w, { id, name });
      await new Promise((resolve) => setTimeout(resolve, 5)); // a later updated_at for the next
    }

    expect(await w.service.handlers.findStackOneCustomers({})).toEqual({
      customers: [
        { id: 'globex', name: 'Globex', accounts: 1 },
        { id: 'initech', name: 'Initech Inc', accounts: 2 },
      ],
      accountsRead: 4,
      complete: true,
      unusableIds: 0,
    });
    await addCustomer(w, 'globex', 'Globex');
    expect((await w.service.handlers.findStackOneCustomers({})).customers.map((c) => c.id)).toEqual(
      ['initech'],
    );
  });

  it("adds a file's customers, leaving those it has alone, and reads their accounts already in StackOne", async () => {
    const w = await setUp();
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await addCustomer(w, 'acme', 'Acme Ltd');
    const globexAccount = await linkByColleague(w, { id: 'globex', name: 'Globex' });
    const text = [
      'name,id,emails',
      'Acme Renamed,acme,',
      'Globex,globex,it@globex.example',
      'Initech,initech,',
      'Bad id,bad id,',
    ].join('\n');

    const file = await w.service.handlers.readCustomersFile({ text });
    expect(file.toAdd.map((row) => row.id)).toEqual(['globex', 'initech']);
    expect(file.alreadyHere.map((row) => row.id)).toEqual(['acme']);
    expect(file.problems.map((problem) => problem.line)).toEqual([5]);
    // Reading changes nothing.
    expect((await w.service.handlers.listCustomers({})).map((c) => c.id)).toEqual(['acme']);
    // More than one file adds: the first 5,000 new ones, and the line the rest start at.
    const many = ['name,id', ...Array.from({ length: 5_002 }, (_, n) => `Store ${n},store-${n}`)];
    const tooMany = await w.service.handlers.readCustomersFile({ text: many.join('\n') });
    expect(tooMany.toAdd).toHaveLength(5_000);
    expect(tooMany.problems).toEqual([
      {
        line: 5_002,
        message:
          'At most 5,000 customers are added from one file: this line and the 1 after it are not. Add the rest from a second file.',
      },
    ]);

    const added = await w.service.handlers.createCustomers({
      customers: [...file.alreadyHere, ...file.toAdd],
    });
    expect(added).toEqual([
      expect.objectContaining({
        id: 'globex',
        name: 'Globex',
        contactEmails: ['it@globex.example'],
      }),
      expect.objectContaining({ id: 'initech', name: 'Initech' }),
    ]);
    // Globex's account, linked by a colleague, is read at once and its events come from now on.
    await eventually(() => expect(w.store.getAccount(globexAccount)?.status).toBe('active'));
    await control(w, `/_simulator/accounts/${globexAccount}/status`, { status: 'error' });
    await eventually(() => expect(w.store.getAccount(globexAccount)?.status).toBe('error'));

    await w.service.stop();
    w.startService();
    expect(
      (await w.service.handlers.listCustomers({})).map((c) => [c.id, c.name, c.contactEmails]),
    ).toEqual([
      ['acme', 'Acme Ltd', undefined],
      ['globex', 'Globex', ['it@globex.example']],
      ['initech', 'Initech', undefined],
    ]);
  });

  it("offers a file's other addresses for customers it has, and takes them when asked, no one else's", async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    await addCustomer(w, 'globex', 'Globex');
    await addCustomer(w, 'initech', 'Initech');
    await addCustomer(w, 'hooli', 'Hooli');
    const { handlers } = w.service;
    await handlers.saveCustomerContactEmails({
      id: 'globex',
      contactEmails: ['old@globex.example'],
    });
    await handlers.saveCustomerContactEmails({
      id: 'initech',
      contactEmails: ['it@initech.example'],
    });
    await handlers.saveCustomerContactEmails({ id: 'hooli', contactEmails: ['it@hooli.example'] });
    const text = [
      'name,id,emails',
      'Acme Renamed,acme,it@acme.example',
      'Globex,globex,new@globex.example; old@globex.example',
      // The same addresses, written otherwise: nothing to take.
      'Initech,initech,IT@Initech.example',
      // No addresses in the file: the app's stay.
      'Hooli,hooli,',
      'Umbrella,umbrella,it@umbrella.example',
    ].join('\n');

    const file = await handlers.readCustomersFile({ text });
    expect(file.otherAddresses).toEqual([
      {
        line: 2,
        id: 'acme',
        name: 'Acme Ltd',
        contactEmails: ['it@acme.example'],
        current: [],
      },
      {
        line: 3,
        id: 'globex',
        name: 'Globex',
        contactEmails: ['new@globex.example', 'old@globex.example'],
        current: ['old@globex.example'],
      },
    ]);
    expect(file.toAdd.map((row) => row.id)).toEqual(['umbrella']);

    // Acme was removed meanwhile (on this computer, from another window's view of the list).
    await handlers.removeCustomer({ id: 'acme' });
    const changed = await handlers.saveCustomersContactEmails({
      customers: file.otherAddresses.map(({ id, contactEmails }) => ({ id, contactEmails })),
    });
    expect(changed.map((c) => [c.id, c.contactEmails])).toEqual([
      ['globex', ['new@globex.example', 'old@globex.example']],
    ]);

    await w.service.stop();
    w.startService();
    expect(
      (await w.service.handlers.listCustomers({})).map((c) => [c.id, c.name, c.contactEmails]),
    ).toEqual([
      ['globex', 'Globex', ['new@globex.example', 'old@globex.example']],
      ['initech', 'Initech', ['it@initech.example']],
      ['hooli', 'Hooli', ['it@hooli.example']],
    ]);
  });

  it('applies an event that names no owner to its own account, and ignores one for an account it does not have', async () => {
    const w = await setUp();
    await eventually(() => expect(w.service.relayClient.connection.state).toBe('connected'));
    await addCustomer(w, 'acme', 'Acme Ltd');
    const id = await linkActiveBambooHr(w, 'acme');
    await eventually(() => expect(w.store.relayCursor).toBe(1));
    // StackOne's webhooks may leave origin_owner_id out.
    const ownerless = (event: string, accountId: string) =>
      webhookBody({ event, account_id: accountId, origin_owner_id: undefined });
    const bodies = [
      ownerless('account.updated', 'someone-elses'),
      ownerless('account.deleted', 'someone-elses'),
      ownerless('account.deleted', id),
    ];
    for (const body of bodies) {
      const response = await postWebhook(w.relay.url, body, {
        'content-type': 'application/json',
        'x-stackone-signature': sign(body, secret),
      });
      expect(response.status).toBe(200);
    }
    await eventually(() => expect(w.store.relayCursor).toBe(4));
    expect(w.store.isDeleted(id)).toBe(true);
    expect(w.store.isDeleted('someone-elses')).toBe(false);
    expect(w.accountLookups).not.toContain('someone-elses');
  });

  it('takes no account from an event that its file could not hold, and starts again with its list whole', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    const id = await linkActiveBambooHr(w, 'acme');
    await eventually(() => expect(w.store.relayCursor).toBe(1));
    // Signed as StackOne signs, with an account id longer than any the app keeps.
    const body = webhookBody({ account_id: 'x'.repeat(201) });
    const response = await postWebhook(w.relay.url, body, {
      'content-type': 'application/json',
      'x-stackone-signature': sign(body, secret),
    });
    expect(response.status).toBe(200);
    await eventually(() => expect(w.store.relayCursor).toBe(2));

    await w.service.stop();
    w.startService();
    expect(w.store.warning).toBeNull();
    expect(w.store.accountsOf('acme').map((account) => account.id)).toEqual([id]);
  });

  it('renames a customer for the next sessions and keeps the new name across restarts', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme' });
    expect(await w.service.handlers.renameCustomer({ id: 'acme', name: 'Acme Ltd' })).toEqual(
      expect.objectContaining({ id: 'acme', name: 'Acme Ltd' }),
    );
    const id = await linkActiveBambooHr(w, 'acme');
    const remote = await createStackOneApi({ apiKey, baseUrl: w.simulator.url }).getAccount(id);
    expect(remote?.originOwnerName).toBe('Acme Ltd');

    await w.service.stop();
    w.startService();
    expect(w.store.getCustomer('acme')?.name).toBe('Acme Ltd');
    await expect(
      w.service.handlers.renameCustomer({ id: 'nobody', name: 'X' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it("keeps whom a customer's links are emailed to across restarts, until it is emptied", async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    const contactEmails = ['it@acme.example', 'hr@acme.example'];
    expect(
      await w.service.handlers.saveCustomerContactEmails({ id: 'acme', contactEmails }),
    ).toEqual(expect.objectContaining({ id: 'acme', contactEmails }));

    await w.service.stop();
    w.startService();
    expect(await w.service.handlers.listCustomers({})).toEqual([
      expect.objectContaining({ id: 'acme', name: 'Acme Ltd', contactEmails }),
    ]);
    const emptied = await w.service.handlers.saveCustomerContactEmails({
      id: 'acme',
      contactEmails: [],
    });
    expect(emptied).not.toHaveProperty('contactEmails');
    await w.service.stop();
    w.startService();
    expect(w.store.getCustomer('acme')).not.toHaveProperty('contactEmails');
    await expect(
      w.service.handlers.saveCustomerContactEmails({ id: 'nobody', contactEmails: [] }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('removes a customer only once none of their accounts is linked', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await w.service.handlers.createCustomer({ id: 'globex', name: 'Globex' });
    const id = await linkActiveBambooHr(w, 'acme');

    await expect(w.service.handlers.removeCustomer({ id: 'acme' })).rejects.toMatchObject({
      code: 'conflict',
      userMessage:
        'Acme Ltd still has a linked account. Disconnect it first: removing the customer from this app would leave it linked in StackOne with no one watching.',
    });
    expect(w.store.getCustomer('acme')).toBeDefined();

    await w.service.handlers.disconnectAccount({ customerId: 'acme', accountId: id });
    const remaining = await w.service.handlers.removeCustomer({ id: 'acme' });
    expect(remaining.map((c) => c.id)).toEqual(['globex']);
    await w.service.stop();
    w.startService();
    expect(w.store.listCustomers().map((c) => c.id)).toEqual(['globex']);
    await expect(w.service.handlers.removeCustomer({ id: 'acme' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('summarizes each customer: accounts linked, those to re-link, and their systems', async () => {
    const w = await setUp();
    await w.service.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
    await w.service.handlers.createCustomer({ id: 'globex', name: 'Globex' });
    const id = await linkActiveBambooHr(w, 'acme');
    await control(w, `/_simulator/accounts/${id}/status`, { status: 'error' });
    await eventually(() => expect(w.store.getAccount(id)?.status).toBe('error'));
    expect(await w.service.handlers.summarizeCustomers({})).toEqual([
      {
        customerId: 'acme',
        linked: 1,
        needingRelink: 1,
        systems: ['BambooHR'],
        unusedLinksExpireAt: [],
      },
      { customerId: 'globex', linked: 0, needingRelink: 0, systems: [], unusedLinksExpireAt: [] },
    ]);
  });

  it('tells the window of each change to a summary: links sent with nothing linked since (the last to expire for each purpose), until something is or they are forgotten', async () => {
    const w = await setUp();
    await addCustomer(w, 'acme', 'Acme Ltd');
    const latestSummary = () =>
      w.events.findLast((e) => e.event === 'customerSummaryChanged')?.payload;

    const first = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 1 });
    const second = await w.service.handlers.createAuthLink({ customerId: 'acme', validForDays: 2 });
    const payroll = await w.service.handlers.createAuthLink({
      customerId: 'acme',
      secondAccount: { label: 'Payroll' },
      validForDays: 1,
    });
    // The first is outlasted by the second, for the same: only once that one is gone is it told.
    expect(latestSummary()).toMatchObject({
      customerId: 'acme',
      unusedLinksExpireAt: [payroll.expiresAt, second.expiresAt],
    });
    expect(await w.service.handlers.summarizeCustomers({})).toEqual([latestSummary()]);

    const { links } = await w.service.handlers.listSentAuthLinks({ customerId: 'acme' });
    const secondKept = links.find((link) => link.expiresAt === second.expiresAt);
    await w.service.handlers.forgetSentAuthLink({
      customerId: 'acme',
      linkId: secondKept?.id ?? '',
    });
    expect(latestSummary()).toMatchObject({
      unusedLinksExpireAt: [first.expiresAt, payroll.expiresAt].sort(),
    });

    // The customer links a system (with either link, or at the implementer's laptop).
    await linkActiveBambooHr(w, 'acme');
    await eventually(() =>
      expect(latestSummary()).toMatchObject({
        linked: 1,
        systems: ['BambooHR'],
        // Not the second account the Payroll link asks for.
        unusedLinksExpireAt: [payroll.expiresAt],
      }),
    );
  });
});
