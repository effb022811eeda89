import type { Duplex } from 'node:stream';

/**
 * Keeps an error on a connection asking for a stream, before ws takes it, from ending the process.
 * Node's HTTP server takes its own error listener off a socket it hands to 'upgrade', and ws adds
 * one only in handleUpgrade; in between (a refusal being written, the socket on its way to the
 * stream process) a client that resets, as one does that closes with the refusal unread, would be
 * an uncaught exception. Nothing is lost with such a connection: it was refused, or its client
 * gave it up before subscribing.
 */
export function ignoreErrorsBeforeHandshake(socket: Duplex): void {
  socket.on('error', () => {});
}

/** Answers a request for a stream with `status` (no handshake), and closes its connection. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n${extra.join('')}Connection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}
