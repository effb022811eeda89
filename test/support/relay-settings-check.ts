import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppError } from '../../src/main/app-error';
import { checkLiveProfile } from '../../src/main/live-profile-check';
import { appErrorOf } from './app-error-of';

/**
 * The settings check of live settings whose StackOne (a loopback stand-in that lists no accounts)
 * passes, so that only the relay at `relayStreamUrl` (given `relayToken`) can fail it.
 */
export async function relaySettingsCheck(
  relayStreamUrl: string,
  timeoutMs: number,
  relayToken = 'relay-token-never-shown',
): Promise<void> {
  const stackOne = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end('[]'),
  );
  await new Promise<void>((resolve) => stackOne.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = stackOne.address() as AddressInfo;
    await checkLiveProfile(
      {
        mode: 'live',
        apiBaseUrl: `http://127.0.0.1:${port}`,
        hubBaseUrl: 'https://app.stackone.com',
        hubAppUrl: 'https://app.stackone.com',
        apiKey: 'v1.test.key-that-is-never-shown',
        relayStreamUrl,
        relayToken,
      },
      { timeoutMs },
    );
  } finally {
    stackOne.closeAllConnections();
    await new Promise<void>((resolve) => stackOne.close(() => resolve()));
  }
}

/** The error that check gives (the test fails where it passes). */
export const relaySettingsCheckError = (
  relayStreamUrl: string,
  timeoutMs: number,
  relayToken?: string,
): Promise<AppError> => appErrorOf(relaySettingsCheck(relayStreamUrl, timeoutMs, relayToken));
