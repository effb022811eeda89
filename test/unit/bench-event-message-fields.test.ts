import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/relay/event-log';
import { toOutgoingEvents } from '../../src/relay/outgoing-event';
import {
  readEventMessageFields,
  type EventMessageFields,
} from '../../scripts/bench-relay/event-message-fields';
import { createFrameReader } from '../../scripts/bench-relay/lean-stream-client';

/** Each text message in `bytes`, read as the benchmark's clients read them: in place. */
function readAll(bytes: Buffer): (EventMessageFields | null)[] {
  const found: (EventMessageFields | null)[] = [];
  const read = createFrameReader({
    text(data, start, end) {
      const fields = { seq: -1, sentUs: -1 };
      found.push(readEventMessageFields(data, start, end, fields) ? fields : null);
    },
    ping: () => undefined,
    close: () => undefined,
  });
  read(bytes);
  return found;
}

const benchEvent = (seq: number, sentUs: number): StoredEvent => ({
  seq,
  body: `{"bench_sent_us":${sentUs},"project_id":"bench","event":"account.updated","record_id":"bench-${seq}"}`,
  signature: 'c2lnbmF0dXJl',
  receivedAt: '2026-12-01T18:00:00.000Z',
  event: 'account.updated',
  originOwnerId: null,
});

const textFrame = (text: string) => {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
};

describe("the benchmark clients' reading of event messages", () => {
  it("reads seq and send time from the relay's own event frames, several to a buffer", () => {
    const bytes = Buffer.concat(
      toOutgoingEvents([benchEvent(7, 1_234_567_890_123), benchEvent(10_000_008, 98_765)]).map(
        (event) => event.frame,
      ),
    );
    expect(readAll(bytes)).toEqual([
      { seq: 7, sentUs: 1_234_567_890_123 },
      { seq: 10_000_008, sentUs: 98_765 },
    ]);
  });

  it('reads the fields from any other layout too', () => {
    const reordered = '{"seq":12,"type":"event","body":"{\\"bench_sent_us\\":345}"}';
    const sentLater =
      '{"type":"event","seq":13,"body":"{\\"event\\":\\"x\\",\\"bench_sent_us\\":678}"}';
    expect(readAll(Buffer.concat([textFrame(reordered), textFrame(sentLater)]))).toEqual([
      { seq: 12, sentUs: 345 },
      { seq: 13, sentUs: 678 },
    ]);
  });

  it('finds nothing in other messages, even when the next message in the buffer has the fields', () => {
    const bytes = Buffer.concat([
      textFrame('{"type":"subscribed","headSeq":3}'),
      textFrame('{"type":"event","seq":4,"body":"{\\"account_id\\":\\"a-1\\"}"}'),
      textFrame('{"type":"event","seq":5,"body":"{\\"bench_sent_us\\":9}"}'),
    ]);
    expect(readAll(bytes)).toEqual([null, null, { seq: 5, sentUs: 9 }]);
  });
});
