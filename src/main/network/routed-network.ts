import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { resolveRoutes, type ProxyResolver, type ProxyRoute } from './proxy-routes';
import {
  findProxyFailure,
  openSocksTunnel,
  openTunnel,
  ProxyFailure,
  startTls,
  type ProxyCredentials,
  type TunnelTarget,
} from './proxy-tunnel';

/** A sign-in for one proxy, by its `host:port` as the system's proxy settings name it. */
export interface ProxySignIn extends ProxyCredentials {
  proxy: string;
}

/** A route through a proxy of either kind: HTTP(S) CONNECT or SOCKS. */
type TunnelRoute = Extract<ProxyRoute, { kind: 'proxy' | 'socks' }>;

/**
 * The main process's way out to StackOne and the relay, by the routes the system's proxy settings
 * give for each URL (Node's own `fetch` and `ws` know nothing of them, unlike Chromium).
 */
export interface RoutedNetwork {
  /** A fetch for the StackOne SDK's HTTP client. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** An agent for one WebSocket (`ws`) connection to `url`. */
  webSocketAgent(url: string): http.Agent;
  /** The routes to `url` in words, for diagnostics: "proxy proxy.corp:8080, then direct". */
  describeRoutes(url: string): Promise<string>;
  /**
   * The sign-in to give the proxy it names, and only that one (a proxy on another network never
   * sees it); null for none.
   */
  useProxySignIn(signIn: ProxySignIn | null): void;
  /** The credentials for this proxy (`host:port`), if a sign-in is saved for it. */
  credentialsFor(proxy: string): ProxyCredentials | null;
  /**
   * The last proxy that asked for a user name and password the app did not have, until one is
   * given for it: what the settings offer to sign in to.
   */
  proxyAskingForSignIn(): string | null;
}

