import WebSocket from 'ws';
import { appUserAgent } from '../shared/release-version';
import { AppError } from './app-error';
import { findConnectionFailure } from './network/connection-failure';
import { findProxyFailure } from './network/proxy-tunnel';
import type { RoutedNetwork } from './network/routed-network';
import type { Profile } from './profile';
import {
  describeRelayAnswer,
  describeRelayHandshakeFault,
  describeRelayUnreached,
  isRefusedForTooManyClients,
} from './relay-answer';
import { createStackOneApi } from './stackone-api';

/**
 * Checks a live profile before it is saved: StackOne accepts the API key and the relay accepts the
 * token (unless `relay` is false). Rejects with an AppError that says which one failed and what to
 * do; never with a secret.
 */
export async function checkLiveProfile(
  profile: Profile,
  options: { timeoutMs?: number; network?: RoutedNetwork; relay?: boolean } = {},
): Promise<void> {
  const { network } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const api = createStackOneApi({
    apiKey: profile.apiKey,
    baseUrl: profile.apiBaseUrl,
    timeoutMs,
    ...(network && { fetch: network.fetch }),
  });
  // An owner id no customer has: one short page, whatever the size of the project.
  await api.listAccounts(['stackone-onboarding-key-check']).catch((error: unknown) => {
    const hint = regionHint(profile.apiKey, profile.apiBaseUrl);
    if (error instanceof AppError && error.code === 'stackone_unauthorized' && hint !== null)
      throw new AppError(error.code, `${error.userMessage} ${hint}`);
    throw error;
  });
  if (options.relay === false) return;
  await checkRelayToken(profile.relayStreamUrl, profile.relayToken, timeoutMs, network);
}

/**
 * Keys name their region (`v1.<region>.<...>`, STACKONE.md §1). EU projects have their own API
 * host, so an EU key refused elsewhere most likely needs it. Other regions' hosts are not
 * documented, so no hint is made up for them.
 */
export function regionHint(apiKey: string, apiBaseUrl: string): string | null {
  const euHost = 'api.eu1.stackone.com';
  if (!apiKey.startsWith('v1.eu1.') || new URL(apiBaseUrl).hostname === euHost) return null;
  return `The key is for StackOne’s EU region, whose API URL is https://${euHost}.`;
}

function checkRelayToken(
  streamUrl: string,
  token: string,
  timeoutMs: number,
  network: RoutedNetwork | undefined,
): Promise<void> {
  const where = new URL(streamUrl).host;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(streamUrl, {
      headers: { authorization: `Bearer ${token}`, 'user-agent': appUserAgent },
      ...(network && { agent: network.webSocketAgent(streamUrl) }),
    });
    // ws's own handshake timeout fails with no code to tell it by; this one says why.
    const handshakeTimer = setTimeout(() => {
      reject(new AppError('relay_unreachable', describeRelayUnreached('no_answer', where)));
      socket.terminate();
    }, timeoutMs);
    socket.on('close', () => clearTimeout(handshakeTimer));
    // A server answered the upgrade: a failure from then until open is its handshake's fault.
    let upgraded = false;
    socket.on('upgrade', () => {
      upgraded = true;
    });
    socket.on('open', () => {
      clearTimeout(handshakeTimer);
      socket.close(1000, 'settings check');
      resolve();
    });
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      socket.terminate();
      // The token taken, and no room just now: the settings are right, and once saved the relay
      // client connects when there is room, saying meanwhile why it waits.
      if (isRefusedForTooManyClients(status, response.headers)) {
        resolve();
        return;
      }
      const answer = describeRelayAnswer(status, where, response.headers);
      reject(
        new AppError(
          answer.tokenRefused ? 'relay_unauthorized' : 'relay_unreachable',
          answer.message,
        ),
      );
    });
    socket.on('error', (error) => {
      const atProxy = findProxyFailure(error);
      const failure = findConnectionFailure(error);
      reject(
        new AppError(
          'relay_unreachable',
          upgraded
            ? describeRelayHandshakeFault(where)
            : atProxy !== null
              ? atProxy.describe(`reach the relay at ${where}`)
              : failure !== null
                ? describeRelayUnreached(failure, where)
                : `Could not reach the relay at ${where}. Check the relay URL and the network connection, then try again.`,
        ),
      );
    });
  });
}
