import tls from 'node:tls';

/**
 * Makes this process's TLS clients (fetch, ws, undici) trust the system's certificate authorities
 * besides Node's own, as Chromium does. Networks that inspect TLS re-sign every connection with an
 * authority of their own, installed in the system: without it StackOne and the relay fail there
 * with a certificate error while the window works. Returns how many authorities the system added,
 * or null where this Node cannot read them (before 22.19, or where reading them fails).
 */
export function trustSystemCertificates(): number | null {
  if (
    typeof tls.getCACertificates !== 'function' ||
    typeof tls.setDefaultCACertificates !== 'function'
  )
    return null;
  // Electron's Node is built on BoringSSL, not OpenSSL: where reading the store fails, the app
  // runs on with Node's own authorities.
  try {
    const trusted = new Set(tls.getCACertificates('default'));
    const before = trusted.size;
    for (const certificate of tls.getCACertificates('system')) trusted.add(certificate);
    tls.setDefaultCACertificates([...trusted]);
    return trusted.size - before;
  } catch {
    return null;
  }
}
