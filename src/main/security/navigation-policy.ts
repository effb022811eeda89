import { isTrustedSender } from './trusted-sender';

/** The app window never leaves the app's own pages (`will-navigate`, `will-redirect`). */
export function isAllowedAppNavigation(url: string, appOrigins: readonly string[]): boolean {
  return isTrustedSender(url, appOrigins);
}

/**
 * The OAuth popup walks through the provider's sign-in pages and back to StackOne, so it may go
 * to any https page and to the Hub's own origin (which is plain http only for the local simulator).
 */
export function isAllowedOAuthPopupNavigation(url: string, hubBaseUrl: string): boolean {
  try {
    const target = new URL(url);
    if (target.protocol === 'https:') return true;
    return target.origin === new URL(hubBaseUrl).origin;
  } catch {
    return false;
  }
}
