/**
 * A WebSocket client for the relay benchmark that costs the load generator as little CPU as
 * possible: the real opening handshake (RFC 6455 §4, checked), masked client frames, pongs, and a
 * frame reader that finds each event message in the received bytes without allocating or emitting
 * anything per message. 200 of them receive 200,000-400,000 messages a second on the same two
 * cores as the relay, so the load generator must not be what the benchmark measures.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const websocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface FrameHandlers {
  /** A text message, as bytes `start` to `end` of `data` (valid only during the call). */
  text(data: Buffer, start: number, end: number): void;
  ping(payload: Buffer): void;
  close(): void;
}

/** Splits a server's byte stream into frames; frames may span chunks (unfragmented messages only). */
export function createFrameReader(handlers: FrameHandlers): (chunk: Buffer) => void {
  let carry: Buffer | null = null;
  return (chunk) => {
    const data: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
    carry = null;
    let offset = 0;
    while (offset + 2 <= data.length) {
      const opcode = (data[offset] ?? 0) & 0x0f;
      let length = (data[offset + 1] ?? 0) & 0x7f;
      let header = 2;
      if (length === 126) {
        if (offset + 4 > data.length) break;
        length = data.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (offset + 10 > data.length) break;
        length = Number(data.readBigUInt64BE(offset + 2));
        header = 10;
      }
      const start = offset + header;
      const end = start + length;
      if (end > data.length) break;
      if (opcode === 0x1) handlers.text(data, start, end);
      else if (opcode === 0x9) handlers.ping(Buffer.from(data.subarray(start, end)));
      else if (opcode === 0x8) handlers.close();
      offset = end;
    }
    if (offset < data.length) carry = Buffer.from(data.subarray(offset));
  };
}

// Masking keys come from a pool filled from the CSPRNG a few KiB at a time: one randomBytes call
// per ack (thousands a second) cost the load generator more than the mask itself.
const maskPool = Buffer.allocUnsafe(4096);
let maskPoolOffset = maskPool.length;

/** Writes the next 4-byte masking key into `frame` at `offset`. */
function writeMaskingKey(frame: Buffer, offset: number): void {
  if (maskPoolOffset === maskPool.length) {
    randomFillSync(maskPool);
    maskPoolOffset = 0;
  }
  maskPool.copy(frame, offset, maskPoolOffset, maskPoolOffset + 4);
  maskPoolOffset += 4;
}

/** A masked client frame (client-to-server frames must be masked, RFC 6455 §5.3). */
export function encodeClientFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : 4;
  if (length > 0xffff) throw new Error('client frames here are small');
  const frame = Buffer.allocUnsafe(header + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  }
  writeMaskingKey(frame, header);
  for (let i = 0; i < length; i++)
    frame[header + 4 + i] = (payload[i] ?? 0) ^ (frame[header + (i & 3)] ?? 0);
  return frame;
}

/**
 * Opens a stream connection: the opening handshake with the bearer token, checked, then every
 * received chunk goes to the reader made by `createReader` for this socket. Reads land in one
 * buffer reused for the connection's life (net's `onread`), so receiving allocates nothing per
 * read; a chunk is valid only during the reader's call.
 */
export function openLeanStream(
  url: string,
  token: string,
  createReader: (socket: Socket) => (chunk: Buffer) => void,
  /** More request headers for the upgrade, as name and value. */
  headers: Record<string, string> = {},
): Promise<Socket> {
  const { hostname, port, pathname } = new URL(url);
  const key = randomBytes(16).toString('base64');
  const expectedAccept = createHash('sha1')
    .update(key + websocketGuid)
    .digest('base64');
  return new Promise((resolve, reject) => {
    const readBuffer = Buffer.allocUnsafe(64 * 1024);
    let response = Buffer.alloc(0);
    let read: ((chunk: Buffer) => void) | null = null;
    const fail = (message: string) => {
      socket.destroy();
      reject(new Error(message));
    };
    const readHandshake = (chunk: Buffer) => {
      response = Buffer.concat([response, chunk]);
      const headerEnd = response.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const head = response.subarray(0, headerEnd).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      if (status !== '101') return fail(`the relay refused the stream: HTTP ${status}`);
      if (/\r\nsec-websocket-accept: *([^\r]*)/i.exec(head)?.[1] !== expectedAccept)
        return fail('the server answered the handshake with a wrong Sec-WebSocket-Accept');
      read = createReader(socket);
      resolve(socket);
      if (headerEnd + 4 < response.length) read(response.subarray(headerEnd + 4));
    };
    const socket = connect({
      host: hostname,
      port: Number(port),
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback(bytes) {
          const chunk = readBuffer.subarray(0, bytes);
          if (read === null) readHandshake(chunk);
          else read(chunk);
          return true;
        },
      },
    });
    socket.once('connect', () =>
      socket.write(
        [
          `GET ${pathname} HTTP/1.1`,
          `Host: ${hostname}:${port}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          'Sec-WebSocket-Version: 13',
          `Sec-WebSocket-Key: ${key}`,
          `Authorization: Bearer ${token}`,
          ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
          '',
          '',
        ].join('\r\n'),
      ),
    );
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('the connection closed during the handshake')));
  });
}
