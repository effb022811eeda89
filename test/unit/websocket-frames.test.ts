import { describe, expect, it } from 'vitest';
import { encodeTextFrame } from '../../src/relay/websocket-frame';
import { createFrameReader } from '../../scripts/bench-relay/lean-stream-client';

describe('WebSocket frames', () => {
  it('encodes the three length forms of RFC 6455 (7-bit, 16-bit, 64-bit)', () => {
    const short = encodeTextFrame(Buffer.from('hi'));
    expect([...short]).toEqual([0x81, 2, 0x68, 0x69]);
    const medium = encodeTextFrame(Buffer.alloc(300, 'a'));
    expect([medium[0], medium[1], medium.readUInt16BE(2), medium.length]).toEqual([
      0x81, 126, 300, 304,
    ]);
    const long = encodeTextFrame(Buffer.alloc(70_000, 'b'));
    expect([long[0], long[1], Number(long.readBigUInt64BE(2)), long.length]).toEqual([
      0x81, 127, 70_000, 70_010,
    ]);
  });

  it("lets the benchmark's frame reader find every message however the bytes are split", () => {
    const payloads = ['{"n":1}', 'x'.repeat(300), 'y'.repeat(70_000)];
    const ping = Buffer.from([0x89, 1, 0x2a]);
    const stream = Buffer.concat([
      ...payloads.slice(0, 2).map((p) => encodeTextFrame(Buffer.from(p))),
      ping,
      encodeTextFrame(Buffer.from(payloads[2] ?? '')),
    ]);
    for (const chunkSize of [1, 3, 7, 126, 4096, stream.length]) {
      const texts: string[] = [];
      const pings: number[][] = [];
      const read = createFrameReader({
        text: (data, start, end) => texts.push(data.toString('utf8', start, end)),
        ping: (payload) => pings.push([...payload]),
        close: () => undefined,
      });
      for (let at = 0; at < stream.length; at += chunkSize)
        read(stream.subarray(at, at + chunkSize));
      expect(texts).toEqual(payloads);
      expect(pings).toEqual([[0x2a]]);
    }
  });
});
