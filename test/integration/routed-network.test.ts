import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startDemoBackend, type DemoBackend } from '../../src/main/demo-backend';
import { checkLiveProfile } from '../../src/main/live-profile-check';
import { silentLogger } from '../../src/main/logger';
import { createRoutedNetwork, type RoutedNetwork } from '../../src/main/network/routed-network';
import { createRelayClient } from '../../src/main/relay-client';
import { createStackOneApi } from '../../src/main/stackone-api';
import type { RelayConnection } from '../../src/shared/domain';
import { eventually } from '../support/eventually';
import { closedAddress, startTestProxy, type TestProxy } from '../support/http-proxy';
import { selfSignedCertificateText } from '../support/self-signed-certificate';
import { startTestSocksProxy } from '../support/socks-proxy';
import { makeTempDir } from '../support/temp-dir';
import { appErrorOf } from '../support/app-error-of';

const cleanups: (() => Promise<void> | void)[] = [];
let backend: DemoBackend;

beforeEach(async () => {
  const temp = makeTempDir('routed-network');
  cleanups.push(() => temp.remove());
  backend = await startDemoBackend({ relayDataDir: temp.path, logger: silentLogger() });
  cleanups.push(() => backend.close());
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxy(options: Parameters<typeof startTestProxy>[0] = {}): Promise<TestProxy> {
  const started = await startTestProxy(options);
  cleanups.push(() => started.close());
  return started;
}

/** The network as the system's settings would route it: `proxyList(url)` is Chromium's answer. */
const routedBy = (proxyList: (url: string) => string): RoutedNetwork =>
  createRoutedNetwork({ resolveProxy: async (url) => proxyList(url) });
const everywhere = (list: string) => routedBy(() => list);

const authority = (url: string) => new URL(url).host;
const stackOne = () => authority(backend.profile.apiBaseUrl);
const relay = () => authority(backend.profile.relayStreamUrl);

function api(network: RoutedNetwork) {
  return createStackOneApi({
    apiKey: backend.profile.apiKey,
    baseUrl: backend.profile.apiBaseUrl,
    maxRetryElapsedMs: 300,
    fetch: network.fetch,
  });
}

/** A relay client on the backend's relay by `network`; its connection states as they come. */
function relayClient(network: RoutedNetwork) {
  const changes: RelayConnection[] = [];
  const client = createRelayClient({
    streamUrl: backend.profile.relayStreamUrl,
    token: backend.profile.relayToken,
    webSocketAgent: network.webSocketAgent,
    cursor: () => null,
    forgetCursor: () => undefined,
    passGap: () => undefined,
    advanceCursor: () => undefined,
    logId: () => null,
    enterLog: () => undefined,
    applyEvents: async () => 'persisted',
    onConnectionChange: (connection) => changes.push(connection),
    logger: silentLogger(),
    initialRetryMs: 5_000,
  });
  client.start();
  cleanups.push(() => client.stop());
  return { client, changes };
}

describe('the routed network', () => {
  it('reaches StackOne and the relay through the proxy the system names', async () => {
    const corporate = await proxy();
    const network = everywhere(`PROXY ${corporate.address}`);

    expect(await api(network).listAccounts(['nobody-here'])).toEqual([]);
    const { client } = relayClient(network);
    await eventually(() => expect(client.connection.state).toBe('connected'));
    await checkLiveProfile(backend.profile, { network, timeoutMs: 3_000 });

    expect(corporate.connects).toContain(stackOne());
    expect(corporate.connects).toContain(relay());
  });

  it('keeps a tunnel open past the time a proxy has to answer', async () => {
    const corporate = await proxy();
    const network = createRoutedNetwork({
      resolveProxy: async () => `PROXY ${corporate.address}`,
      proxyTimeoutMs: 200,
    });
    const { client, changes } = relayClient(network);
    await eventually(() => expect(client.connection.state).toBe('connected'));
    const connectedAt = changes.length;
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(changes.slice(connectedAt)).toEqual([]);
    expect(corporate.connects).toEqual([relay()]);
  });

  it('goes direct for what the system routes direct, asking for each URL as it is', async () => {
    const corporate = await proxy();
    const asked: string[] = [];
    const network = routedBy((url) => {
      asked.push(url);
      return authority(url) === relay() ? `PROXY ${corporate.address}` : 'DIRECT';
    });
    await api(network).listAccounts(['nobody-here']);
    const { client } = relayClient(network);
    await eventually(() => expect(client.connection.state).toBe('connected'));
    expect(corporate.connects).toEqual([relay()]);
    // The ws URL itself: Chromium maps ws and wss to proxies on its own (PAC may route them apart).
    expect(asked).toContain(backend.profile.relayStreamUrl);
  });

  it('tries the next route when a proxy does not answer, and direct when the system cannot say', async () => {
    const network = everywhere(`PROXY ${await closedAddress()}; DIRECT`);
    expect(await api(network).listAccounts(['nobody-here'])).toEqual([]);
    const { client } = relayClient(network);
    await eventually(() => expect(client.connection.state).toBe('connected'));

    const unsure = createRoutedNetwork({
      resolveProxy: () => Promise.reject(new Error('no proxy service')),
    });
    expect(await api(unsure).listAccounts(['nobody-here'])).toEqual([]);
  });

  it('says the proxy does not answer when it is the only way out', async () => {
    const gone = await closedAddress();
    const network = everywhere(`PROXY ${gone}`);

    const error = await appErrorOf(api(network).listAccounts(['nobody-here']));
    expect(error.code).toBe('stackone_unreachable');
    expect(error.userMessage).toBe(
      `Could not reach StackOne to list linked accounts: the network’s proxy (${gone}), which the system’s proxy settings name for 127.0.0.1, does not answer. Check the network connection and that the proxy settings fit this network, then try again.`,
    );
    const { changes } = relayClient(network);
    await eventually(() =>
      expect(changes.at(-1)?.detail).toContain(`the network’s proxy (${gone})`),
    );
    expect(changes.at(-1)?.state).toBe('offline');
  });

  it('says the proxy wants a sign-in, at once, and not that the relay refused the token', async () => {
    const corporate = await proxy({ refuseWith: 407 });
    const network = everywhere(`PROXY ${corporate.address}`);
    expect(network.proxyAskingForSignIn()).toBeNull();

    const error = await appErrorOf(api(network).listAccounts(['nobody-here']));
    expect(error.userMessage).toBe(
      `Could not reach StackOne to list linked accounts: the network’s proxy (${corporate.address}) asks for a sign-in. Enter your user name and password for it in Settings, under Proxy sign-in, then try again.`,
    );
    // Not retried: asking again cannot help; the settings offer to sign in to it.
    expect(corporate.connects).toEqual([stackOne()]);
    expect(network.proxyAskingForSignIn()).toBe(corporate.address);

    const onlyRelayProxied = routedBy((url) =>
      authority(url) === relay() ? `PROXY ${corporate.address}` : 'DIRECT',
    );
    const check = await appErrorOf(
      checkLiveProfile(backend.profile, { network: onlyRelayProxied, timeoutMs: 3_000 }),
    );
    expect(check.code).toBe('relay_unreachable');
    expect(check.userMessage).toMatch(
      new RegExp(
        `^Could not reach the relay at ${relay()}: the network’s proxy .* asks for a sign-in`,
      ),
    );
  });

  it('signs in to the proxy it was given a sign-in for, for StackOne and the relay', async () => {
    const signIn = { username: 'j.doe@corp', password: 'pass:word ü 1' };
    const corporate = await proxy({ signIn });
    const network = everywhere(`PROXY ${corporate.address}`);
    await appErrorOf(api(network).listAccounts(['nobody-here']));
    expect(network.proxyAskingForSignIn()).toBe(corporate.address);

    network.useProxySignIn({ proxy: corporate.address, ...signIn });
    expect(network.proxyAskingForSignIn()).toBeNull();
    expect(await api(network).listAccounts(['nobody-here'])).toEqual([]);
    const { changes } = relayClient(network);
    await eventually(() => expect(changes.at(-1)?.state).toBe('connected'));
    expect(corporate.connects.slice(1)).toEqual([stackOne(), relay()]);
    expect(corporate.authorizations).toEqual([
      undefined,
      `Basic ${Buffer.from(`${signIn.username}:${signIn.password}`).toString('base64')}`,
      `Basic ${Buffer.from(`${signIn.username}:${signIn.password}`).toString('base64')}`,
    ]);
  });

  it('says when the proxy refuses the saved sign-in, and gives it to no other proxy', async () => {
    const corporate = await proxy({ signIn: { username: 'j.doe', password: 'right' } });
    const other = await proxy();
    const network = routedBy((url) =>
      authority(url) === relay() ? `PROXY ${other.address}` : `PROXY ${corporate.address}`,
    );
    network.useProxySignIn({ proxy: corporate.address, username: 'j.doe', password: 'wrong' });

    const error = await appErrorOf(api(network).listAccounts(['nobody-here']));
    expect(error.userMessage).toBe(
      `Could not reach StackOne to list linked accounts: the network’s proxy (${corporate.address}) did not accept the sign-in saved for it. Check the user name and password in Settings, under Proxy sign-in, then try again.`,
    );
    expect(corporate.connects).toHaveLength(1);
    const { changes } = relayClient(network);
    await eventually(() => expect(changes.at(-1)?.state).toBe('connected'));
    expect(other.authorizations).toEqual([undefined]);
  });

  it('offers the settings for a relay behind a proxy that wants a password, not one that wants Windows', async () => {
    const basic = relayClient(everywhere(`PROXY ${(await proxy({ refuseWith: 407 })).address}`));
    await eventually(() => expect(basic.changes.at(-1)?.state).toBe('offline'));
    expect(basic.changes.at(-1)?.causeInSettings).toBe(true);
    const windows = relayClient(everywhere(`PROXY ${(await proxy({ negotiate: true })).address}`));
    await eventually(() => expect(windows.changes.at(-1)?.state).toBe('offline'));
    expect(windows.changes.at(-1)?.detail).toContain('asks for a Windows sign-in');
    expect(windows.changes.at(-1)?.causeInSettings).toBeUndefined();
  });

  it('says a Windows sign-in (Negotiate) is one the app cannot give', async () => {
    const corporate = await proxy({ negotiate: true });
    const network = everywhere(`PROXY ${corporate.address}`);
    const error = await appErrorOf(api(network).listAccounts(['nobody-here']));
    expect(error.userMessage).toBe(
      `Could not reach StackOne to list linked accounts: the network’s proxy (${corporate.address}) asks for a Windows sign-in (NTLM or Kerberos), which the app cannot give. Ask the network’s administrators to let 127.0.0.1 through without one, or use another network.`,
    );
    // Nothing to offer in the settings.
    expect(network.proxyAskingForSignIn()).toBeNull();
  });

  it('says the proxy blocks the destination, for StackOne and for the relay', async () => {
    const corporate = await proxy({ refuseWith: 403 });
    const network = everywhere(`PROXY ${corporate.address}`);

    const error = await appErrorOf(api(network).listAccounts(['nobody-here']));
    expect(error.userMessage).toBe(
      `Could not reach StackOne to list linked accounts: the network’s proxy (${corporate.address}) refused to connect to 127.0.0.1 (HTTP 403); the network may block it. Ask the network’s administrators to allow 127.0.0.1, or use another network.`,
    );
    const { changes } = relayClient(network);
    await eventually(() => expect(changes.at(-1)?.detail).toContain('(HTTP 403)'));
    expect(changes.map((change) => change.detail).join(' ')).not.toContain('token');
  });

  it('prepares once, before live mode first goes out, and not for diagnostics', async () => {
    let prepared = 0;
    const network = createRoutedNetwork({
      resolveProxy: async () => 'DIRECT',
      beforeFirstUse: () => prepared++,
    });
    await network.describeRoutes(backend.profile.apiBaseUrl);
    expect(prepared).toBe(0);
    await api(network).listAccounts(['nobody-here']);
    const { client } = relayClient(network);
    await eventually(() => expect(client.connection.state).toBe('connected'));
    expect(prepared).toBe(1);
  });

  it('describes its routes for diagnostics', async () => {
    const network = everywhere(
      'HTTPS secure.corp:8443; SOCKS5 socks.corp:1080; QUIC q.corp:443; DIRECT',
    );
    expect(await network.describeRoutes(backend.profile.apiBaseUrl)).toBe(
      'HTTPS proxy secure.corp:8443, then SOCKS5 proxy socks.corp:1080, then QUIC q.corp:443 (not usable), then direct',
    );
  });

  it('says a QUIC proxy cannot be used, and tries nothing else', async () => {
    const network = everywhere('QUIC 127.0.0.1:1080');
    const error = await appErrorOf(api(network).listAccounts(['nobody-here']));
    expect(error.userMessage).toContain(
      'the system’s proxy settings name a proxy the app cannot use for 127.0.0.1 (QUIC 127.0.0.1:1080; HTTP, HTTPS and SOCKS proxies work)',
    );
  });
});

describe('a SOCKS proxy', () => {
  async function socksProxy(options: Parameters<typeof startTestSocksProxy>[0] = {}) {
    const started = await startTestSocksProxy(options);
    cleanups.push(() => started.close());
    return started;
  }

  it.each([
    ['SOCKS5', 5],
    ['SOCKS4', 4],
    ['SOCKS', 4],
  ] as const)(
    'carries StackOne and the relay when the system names one (%s)',
    async (scheme, version) => {
      const socks = await socksProxy();
      const network = everywhere(`${scheme} ${socks.address}`);
      expect(await api(network).listAccounts(['nobody-here'])).toEqual([]);
      const { client } = relayClient(network);
      await eventually(() => expect(client.connection.state).toBe('connected'));
      await checkLiveProfile(backend.profile, { network, timeoutMs: 3_000 });
      expect(socks.connects).toContainEqual({ version, destination: stackOne() });
      expect(socks.connects).toContainEqual({ version, destination: relay() });
    },
  );

  it('signs in to one that asks, says when no or a wrong sign-in is given, and tries no other', async () => {
    const signIn = { username: 'j.doe', password: 'socks-pass 1' };
    const socks = await socksProxy({ signIn });
    const network = everywhere(`SOCKS5 ${socks.address}`);
    const asking = await appErrorOf(api(network).listAccounts(['nobody-here']));
    expect(asking.userMessage).toBe(
      `Could not reach StackOne to list linked accounts: the network’s proxy (${socks.address}) asks for a sign-in. Enter your user name and password for it in Settings, under Proxy sign-in, then try again.`,
    );
    expect(network.proxyAskingForSignIn()).toBe(socks.address);

    network.useProxySignIn({ proxy: socks.address, ...signIn, password: 'not it' });
    const rejected = await appErrorOf(api(network).listAccounts(['nobody-here']));
    expect(rejected.userMessage).toContain(
      `the network’s proxy (${socks.address}) did not accept the sign-in saved for it`,
    );

    network.useProxySignIn({ proxy: socks.address, ...signIn });
    expect(await api(network).listAccounts(['nobody-here'])).toEqual([]);
    const { client } = relayClient(network);
    await eventually(() => expect(client.connection.state).toBe('connected'));
  });

  it('says when it refuses the destination, and tries the next route when it does not answer', async () => {
    const blocking = await socksProxy({ refuse: true });
    const error = await appErrorOf(
      api(everywhere(`SOCKS5 ${blocking.address}`)).listAccounts(['nobody-here']),
    );
    expect(error.userMessage).toBe(
      `Could not reach StackOne to list linked accounts: the network’s proxy (${blocking.address}) refused to connect to 127.0.0.1; the network may block it. Ask the network’s administrators to allow 127.0.0.1, or use another network.`,
    );

    const gone = await closedAddress();
    const network = everywhere(`SOCKS5 ${gone}; DIRECT`);
    expect(await api(network).listAccounts(['nobody-here'])).toEqual([]);
    const only = await appErrorOf(api(everywhere(`SOCKS5 ${gone}`)).listAccounts(['nobody-here']));
    expect(only.userMessage).toContain(`the network’s proxy (${gone})`);
    expect(only.userMessage).toContain('does not answer');
  });
});

describe('TLS through the proxy', () => {
  const certificate = selfSignedCertificateText();

  /** An https and wss server for localhost, its certificate trusted for the test; its port. */
  async function startTlsServer(): Promise<number> {
    if (certificate === null) throw new Error('no certificate');
    const defaults = tls.getCACertificates('default');
    tls.setDefaultCACertificates([...defaults, certificate.cert]);
    cleanups.push(() => tls.setDefaultCACertificates(defaults));
    const server = createHttpsServer(certificate, (_request, response) => response.end('pong'));
    const connections = new Set<Socket>();
    server.on('connection', (connection: Socket) => connections.add(connection));
    const sockets = new WebSocketServer({ server });
    sockets.on('connection', (socket) => socket.send('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          sockets.close();
          server.close(() => resolve());
          // Tunnels end at the proxy; what they carried to this server is ended here.
          for (const connection of connections) connection.destroy();
        }),
    );
    return (server.address() as AddressInfo).port;
  }

  /** The greeting of a wss server, reached with `network`'s agent. */
  async function greetingOf(network: RoutedNetwork, url: string): Promise<string> {
    const socket = new WebSocket(url, { agent: network.webSocketAgent(url) });
    cleanups.push(() => socket.terminate());
    return new Promise<string>((resolve, reject) => {
      socket.once('message', (data) => resolve(String(data)));
      socket.once('error', reject);
    });
  }

  const withCertificate = (context: { skip: () => void }) => {
    if (certificate !== null) return true;
    console.warn('skipped: openssl is not installed, so no certificate can be made for the test');
    context.skip();
    return false;
  };

  it('reaches an https and wss server by its name through the tunnel, and checks its certificate', async (context) => {
    if (!withCertificate(context)) return;
    const port = await startTlsServer();
    const corporate = await proxy();
    const network = everywhere(`PROXY ${corporate.address}`);

    const response = await network.fetch(`https://localhost:${port}/ping`);
    expect(await response.text()).toBe('pong');
    expect(await greetingOf(network, `wss://localhost:${port}/`)).toBe('hello');
    expect(corporate.connects).toEqual([`localhost:${port}`, `localhost:${port}`]);

    // The certificate names localhost, not 127.0.0.1: through the tunnel it is still checked.
    await expect(network.fetch(`https://127.0.0.1:${port}/ping`)).rejects.toThrow();
    await expect(greetingOf(network, `wss://127.0.0.1:${port}/`)).rejects.toThrow(
      "IP: 127.0.0.1 is not in the cert's list",
    );
  });

  it.for([
    ['SOCKS5', 5],
    ['SOCKS4', 4],
  ] as const)(
    'reaches an https and wss server by its name through a %s proxy, which resolves the name',
    async ([scheme, version], context) => {
      if (!withCertificate(context)) return;
      const port = await startTlsServer();
      const socks = await startTestSocksProxy();
      cleanups.push(() => socks.close());
      const network = everywhere(`${scheme} ${socks.address}`);

      const response = await network.fetch(`https://localhost:${port}/ping`);
      expect(await response.text()).toBe('pong');
      expect(await greetingOf(network, `wss://localhost:${port}/`)).toBe('hello');
      // Version 4a for a name: the proxy resolves it, as with version 5.
      expect(socks.connects).toEqual([
        { version, destination: `localhost:${port}` },
        { version, destination: `localhost:${port}` },
      ]);
      await expect(greetingOf(network, `wss://127.0.0.1:${port}/`)).rejects.toThrow(
        "IP: 127.0.0.1 is not in the cert's list",
      );
    },
  );

  it('speaks TLS to an HTTPS proxy, and TLS again to the destination inside it', async (context) => {
    if (!withCertificate(context) || certificate === null) return;
    const port = await startTlsServer();
    const secureProxy = await proxy({ tls: certificate });
    // By name: the proxy's certificate is for localhost.
    const network = everywhere(`HTTPS localhost:${secureProxy.port}`);

    const response = await network.fetch(`https://localhost:${port}/ping`);
    expect(await response.text()).toBe('pong');
    expect(await greetingOf(network, `wss://localhost:${port}/`)).toBe('hello');
    expect(secureProxy.connects).toEqual([`localhost:${port}`, `localhost:${port}`]);
  });
});
