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
  | {
      kind: 'socks';
      /** Chromium's `SOCKS` and `SOCKS4` entries are version 4, `SOCKS5` version 5. */
      version: 4 | 5;
      host: string;
      port: number;
      label: string;
    }
  /** A QUIC proxy, or an address that is not one, which the app cannot use. */
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
      case 'SOCKS':
      case 'SOCKS4':
        routes.push(socksRoute(address, 4));
        break;
      case 'SOCKS5':
        routes.push(socksRoute(address, 5));
        break;
      default:
        routes.push({ kind: 'unsupported', label: `${scheme} ${address}`.trim() });
    }
  }
  return routes.length > 0 ? routes : [{ kind: 'direct' }];
}

function proxyRoute(address: string, secure: boolean): ProxyRoute {
  const at = hostAndPort(address, secure ? 443 : 80);
  return at === null ? { kind: 'unsupported', label: address } : { kind: 'proxy', secure, ...at };
}

function socksRoute(address: string, version: 4 | 5): ProxyRoute {
  const at = hostAndPort(address, 1080);
  return at === null ? { kind: 'unsupported', label: address } : { kind: 'socks', version, ...at };
}

/** `host:port` as a proxy list gives it; null for what is not one (a path, no host). */
function hostAndPort(
  address: string,
  defaultPort: number,
): { host: string; port: number; label: string } | null {
  let url: URL;
  try {
    url = new URL(`http://${address}`);
  } catch {
    return null;
  }
  if (url.hostname === '' || url.pathname !== '/' || url.username !== '') return null;
  // URL leaves IPv6 hosts in brackets; sockets want them bare. It drops port 80 as http's own.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (/:80$/.test(address) ? 80 : defaultPort) : Number(url.port);
  return { host, port, label: `${url.hostname}:${port}` };
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
