import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

export interface TestProxy {
  /** `127.0.0.1:<port>`, as a Chromium proxy list names it. */
  address: string;
  port: number;
  /** The `host:port` of every CONNECT it was asked for, in order. */
  connects: string[];
  /** The `Proxy-Authorization` each CONNECT carried (undefined for none), in order. */
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/**
 * A real HTTP proxy on loopback (the `proxy` package, as a corporate forward proxy behaves), spoken
 * to over TLS with `tls`; or one that lets through only CONNECTs signed in as `signIn` (Basic,
 * 407 otherwise), or asks every CONNECT for a Windows sign-in (`negotiate`); or one that answers
 * every CONNECT with `refuseWith` instead: 407 (it wants a Basic sign-in nothing can give) or
 * another status (a blocked destination).
 */
export async function startTestProxy(
  options: {
    refuseWith?: number;
    tls?: { key: string; cert: string };
    signIn?: { username: string; password: string };
    negotiate?: boolean;
  } = {},
): Promise<TestProxy> {
  const connects: string[] = [];
  const authorizations: (string | undefined)[] = [];
  let server: Server;
  if (options.signIn !== undefined) {
    const { username, password } = options.signIn;
    const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const proxy = createProxy(createServer());
    proxy.authenticate = (request) => request.headers['proxy-authorization'] === expected;
    server = proxy;
  } else if (options.negotiate === true) {
    const proxy = createProxy(createServer());
    proxy.authenticate = 'negotiate';
    server = proxy;
  } else if (options.tls !== undefined) {
    server = createProxy(createHttpsServer(options.tls));
  } else if (options.refuseWith === undefined) {
    server = createProxy(createServer());
  } else if (options.refuseWith === 407) {
    const proxy = createProxy(createServer());
    proxy.authenticate = () => false;
    server = proxy;
  } else {
    const status = options.refuseWith;
    server = createServer();
    server.on('connect', (_request, socket) => {
      // Node hands a CONNECT's socket over without an error listener: a client that resets it
      // after reading the refusal must not be an uncaught exception in the test run.
      socket.on('error', () => {});
      socket.end(`HTTP/1.1 ${status} Blocked\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    });
  }
  server.prependListener('connect', (request) => {
    connects.push(request.url ?? '');
    authorizations.push(request.headers['proxy-authorization']);
  });
  // Tunnels leave the HTTP server's hands; closing must still end them.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    port,
    connects,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A loopback address where nothing listens (a port taken and let go at once). */
export async function closedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
