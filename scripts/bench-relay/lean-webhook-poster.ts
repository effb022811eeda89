/**
 * The benchmark's stand-in for StackOne's webhook sender: HTTP/1.1 POSTs over a pool of
 * keep-alive connections, one request in flight per connection (no pipelining, as a webhook
 * sender works), written and read by hand. In production the sender runs on StackOne's servers;
 * here it shares the relay's two cores, so it must cost as little CPU as it can: node:http's
 * client spends several times more per request on objects the benchmark never looks at.
 */
import { connect, type Socket } from 'node:net';

export interface PostResult {
  /** The HTTP status, or 0 when the connection failed before an answer. */
  status: number;
  /** From the call to the last byte of the answer. */
  ms: number;
}

export interface WebhookPoster {
  post(body: string, signature: string): Promise<PostResult>;
  close(): void;
}

interface Waiting {
  request: string;
  started: number;
  resolve: (result: PostResult) => void;
}

interface Connection {
  socket: Socket;
  inFlight: Waiting | null;
}

export function createLeanWebhookPoster(options: {
  host: string;
  port: number;
  path: string;
  maxConnections: number;
}): WebhookPoster {
  const { host, port, path, maxConnections } = options;
  const idle: Connection[] = [];
  const queued: Waiting[] = [];
  let open = 0;
  let closed = false;

  function openConnection(): Connection {
    open += 1;
    const connection: Connection = {
      socket: connect({ host, port, noDelay: true }),
      inFlight: null,
    };
    let buffered: Buffer = Buffer.alloc(0);
    const finish = (status: number) => {
      const waiting = connection.inFlight;
      connection.inFlight = null;
      waiting?.resolve({ status, ms: performance.now() - waiting.started });
    };
    connection.socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      for (;;) {
        const headerEnd = buffered.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const head = buffered.toString('latin1', 0, headerEnd);
        const contentLength = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
        if (contentLength === undefined) {
          // Chunked or close-delimited: not what the relay sends, and this reader cannot find its
          // end. Count it as a failed post rather than wait for ever.
          finish(0);
          connection.socket.destroy();
          return;
        }
        const bodyBytes = Number(contentLength);
        const answerBytes = headerEnd + 4 + bodyBytes;
        if (buffered.length < answerBytes) return;
        buffered = buffered.subarray(answerBytes);
        finish(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0));
        if (/\r\nconnection: *close/i.test(head)) connection.socket.destroy();
        else release(connection);
      }
    });
    connection.socket.on('error', () => connection.socket.destroy());
    connection.socket.on('close', () => {
      open -= 1;
      const at = idle.indexOf(connection);
      if (at >= 0) idle.splice(at, 1);
      finish(0);
      if (!closed && queued.length > 0) send(openConnection(), queued.shift() as Waiting);
    });
    return connection;
  }

  function send(connection: Connection, waiting: Waiting): void {
    connection.inFlight = waiting;
    connection.socket.write(waiting.request);
  }

  function release(connection: Connection): void {
    const next = queued.shift();
    if (next !== undefined) send(connection, next);
    else idle.push(connection);
  }

  return {
    post(body, signature) {
      return new Promise((resolve) => {
        const waiting: Waiting = {
          request:
            `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
            `X-StackOne-Signature: ${signature}\r\n\r\n${body}`,
          started: performance.now(),
          resolve,
        };
        if (closed) return resolve({ status: 0, ms: 0 });
        const connection = idle.pop() ?? (open < maxConnections ? openConnection() : undefined);
        if (connection === undefined) queued.push(waiting);
        else send(connection, waiting);
      });
    },
    close() {
      closed = true;
      for (const waiting of queued.splice(0)) waiting.resolve({ status: 0, ms: 0 });
      for (const connection of idle.splice(0)) connection.socket.destroy();
    },
  };
}
