import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/relay/event-log';
import { outgoingEventBytes, toOutgoingEvents } from '../../src/relay/outgoing-event';
import { joinAdjacentFrames } from '../../src/relay/websocket-frame';
import { createFrameReader } from '../../scripts/bench-relay/lean-stream-client';

const stored = (body: string, seq = 42): StoredEvent => ({
  seq,
  body,
  signature: 't=1,v1=abc',
  receivedAt: '2026-12-06T15:00:00.000Z',
  event: 'account.created',
  originOwnerId: 'owner-7',
});

/** The text messages in `bytes`, as a client reads them off the socket. */
function messagesIn(bytes: Buffer): string[] {
  const texts: string[] = [];
  createFrameReader({
    text: (data, start, end) => texts.push(data.toString('utf8', start, end)),
    ping: () => undefined,
    close: () => undefined,
  })(bytes);
  return texts;
}

describe('an outgoing event', () => {
  it("is framed as the event's complete message, its body byte for byte however written", () => {
    const body = '{"event":"account.created","note":"Zoë \\"quoted\\"\\n","emoji":"🙂"}';
    const [outgoing] = toOutgoingEvents([stored(body)]);
    expect(
      messagesIn(outgoing?.frame ?? Buffer.alloc(0)).map((text) => JSON.parse(text) as unknown),
    ).toEqual([
      {
        type: 'event',
        seq: 42,
        body,
        signature: 't=1,v1=abc',
        receivedAt: '2026-12-06T15:00:00.000Z',
      },
    ]);
  });

  it('keeps what filters and the fan-out read, and counts its frame in its size', () => {
    const [small, large] = toOutgoingEvents([
      stored('{"event":"account.created"}'),
      stored(`{"padding":"${'p'.repeat(10_000)}"}`),
    ]);
    if (small === undefined || large === undefined) throw new Error('two events framed');
    expect(small).toMatchObject({
      seq: 42,
      event: 'account.created',
      originOwnerId: 'owner-7',
      receivedAtMs: Date.parse('2026-12-06T15:00:00.000Z'),
    });
    expect(outgoingEventBytes(large) - outgoingEventBytes(small)).toBe(
      large.frame.length - small.frame.length,
    );
    expect(outgoingEventBytes(large)).toBeGreaterThan(large.frame.length);
  });

  it('frames events read together side by side, each its own message, written as one run', () => {
    const bodies = ['{"n":1}', `{"long":"${'l'.repeat(300)}"}`, '{"n":"3 ü"}'];
    const events = toOutgoingEvents(bodies.map((body, i) => stored(body, 100 + i)));
    expect(events.map((event) => event.seq)).toEqual([100, 101, 102]);
    expect(events.map((event) => messagesIn(event.frame).length)).toEqual([1, 1, 1]);
    const runs = joinAdjacentFrames(events.map((event) => event.frame));
    expect(runs).toHaveLength(1);
    expect(
      messagesIn(runs[0] ?? Buffer.alloc(0)).map(
        (text) => (JSON.parse(text) as { body: string }).body,
      ),
    ).toEqual(bodies);
  });
});
