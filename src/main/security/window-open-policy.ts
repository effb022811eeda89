export type WindowOpenDecision =
  | { action: 'allow-hub-oauth-popup' }
  | { action: 'open-in-system-browser' }
  | { action: 'open-in-mail-app' }
  | { action: 'deny' };

/**
 * What to do when a page asks for a new window. Only the Hub's OAuth popup
 * (`<hubBaseUrl>/connect/oauth2/...`) opens inside the app; other https links go to the system
 * browser, and so does the demo's auth link page (the hub's `/embedded/integrations`, plain http
 * on this computer: the implementer plays the customer there); `mailto:` drafts (an auth link sent
 * by email) go to the mail app; everything else is refused.
 */
export function decideWindowOpen(url: string, hubBaseUrl: string): WindowOpenDecision {
  let target: URL;
  let hub: URL;
  try {
    target = new URL(url);
    hub = new URL(hubBaseUrl);
  } catch {
    return { action: 'deny' };
  }
  const hubPath = hub.pathname.replace(/\/+$/, '');
  const withoutCredentials = target.username === '' && target.password === '';
  if (
    target.origin === hub.origin &&
    withoutCredentials &&
    target.pathname.startsWith(`${hubPath}/connect/oauth2/`)
  ) {
    return { action: 'allow-hub-oauth-popup' };
  }
  if (target.protocol === 'https:' && withoutCredentials) {
    return { action: 'open-in-system-browser' };
  }
  if (
    target.origin === hub.origin &&
    withoutCredentials &&
    target.pathname === `${hubPath}/embedded/integrations`
  ) {
    return { action: 'open-in-system-browser' };
  }
  if (target.protocol === 'mailto:') return { action: 'open-in-mail-app' };
  return { action: 'deny' };
}
