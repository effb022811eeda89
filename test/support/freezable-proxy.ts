import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on loopback whose traffic can be stopped without closing anything: what a connection
 * looks like to both ends after a laptop sleeps or changes networks (no FIN, no RST, no data).
 */
export async function startFreezableProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let connections = 0;
  let frozen = false;
  const server = createServer((client) => {
    connections += 1;
    const upstream = connect(targetPort, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (data) => frozen || to.write(data));
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
      from.on('error', () => undefined);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** Connections accepted so far. */
    connections: () => connections,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
