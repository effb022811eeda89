import type { LiveEndpoints } from '../shared/live-settings';
import { relayStreamPath } from '../shared/relay-protocol';
import type { Profile } from './profile';

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * The profile for a live StackOne project and the company's relay. A relay URL given without a
 * path gets the relay's stream path, so the relay's plain address works too.
 */
export function liveProfile(
  endpoints: LiveEndpoints,
  secrets: { apiKey: string; relayToken: string },
): Profile {
  const relayUrl = new URL(endpoints.relayUrl);
  if (relayUrl.pathname === '/') relayUrl.pathname = relayStreamPath;
  const apiUrl = withoutTrailingSlash(endpoints.apiUrl);
  return {
    mode: 'live',
    apiKey: secrets.apiKey,
    apiBaseUrl: apiUrl,
    // The Hub calls StackOne's API itself (STACKONE.md §3), at the same base URL.
    hubBaseUrl: apiUrl,
    hubAppUrl: withoutTrailingSlash(endpoints.appUrl),
    relayStreamUrl: relayUrl.toString(),
    relayToken: secrets.relayToken,
  };
}
