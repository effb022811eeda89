import type { RelayServerMessage } from '../shared/relay-protocol';
import type { StoredEvent } from './event-log';
import { encodeTextFrames } from './websocket-frame';

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

/** The events' frames are encoded side by side, in buffers of up to 64 KiB (websocket-frame.ts). */
export function toOutgoingEvents(stored: readonly StoredEvent[]): OutgoingEvent[] {
  const frames = encodeTextFrames(
    stored.map((event) =>
      JSON.stringify({
        type: 'event',
        seq: event.seq,
        body: event.body,
        signature: event.signature,
        receivedAt: event.receivedAt,
      } satisfies RelayServerMessage),
    ),
  );
  return stored.map((event, i) => ({
    seq: event.seq,
    event: event.event,
    originOwnerId: event.originOwnerId,
    receivedAtMs: Date.parse(event.receivedAt),
    frame: frames[i] as Buffer,
  }));
}

/**
 * About what an outgoing event holds, in bytes (its frame, and a little for the objects): enough
 * to bound what is kept.
 */
export const outgoingEventBytes = (event: OutgoingEvent): number =>
  160 + event.frame.length + event.event.length + (event.originOwnerId?.length ?? 0);
