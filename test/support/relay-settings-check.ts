import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppError } from '../../src/main/app-error';
import { checkLiveProfile } from '../../src/main/live-profile-check';
import { appErrorOf } from './app-error-of';

/**
 * The error the settings check gives live settings whose StackOne (a loopback stand-in that lists
 * no accounts) passes, so that only the relay at `relayStreamUrl` (given `relayToken`) can fail it.
 */
export async function relaySettingsCheckError(
  relayStreamUrl: string,
  timeoutMs: number,
  relayToken = 'relay-token-never-shown',
): Promise<AppError> {
  const stackOne = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end('[]'),
  );
  await new Promise<void>((resolve) => stackOne.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = stackOne.address() as AddressInfo;
    return await appErrorOf(
      checkLiveProfile(
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
      ),
    );
  } finally {
    stackOne.closeAllConnections();
    await new Promise<void>((resolve) => stackOne.close(() => resolve()));
  }
}
