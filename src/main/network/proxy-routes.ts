/**
 * Answers which proxies to use for a URL, in Chromium's proxy list format
 * (`"PROXY proxy.corp:8080; DIRECT"`), as Electron's `session.resolveProxy` returns it from the
 * system's proxy settings (manual, PAC or WPAD).
 */
export type ProxyResolver = (url: string) => Promise<string>;

export type ProxyRoute =
  | { kind: 'direct' }
  | {
      kind: 'proxy';
      /** The proxy is spoken to over TLS (Chromium's `HTTPS` entries). */
      secure: boolean;
      host: string;
      port: number;
      /** `host:port`, for messages and logs. */
      label: string;
    }
  /** A SOCKS or QUIC proxy, which the app cannot use. */
  | { kind: 'unsupported'; label: string };

/**
 * The routes of a Chromium proxy list, in the order they are to be tried; an empty list means
 * DIRECT.
 */
export function parseProxyList(list: string): ProxyRoute[] {
  const routes: ProxyRoute[] = [];
  for (const entry of list.split(';')) {
    const [scheme = '', address = ''] = entry.trim().split(/\s+/);
    switch (scheme.toUpperCase()) {
      case '':
        break;
      case 'DIRECT':
        routes.push({ kind: 'direct' });
        break;
      case 'PROXY':
      case 'HTTP':
        routes.push(proxyRoute(address, false));
        break;
      case 'HTTPS':
        routes.push(proxyRoute(address, true));
        break;
      default:
        routes.push({ kind: 'unsupported', label: `${scheme} ${address}`.trim() });
    }
  }
  return routes.length > 0 ? routes : [{ kind: 'direct' }];
}

function proxyRoute(address: string, secure: boolean): ProxyRoute {
  let url: URL;
  try {
    url = new URL(`${secure ? 'https' : 'http'}://${address}`);
  } catch {
    return { kind: 'unsupported', label: address };
  }
  if (url.hostname === '' || url.pathname !== '/') return { kind: 'unsupported', label: address };
  // URL leaves IPv6 hosts in brackets; sockets want them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  return { kind: 'proxy', secure, host, port, label: `${url.hostname}:${port}` };
}

/** The routes for a URL; where the system cannot say, DIRECT, as a browser would go. */
export async function resolveRoutes(resolve: ProxyResolver, url: string): Promise<ProxyRoute[]> {
  let list: string;
  try {
    list = await resolve(url);
  } catch {
    return [{ kind: 'direct' }];
  }
  return parseProxyList(list);
}
