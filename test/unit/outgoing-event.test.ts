import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/relay/event-log';
import { outgoingEventBytes, toOutgoingEvent } from '../../src/relay/outgoing-event';
import { createFrameReader } from '../../scripts/bench-relay/lean-stream-client';

const stored = (body: string): StoredEvent => ({
  seq: 42,
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
    const outgoing = toOutgoingEvent(stored(body));
    expect(messagesIn(outgoing.frame).map((text) => JSON.parse(text) as unknown)).toEqual([
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
    const small = toOutgoingEvent(stored('{"event":"account.created"}'));
    expect(small).toMatchObject({
      seq: 42,
      event: 'account.created',
      originOwnerId: 'owner-7',
      receivedAtMs: Date.parse('2026-12-06T15:00:00.000Z'),
    });
    const large = toOutgoingEvent(stored(`{"padding":"${'p'.repeat(10_000)}"}`));
    expect(outgoingEventBytes(large) - outgoingEventBytes(small)).toBe(
      large.frame.length - small.frame.length,
    );
    expect(outgoingEventBytes(large)).toBeGreaterThan(large.frame.length);
  });
});
