import type { LiveEndpoints } from '../shared/live-settings';
import { relayStreamPath } from '../shared/relay-protocol';
import type { Profile } from './profile';

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * The relay's stream URL for a relay URL as entered: one given without a path gets the relay's
 * stream path, so the relay's plain address works too.
 */
export function relayStreamUrlOf(relayUrl: string): string {
  const url = new URL(relayUrl);
  if (url.pathname === '/') url.pathname = relayStreamPath;
  return url.toString();
}

/** The profile for a live StackOne project and the company's relay. */
export function liveProfile(
  endpoints: LiveEndpoints,
  secrets: { apiKey: string; relayToken: string },
): Profile {
  const apiUrl = withoutTrailingSlash(endpoints.apiUrl);
  return {
    mode: 'live',
    apiKey: secrets.apiKey,
    apiBaseUrl: apiUrl,
    // The Hub calls StackOne's API itself (STACKONE.md §3), at the same base URL.
    hubBaseUrl: apiUrl,
    hubAppUrl: withoutTrailingSlash(endpoints.appUrl),
    relayStreamUrl: relayStreamUrlOf(endpoints.relayUrl),
    relayToken: secrets.relayToken,
  };
}
