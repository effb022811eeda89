import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/logger';
import { createRoutedNetwork } from '../../src/main/network/routed-network';
import { createRelayClient } from '../../src/main/relay-client';
import { createStackOneApi } from '../../src/main/stackone-api';
import type { RelayConnection } from '../../src/shared/domain';
import { eventually } from '../support/eventually';
import { closedAddress } from '../support/http-proxy';
import { selfSignedCertificateText } from '../support/self-signed-certificate';
import { appErrorOf } from '../support/app-error-of';
import { relaySettingsCheckError } from '../support/relay-settings-check';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Listens on loopback until the test ends (its connections ended then); resolves to host:port. */
async function listening(server: Server): Promise<string> {
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const socket of connections) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A name that is never found (RFC 6761's .invalid), online or not. */
const unknownName = 'stackone.invalid';

/** A server that cuts every connection at once, and one that never answers. */
const cuttingServer = () => listening(createServer((socket) => socket.destroy()));
const silentServer = () => listening(createServer(() => undefined));

/** StackOne at `baseUrl`, asked once (no retries), given `timeoutMs` to answer. */
const stackOneAt = (baseUrl: string, fetch?: typeof globalThis.fetch, timeoutMs = 20_000) =>
  createStackOneApi({
    apiKey: 'v1.test.key-that-is-never-shown',
    baseUrl,
    timeoutMs,
    maxRetryElapsedMs: 0,
    ...(fetch && { fetch }),
  });

const attempt = 'Could not reach StackOne to list linked accounts';

describe('a StackOne that cannot be reached', () => {
  it.each([
    ['Node’s own fetch', undefined],
    [
      'the app’s network, going direct',
      createRoutedNetwork({ resolveProxy: async () => 'DIRECT' }).fetch,
    ],
  ])('is said for why, through %s', async (_through, fetch) => {
    const listAccounts = (host: string, timeoutMs?: number) =>
      stackOneAt(`http://${host}`, fetch, timeoutMs).listAccounts(['nobody']);

    const nameNotFound = await appErrorOf(listAccounts(unknownName));
    expect(nameNotFound.code).toBe('stackone_unreachable');
    expect(nameNotFound.userMessage).toBe(
      `${attempt}: the name ${unknownName} was not found. Check that this computer is online and that the StackOne API URL in Settings is spelt right, then try again.`,
    );
    const refused = await closedAddress();
    expect((await appErrorOf(listAccounts(refused))).userMessage).toBe(
      `${attempt}: ${refused} refused the connection (nothing answers at that address and port). Check the StackOne API URL in Settings, then try again.`,
    );
    const cut = await cuttingServer();
    expect((await appErrorOf(listAccounts(cut))).userMessage).toBe(
      `${attempt}: the connection to ${cut} was cut before an answer came (a firewall or filter on this network may stop it). Try again, or use another network.`,
    );
    const silent = await silentServer();
    expect((await appErrorOf(listAccounts(silent, 500))).userMessage).toBe(
      `${attempt}: ${silent} did not answer in time. The network may be slow or may block it: try again, or use another network.`,
    );
    // X11's port: fetch will not connect to it, whatever listens there.
    expect((await appErrorOf(listAccounts('127.0.0.1:6000'))).userMessage).toBe(
      `${attempt}: 127.0.0.1:6000 is at a port web connections may not use (it is kept for other services, such as mail). Check the StackOne API URL in Settings; if it is right, the service needs another port.`,
    );
  });

  it('is said for why after the retries too, which end before the time given runs out', async () => {
    const refused = await closedAddress();
    // The SDK's one timeout covers every attempt: retries up to it would end in "did not answer".
    const api = createStackOneApi({
      apiKey: 'v1.test.key',
      baseUrl: `http://${refused}`,
      timeoutMs: 6_500,
    });
    expect((await appErrorOf(api.listAccounts(['nobody']))).userMessage).toBe(
      `${attempt}: ${refused} refused the connection (nothing answers at that address and port). Check the StackOne API URL in Settings, then try again.`,
    );
  });

  it('is said to answer with a certificate this computer does not trust', async (context) => {
    const certificate = selfSignedCertificateText();
    if (certificate === null) {
      context.skip('openssl is not installed: no certificate to serve');
      return;
    }
    const host = await listening(
      createHttpsServer(certificate, (_request, response) => response.end('[]')),
    );
    const error = await appErrorOf(stackOneAt(`https://${host}`).listAccounts(['nobody']));
    expect(error.userMessage).toBe(
      `${attempt}: the certificate that answered for ${host} is not one this computer trusts. A network that inspects encrypted traffic needs its certificate authority installed in this computer’s certificate store (then restart the app); otherwise use another network.`,
    );
    expect(error.userMessage).not.toContain('never-shown');
  });
});

describe('a relay that cannot be reached', () => {
  /** The relay client's connection states, trying the relay at `host` (once: a minute apart). */
  function relayClientTrying(host: string, handshakeTimeoutMs?: number): RelayConnection[] {
    const changes: RelayConnection[] = [];
    const client = createRelayClient({
      streamUrl: `ws://${host}/v1/stream`,
      token: 'relay-token-never-shown',
      cursor: () => null,
      forgetCursor: () => undefined,
      passGap: () => undefined,
      advanceCursor: () => undefined,
      logId: () => null,
      enterLog: () => undefined,
      applyEvents: async () => 'persisted',
      onConnectionChange: (connection) => changes.push(connection),
      logger: silentLogger(),
      initialRetryMs: 60_000,
      ...(handshakeTimeoutMs !== undefined && { handshakeTimeoutMs }),
    });
    client.start();
    cleanups.push(() => client.stop());
    return changes;
  }

  it('is said for why by the client as it waits to try again, and by the settings check', async () => {
    const refused = await closedAddress();
    const changes = relayClientTrying(refused);
    await eventually(() =>
      expect(changes.at(-1)?.detail).toMatch(
        new RegExp(
          `^Could not reach the relay: ${refused} refused the connection \\(nothing answers at that address and port\\)\\. Check the relay URL in Settings, then try again\\. Retrying in \\d+\\u00a0s\\.$`,
        ),
      ),
    );

    const error = await relaySettingsCheckError(`ws://${unknownName}/v1/stream`, 2_000);
    expect(error.code).toBe('relay_unreachable');
    expect(error.userMessage).toBe(
      `Could not reach the relay: the name ${unknownName} was not found. Check that this computer is online and that the relay URL in Settings is spelt right, then try again.`,
    );
  });

  it('is said not to answer in time where the connection opens and nothing more comes', async () => {
    const silent = await silentServer();
    const noAnswer = `Could not reach the relay: ${silent} did not answer in time. The network may be slow or may block it: try again, or use another network.`;
    const changes = relayClientTrying(silent, 300);
    await eventually(() =>
      expect(changes.at(-1)?.detail.replace(/ Retrying in \d+\u00a0s\.$/, '')).toBe(noAnswer),
    );
    const error = await relaySettingsCheckError(`ws://${silent}/v1/stream`, 500);
    expect(error.code).toBe('relay_unreachable');
    expect(error.userMessage).toBe(noAnswer);
  });
});
