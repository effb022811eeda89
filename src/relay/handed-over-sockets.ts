import type { Server } from 'node:net';

/** What Node's net.Server keeps of the child processes its sockets were sent to (internal). */
interface HandOverState {
  _usingWorkers?: unknown;
  _workers?: unknown;
}

/**
 * Lets `server.close()` finish after every process that was sent one of its sockets has exited.
 * Node marks a server whose sockets go to a child process (`child.send(message, socket)`) as
 * using workers, and its close asks each such child still running to say when its sockets are
 * closed. Once all of them have exited their list is empty, but the mark stays, and close then
 * waits for an answer no one will give: its callback never comes, nor Fastify's close with it
 * (seen with Node 22). Here that happens when the stream process is replaced and the relay stops
 * before its replacement is sent a connection. With none left to ask, close has nothing to wait
 * for but the server's own connections, so the mark is cleared as close begins. Where Node keeps
 * no such state, this changes nothing.
 */
export function closeAfterSocketHoldersExit(server: Server): void {
  const close = server.close.bind(server);
  server.close = (callback) => {
    const state = server as unknown as HandOverState;
    if (
      state._usingWorkers === true &&
      Array.isArray(state._workers) &&
      state._workers.length === 0
    )
      state._usingWorkers = false;
    return close(callback);
  };
}
