import type { Socket } from 'node:net';

/** Why an HTTP connection failed before (or outside) a request the relay could handle. */
export const httpClientErrorReasons = [
  'cut_short',
  'timeout',
  'headers_too_large',
  'malformed',
] as const;
export type HttpClientErrorReason = (typeof httpClientErrorReasons)[number];

/**
 * Node's error codes on an HTTP server's connections, by what the operator reads of them; null
 * for a connection reset with no request begun (a load balancer's TCP check, a keep-alive pool
 * letting one go), which has failed at nothing.
 */
export function httpClientErrorReason(
  code: string | undefined,
  requestBegun: boolean,
): HttpClientErrorReason | null {
  if (code === 'ECONNRESET' && !requestBegun) return null;
  // Reset, or closed with a request begun (Node's parser then calls the end of input an error).
  if (code === 'ECONNRESET' || code === 'HPE_INVALID_EOF_STATE') return 'cut_short';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'timeout';
  if (code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  return 'malformed';
}

const answers: Record<Exclude<HttpClientErrorReason, 'cut_short'>, string> = {
  timeout: '408 Request Timeout',
  headers_too_large: '431 Request Header Fields Too Large',
  malformed: '400 Bad Request',
};

/**
 * Answers a connection whose HTTP the server could not read, as Node does by default, and closes
 * it. One its client cut short has no one waiting for an answer.
 */
export function answerHttpClientError(reason: HttpClientErrorReason, socket: Socket): void {
  if (reason !== 'cut_short' && socket.writable)
    socket.write(`HTTP/1.1 ${answers[reason]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
