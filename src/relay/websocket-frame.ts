/**
 * A complete, unmasked WebSocket text frame (RFC 6455 §5.2) as a server sends it. Server frames
 * carry no mask, so one encoded frame is the same bytes for every subscriber: the relay encodes
 * each event once and writes those bytes to every socket.
 *
 * The text is encoded straight into the frame. Encoding it into a buffer of its own first, then
 * copying, put a short-lived payload beside each frame in Node's shared 8 KiB slabs, where a frame
 * still queued for a socket keeps its whole slab: while 200 subscribers caught up at once, the
 * stream process held about 1,000 slabs for 7,000 frames of about 430 bytes.
 */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerBytes = length < 126 ? 2 : length <= 0xffff ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) {
    frame[1] = length;
  } else if (length <= 0xffff) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, headerBytes);
  return frame;
}
