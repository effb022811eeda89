import type { RelayServerMessage } from '../shared/relay-protocol';
import type { StoredEvent } from './event-log';
import { encodeTextFrame } from './websocket-frame';

/**
 * An event as the stream side holds it to send: its complete WebSocket frame, encoded once as the
 * event comes in (committed, or read from the log) for every subscriber given it, and what
 * subscribers' filters and the fan-out's timing read. Its body, signature and time are in the frame
 * alone: kept beside it too, as the stored event's strings, they about doubled what the stream
 * process held of each event while subscribers caught up.
 */
export interface OutgoingEvent {
  seq: number;
  event: string;
  originOwnerId: string | null;
  receivedAtMs: number;
  frame: Buffer;
}

export function toOutgoingEvent(stored: StoredEvent): OutgoingEvent {
  return {
    seq: stored.seq,
    event: stored.event,
    originOwnerId: stored.originOwnerId,
    receivedAtMs: Date.parse(stored.receivedAt),
    frame: encodeTextFrame(
      JSON.stringify({
        type: 'event',
        seq: stored.seq,
        body: stored.body,
        signature: stored.signature,
        receivedAt: stored.receivedAt,
      } satisfies RelayServerMessage),
    ),
  };
}

/**
 * About what an outgoing event holds, in bytes (its frame, and a little for the objects): enough
 * to bound what is kept.
 */
export const outgoingEventBytes = (event: OutgoingEvent): number =>
  160 + event.frame.length + event.event.length + (event.originOwnerId?.length ?? 0);
