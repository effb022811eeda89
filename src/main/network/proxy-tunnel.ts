import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { SocksClient } from 'socks';
import type { ProxyRoute } from './proxy-routes';

type ProxyFailureKind =
  /** The proxy could not be reached; the request never left, so another route may be tried. */
  | 'unreachable'
  /** The proxy wants a sign-in (407) and none is saved for it. */
  | 'sign_in'
  /** The proxy refused the sign-in saved for it (407 again). */
  | 'sign_in_rejected'
  /** The proxy refused to connect to the destination (a policy, a blocked host). */
  | 'refused'
  /** The only proxy the system names is one the app cannot speak to (QUIC). */
  | 'unsupported';

/** A request that failed at the network's proxy, before reaching its destination. */
export class ProxyFailure extends Error {
  constructor(
    readonly kind: ProxyFailureKind,
    readonly proxy: string,
    /** The host the app was trying to reach through it. */
    readonly targetHost: string,
    readonly status?: number,
    options?: {
      cause?: unknown;
      /** The sign-in schemes a 407 offered (`Proxy-Authenticate`), lower case: "basic"... */
      signInSchemes?: readonly string[];
    },
  ) {
    super(`proxy ${proxy}: ${kind}${status === undefined ? '' : ` (HTTP ${status})`}`, options);
    this.name = 'ProxyFailure';
    this.signInSchemes = options?.signInSchemes ?? [];
  }

  readonly signInSchemes: readonly string[];

  /** A sign-in the app can give: a user name and password (Basic). */
  get takesPasswordSignIn(): boolean {
    return this.signInSchemes.includes('basic');
  }

  /**
   * What happened, for the person using the app. `attempt` says what the app was trying to do,
   * e.g. "reach StackOne to create a connect session".
   */
  describe(attempt: string): string {
    const { proxy, targetHost: host } = this;
    switch (this.kind) {
      case 'unreachable':
        return `Could not ${attempt}: the network’s proxy (${proxy}), which the system’s proxy settings name for ${host}, does not answer. Check the network connection and that the proxy settings fit this network, then try again.`;
      case 'sign_in':
        return this.takesPasswordSignIn
          ? `Could not ${attempt}: the network’s proxy (${proxy}) asks for a sign-in. Enter your user name and password for it in Settings, under Proxy sign-in, then try again.`
          : `Could not ${attempt}: the network’s proxy (${proxy}) asks for a Windows sign-in (NTLM or Kerberos), which the app cannot give. Ask the network’s administrators to let ${host} through without one, or use another network.`;
      case 'sign_in_rejected':
        return `Could not ${attempt}: the network’s proxy (${proxy}) did not accept the sign-in saved for it. Check the user name and password in Settings, under Proxy sign-in, then try again.`;
      case 'refused':
        return `Could not ${attempt}: the network’s proxy (${proxy}) refused to connect to ${host}${this.status === undefined ? '' : ` (HTTP ${this.status})`}; the network may block it. Ask the network’s administrators to allow ${host}, or use another network.`;
      case 'unsupported':
        return `Could not ${attempt}: the system’s proxy settings name a proxy the app cannot use for ${host} (${proxy}; HTTP, HTTPS and SOCKS proxies work). Use another network, or ask the network’s administrators for an HTTP proxy.`;
    }
  }
}

/** The first ProxyFailure in an error's chain of causes, if any. */
export function findProxyFailure(error: unknown): ProxyFailure | null {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 8; depth++) {
    if (cause instanceof ProxyFailure) return cause;
    cause = cause.cause;
  }
  return null;
}

export interface TunnelTarget {
  host: string;
  port: number;
}

/** A user name and password for one proxy (HTTP Basic). */
export interface ProxyCredentials {
  username: string;
  password: string;
}

/**
 * Opens a TCP tunnel to `target` through an HTTP(S) proxy (an HTTP CONNECT), signed in with
 * `credentials` when given, resolving with the socket once the proxy has connected it. Rejects
 * with a ProxyFailure.
 */