export function createRoutedNetwork(options: {
  resolveProxy: ProxyResolver;
  /** How long a proxy has to answer a CONNECT (default 10 s). */
  proxyTimeoutMs?: number;
  /** Run once, before the first request or connection (work live mode alone needs). */
  beforeFirstUse?: () => void;
}): RoutedNetwork {
  const { resolveProxy } = options;
  let used = false;
  const use = () => {
    if (used) return;
    used = true;
    options.beforeFirstUse?.();
  };
  const proxyTimeoutMs = options.proxyTimeoutMs ?? 10_000;
  const tlsOverTunnel = buildConnector({ allowH2: false });
  const tunnelAgents = new Map<string, Agent>();
  let signIn: ProxySignIn | null = null;
  let askingForSignIn: string | null = null;
  const credentialsFor = (proxy: string): ProxyCredentials | null =>
    signIn !== null && sameProxy(signIn.proxy, proxy)
      ? { username: signIn.username, password: signIn.password }
      : null;
  const tunnel = async (route: TunnelRoute, target: TunnelTarget) => {
    const credentials = credentialsFor(route.label) ?? undefined;
    try {
      return await (route.kind === 'socks'
        ? openSocksTunnel(route, target, proxyTimeoutMs, credentials)
        : openTunnel(route, target, proxyTimeoutMs, credentials));
    } catch (error) {
      if (error instanceof ProxyFailure && error.kind === 'sign_in' && error.takesPasswordSignIn)
        askingForSignIn = route.label;
      throw error;
    }
  };

  // One pool per proxy: undici keeps the tunnels' connections alive between requests.
  const tunnelAgent = (route: TunnelRoute): Agent => {
    const key = `${routeName(route)} ${route.label}`;
    let agent = tunnelAgents.get(key);
    if (!agent) {
      agent = new Agent({
        connect(connectOptions, callback) {
          const target = {
            host: connectOptions.hostname,
            port: Number(connectOptions.port) || defaultPort(connectOptions.protocol),
          };
          tunnel(route, target).then(
            (socket) => {
              if (connectOptions.protocol === 'https:')
                tlsOverTunnel({ ...connectOptions, httpSocket: socket }, callback);
              else callback(null, socket);
            },
            (error: Error) => callback(error, null),
          );
        },
      });
      tunnelAgents.set(key, agent);
    }
    return agent;
  };

  async function routedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    use();
    const request = new Request(input, init);
    const routes = await resolveRoutes(resolveProxy, request.url);
    if (routes[0]?.kind === 'direct') return fetch(request);
    // Read once: a proxy that cannot be reached may leave the request for the next route.
    const body = request.body === null ? undefined : await request.clone().arrayBuffer();
    let failure: ProxyFailure | null = null;
    for (const route of routes) {
      if (route.kind === 'direct') return fetch(request);
      if (route.kind === 'unsupported') {
        failure ??= new ProxyFailure('unsupported', route.label, new URL(request.url).hostname);
        continue;
      }
      try {
        const response = await undiciFetch(request.url, {
          method: request.method,
          headers: [...request.headers],
          body,
          signal: request.signal,
          redirect: request.redirect,
          dispatcher: tunnelAgent(route),
        });
        // undici's own Response is not the global class the SDK checks for: hand it over as one.
        return new Response(response.body as ReadableStream | null, {
          status: response.status,
          statusText: response.statusText,
          headers: [...response.headers],
        });
      } catch (error) {
        const atProxy = findProxyFailure(error);
        if (atProxy?.kind !== 'unreachable') throw atProxy ?? error;
        failure = atProxy;
      }
    }
    // A proxy that cannot be reached is a connection error the SDK may retry; the others are not.
    throw failure?.kind === 'unreachable'
      ? new TypeError('fetch failed', { cause: failure })
      : (failure ?? new Error('no route'));
  }

  function webSocketAgent(url: string): http.Agent {
    use();
    const secure = new URL(url).protocol === 'wss:';
    const connectRouted = (
      requestOptions: http.ClientRequestArgs,
      callback: (error: Error | null, stream: Duplex) => void,
    ) => {
      const target: TunnelTarget = {
        host: (requestOptions.host ?? requestOptions.hostname ?? 'localhost').replace(
          /^\[(.*)\]$/,
          '$1',
        ),
        port: Number(requestOptions.port) || (secure ? 443 : 80),
      };
      routedSocket(url, target, secure).then(
        (socket) => callback(null, socket),
        (error: Error) => callback(error, undefined as never),
      );
      return undefined;
    };
    // ws picks https.request for wss:, which insists on an agent of the https: protocol.
    const agent = secure ? new https.Agent() : new http.Agent();
    agent.createConnection = connectRouted;
    return agent;
  }

  async function routedSocket(url: string, target: TunnelTarget, secure: boolean): Promise<Duplex> {
    let failure: ProxyFailure | null = null;
    for (const route of await resolveRoutes(resolveProxy, url)) {
      if (route.kind === 'direct') {
        return secure
          ? tls.connect({
              host: target.host,
              port: target.port,
              ...(net.isIP(target.host) ? {} : { servername: target.host }),
            })
          : net.connect({ host: target.host, port: target.port });
      }
      if (route.kind === 'unsupported') {
        failure ??= new ProxyFailure('unsupported', route.label, target.host);
        continue;
      }
      try {
        const socket = await tunnel(route, target);
        return secure ? startTls(socket, target) : socket;
      } catch (error) {
        const atProxy = findProxyFailure(error);
        if (atProxy?.kind !== 'unreachable') throw atProxy ?? error;
        failure = atProxy;
      }
    }
    throw failure ?? new Error('no route');
  }

  async function describeRoutes(url: string): Promise<string> {
    const routes = await resolveRoutes(resolveProxy, url);
    return routes
      .map((route) => {
        if (route.kind === 'direct') return 'direct';
        if (route.kind === 'unsupported') return `${route.label} (not usable)`;
        return `${routeName(route)} ${route.label}`;
      })
      .join(', then ');
  }

  return {
    fetch: routedFetch,
    webSocketAgent,
    describeRoutes,
    useProxySignIn(next) {
      signIn = next;
      if (next !== null && askingForSignIn !== null && sameProxy(next.proxy, askingForSignIn))
        askingForSignIn = null;
      // Tunnels already open stay signed in as they were; new ones use this.
    },
    credentialsFor,
    proxyAskingForSignIn: () => askingForSignIn,
  };
}

/** A route's kind of proxy, for diagnostics: "proxy", "HTTPS proxy", "SOCKS5 proxy". */
function routeName(route: TunnelRoute): string {
  if (route.kind === 'socks') return `SOCKS${route.version} proxy`;
  return route.secure ? 'HTTPS proxy' : 'proxy';
}

/** Host names are not case-sensitive; `proxy.corp:8080` and `PROXY.corp:8080` are one proxy. */
function sameProxy(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}
