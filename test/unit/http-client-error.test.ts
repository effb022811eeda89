import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerHttpClientError, httpClientErrorReason } from '../../src/relay/http-client-error';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** What a client reads once the server side has answered with `answer` and closed. */
async function clientReads(answer: (serverSide: Socket) => void): Promise<string> {
  const server = createServer(answer);
  closers.push(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    let read = '';
    const client = connect(port, '127.0.0.1');
    client.setEncoding('utf8');
    client.on('data', (chunk: string) => (read += chunk));
    client.once('close', () => resolve(read));
    client.once('error', () => undefined);
  });
}

describe('HTTP connections that fail before a request', () => {
  it("names Node's error codes by what they mean to an operator", () => {
    expect(httpClientErrorReason('ECONNRESET', true)).toBe('cut_short');
    expect(httpClientErrorReason('HPE_INVALID_EOF_STATE', true)).toBe('cut_short');
    expect(httpClientErrorReason('ERR_HTTP_REQUEST_TIMEOUT', true)).toBe('timeout');
    expect(httpClientErrorReason('HPE_HEADER_OVERFLOW', true)).toBe('headers_too_large');
    expect(httpClientErrorReason('HPE_INVALID_METHOD', true)).toBe('malformed');
    expect(httpClientErrorReason(undefined, true)).toBe('malformed');
    // A reset with no request begun is no failure; a silent connection timed out still is one.
    expect(httpClientErrorReason('ECONNRESET', false)).toBeNull();
    expect(httpClientErrorReason('ERR_HTTP_REQUEST_TIMEOUT', false)).toBe('timeout');
  });

  it.each([
    { reason: 'timeout', status: '408 Request Timeout' },
    { reason: 'headers_too_large', status: '431 Request Header Fields Too Large' },
    { reason: 'malformed', status: '400 Bad Request' },
  ] as const)('answers $reason with $status and closes', async ({ reason, status }) => {
    expect(await clientReads((socket) => answerHttpClientError(reason, socket))).toBe(
      `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  });

  it('closes a connection its client cut short without writing to it', async () => {
    expect(await clientReads((socket) => answerHttpClientError('cut_short', socket))).toBe('');
  });
});