export function openTunnel(
  route: Extract<ProxyRoute, { kind: 'proxy' }>,
  target: TunnelTarget,
  timeoutMs: number,
  credentials?: ProxyCredentials,
): Promise<net.Socket> {
  const authority = `${net.isIPv6(target.host) ? `[${target.host}]` : target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const request = (route.secure ? https : http).request({
      host: route.host,
      port: route.port,
      method: 'CONNECT',
      path: authority,
      headers: {
        host: authority,
        ...(credentials && { 'proxy-authorization': basicAuthorization(credentials) }),
      },
      agent: false,
      timeout: timeoutMs,
      ...(route.secure && !net.isIP(route.host) ? { servername: route.host } : {}),
    });
    request.once('connect', (response, socket, head) => {
      request.setTimeout(0);
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(refusal(route, target, response, credentials !== undefined));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    // Some proxies answer a refused CONNECT as an ordinary response, with a body.
    request.once('response', (response) => {
      response.resume();
      request.destroy();
      reject(refusal(route, target, response, credentials !== undefined));
    });
    request.once('timeout', () =>
      request.destroy(new Error(`no answer from the proxy in ${timeoutMs} ms`)),
    );
    request.once('error', (error) =>
      reject(
        new ProxyFailure('unreachable', route.label, target.host, undefined, { cause: error }),
      ),
    );
    request.end();
  });
}

/**
 * Opens a TCP tunnel to `target` through a SOCKS proxy (version 5 signed in with `credentials`
 * when given; version 4a), resolving with the socket once the proxy has connected it. The proxy
 * resolves the target's name, as Chromium has it do. Rejects with a ProxyFailure.
 */
export async function openSocksTunnel(
  route: Extract<ProxyRoute, { kind: 'socks' }>,
  target: TunnelTarget,
  timeoutMs: number,
  credentials?: ProxyCredentials,
): Promise<net.Socket> {
  try {
    const { socket } = await SocksClient.createConnection({
      proxy: {
        host: route.host,
        port: route.port,
        type: route.version,
        ...(credentials && { userId: credentials.username, password: credentials.password }),
      },
      command: 'connect',
      destination: target,
      timeout: timeoutMs,
    });
    return socket;
  } catch (error) {
    throw socksRefusal(route, target, error, credentials !== undefined);
  }
}

/** What a SOCKS proxy's refusal was, from the socks library's error messages. */
function socksRefusal(
  route: { label: string },
  target: TunnelTarget,
  error: unknown,
  signedIn: boolean,
): ProxyFailure {
  const message = error instanceof Error ? error.message : '';
  const failure = (kind: ProxyFailureKind, signInSchemes: string[] = []) =>
    new ProxyFailure(kind, route.label, target.host, undefined, { cause: error, signInSchemes });
  if (message.startsWith('Socks5 Authentication failed'))
    return failure(signedIn ? 'sign_in_rejected' : 'sign_in', ['basic']);
  // No method the app offered: a password when it gave none, else one it cannot give (GSS-API).
  if (message.includes('no accepted authentication type'))
    return failure('sign_in', signedIn ? [] : ['basic']);
  if (/^Socks[45] [Pp]roxy rejected connection/.test(message)) return failure('refused');
  return failure('unreachable');
}

function refusal(
  route: { label: string },
  target: TunnelTarget,
  response: http.IncomingMessage,
  signedIn: boolean,
): ProxyFailure {
  const status = response.statusCode ?? 0;
  if (status !== 407) return new ProxyFailure('refused', route.label, target.host, status);
  return new ProxyFailure(
    signedIn ? 'sign_in_rejected' : 'sign_in',
    route.label,
    target.host,
    407,
    {
      signInSchemes: signInSchemesOf(response.headersDistinct['proxy-authenticate'] ?? []),
    },
  );
}

/**
 * The schemes of `Proxy-Authenticate` challenges: `Basic realm="corp", Negotiate` gives basic and
 * negotiate. A scheme is a token at the start of a challenge, not followed by `=` (a parameter).
 */
export function signInSchemesOf(headers: readonly string[]): string[] {
  const schemes = headers.flatMap((header) =>
    [...header.matchAll(/(?:^|,)\s*([A-Za-z][\w-]*)(?=\s+[^=,\s]|\s*,|\s*$)/g)].map((match) =>
      (match[1] ?? '').toLowerCase(),
    ),
  );
  return [...new Set(schemes)];
}

function basicAuthorization({ username, password }: ProxyCredentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** A TLS connection to `target` over an open socket (a tunnel), checked against its host name. */
export function startTls(socket: net.Socket, target: TunnelTarget): tls.TLSSocket {
  return tls.connect({
    socket,
    ...(net.isIP(target.host) ? {} : { servername: target.host }),
    host: target.host,
  });
}
