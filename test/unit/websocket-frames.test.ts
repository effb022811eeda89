import { describe, expect, it } from 'vitest';
import { encodeTextFrames, joinAdjacentFrames } from '../../src/relay/websocket-frame';
import { createFrameReader, encodeClientFrame } from '../../scripts/bench-relay/lean-stream-client';

/** One text's frame, encoded alone. */
const encodeTextFrame = (text: string): Buffer => encodeTextFrames([text])[0] as Buffer;

describe('WebSocket frames', () => {
  it('encodes the three length forms of RFC 6455 (7-bit, 16-bit, 64-bit)', () => {
    const short = encodeTextFrame('hi');
    expect([...short]).toEqual([0x81, 2, 0x68, 0x69]);
    const medium = encodeTextFrame('a'.repeat(300));
    expect([medium[0], medium[1], medium.readUInt16BE(2), medium.length]).toEqual([
      0x81, 126, 300, 304,
    ]);
    const long = encodeTextFrame('b'.repeat(70_000));
    expect([long[0], long[1], Number(long.readBigUInt64BE(2)), long.length]).toEqual([
      0x81, 127, 70_000, 70_010,
    ]);
    // The length is the UTF-8 bytes', not the characters' (an event's body may hold any text).
    const accented = encodeTextFrame('é'.repeat(100));
    expect([accented[1], accented.readUInt16BE(2), accented.length]).toEqual([126, 200, 204]);
    expect(accented.subarray(4).toString('utf8')).toBe('é'.repeat(100));
  });

  it('encodes a list side by side, each frame a view of one buffer, in the same bytes', () => {
    const texts = ['hi', 'a'.repeat(300), 'é'.repeat(20_000)];
    const frames = encodeTextFrames(texts);
    expect(frames).toEqual(texts.map((text) => encodeTextFrame(text)));
    expect(new Set(frames.map((frame) => frame.buffer)).size).toBe(1);
    expect(encodeTextFrames([])).toEqual([]);
  });

  it('puts no more than a chunk of frames in one buffer, and a larger frame in one of its own', () => {
    // Over 4 KiB each, so that every buffer is one of its own rather than a part of Node's pool.
    const texts = ['a', 'b', 'c', 'd', 'e'].map((letter) => letter.repeat(5_000));
    texts.splice(3, 0, 'x'.repeat(30_000));
    const frames = encodeTextFrames(texts, 12_000);
    expect(frames).toEqual(texts.map((text) => encodeTextFrame(text)));
    const buffers = [...new Set(frames.map((frame) => frame.buffer))];
    // a and b share one; c fits no further (x would pass the chunk); x alone; d and e share one.
    expect(frames.map((frame) => buffers.indexOf(frame.buffer))).toEqual([0, 0, 1, 2, 3, 3]);
    expect(buffers.map((buffer) => buffer.byteLength)).toEqual([10_008, 5_004, 30_004, 10_008]);
  });

  it('joins only frames that lie side by side, keeping every byte in order', () => {
    const [a, b, c, d] = encodeTextFrames(['a', 'bb', 'ccc', 'dddd']) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ];
    const other = Buffer.from(encodeTextFrame('elsewhere'));
    const cases: Buffer[][] = [[a, b, c, d], [a, c, d], [a, b, other, c, d], [b, a], [other], []];
    const runCounts = cases.map((frames) => joinAdjacentFrames(frames).length);
    expect(runCounts).toEqual([1, 2, 3, 2, 1, 0]);
    for (const frames of cases) {
      expect(Buffer.concat(joinAdjacentFrames(frames))).toEqual(Buffer.concat(frames));
    }
  });

  it("lets the benchmark's frame reader find every message however the bytes are split", () => {
    const payloads = ['{"n":1}', 'x'.repeat(300), 'y'.repeat(70_000)];
    const ping = Buffer.from([0x89, 1, 0x2a]);
    const stream = Buffer.concat([
      ...payloads.slice(0, 2).map((p) => encodeTextFrame(p)),
      ping,
      encodeTextFrame(payloads[2] ?? ''),
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

  it("masks the benchmark's client frames with a fresh key each, past its pool's refills", () => {
    const keys = new Set<string>();
    for (let n = 0; n < 3_000; n++) {
      const payload = Buffer.from(`{"type":"ack","seq":${n}}`);
      const frame = encodeClientFrame(0x1, payload);
      expect([frame[0], frame[1]]).toEqual([0x81, 0x80 | payload.length]);
      const key = frame.subarray(2, 6);
      const unmasked = frame.subarray(6).map((byte, i) => byte ^ (key[i & 3] ?? 0));
      expect(Buffer.from(unmasked).toString()).toBe(payload.toString());
      keys.add(key.toString('hex'));
    }
    // 3,000 random 32-bit keys repeat with a chance of about one in a thousand.
    expect(keys.size).toBeGreaterThan(2_990);
  });
});
