import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Watches a server's HTTP connections for whether their client has begun a request the relay has
 * not finished answering: a request open, or bytes read since the last answer ended. A connection
 * reset with none begun (a load balancer's TCP check, a keep-alive pool letting one go) has lost
 * nothing, where one reset with a request begun has cut it short.
 */
export function watchHttpRequestsBegun(server: Server): (socket: Socket) => boolean {
  const openRequests = new WeakMap<Socket, number>();
  const bytesReadWhenAnswered = new WeakMap<Socket, number>();
  server.on('request', ({ socket }, response) => {
    openRequests.set(socket, (openRequests.get(socket) ?? 0) + 1);
    response.once('close', () => {
      openRequests.set(socket, (openRequests.get(socket) ?? 1) - 1);
      bytesReadWhenAnswered.set(socket, socket.bytesRead);
    });
  });
  return (socket) =>
    (openRequests.get(socket) ?? 0) > 0 ||
    socket.bytesRead > (bytesReadWhenAnswered.get(socket) ?? 0);
}
