/**
 * Whether an IPC call comes from one of the app's own pages. Compares scheme and host by hand
 * because WHATWG URL reports the origin of a custom scheme such as `app://` as "null".
 */
export function isTrustedSender(frameUrl: string, trustedOrigins: readonly string[]): boolean {
  const sender = parseSchemeAndHost(frameUrl);
  if (sender === null) return false;
  return trustedOrigins.some((origin) => parseSchemeAndHost(origin) === sender);
}

function parseSchemeAndHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.host === '') return null;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}
