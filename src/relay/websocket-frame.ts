/**
 * A complete, unmasked WebSocket text frame (RFC 6455 §5.2) as a server sends it. Server frames
 * carry no mask, so one encoded frame is the same bytes for every subscriber: the relay encodes
 * each event once and writes those bytes to every socket.
 */
export function encodeTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
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
  payload.copy(frame, headerBytes);
  return frame;
}
