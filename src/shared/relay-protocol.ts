import { z } from 'zod';

/** Messages on the relay's `/v1/stream` WebSocket (docs/relay-protocol.md). */
export const relayClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('subscribe'),
    cursor: z.number().int().nonnegative().nullable(),
    filters: z
      .strictObject({
        originOwnerIds: z.array(z.string().min(1)).max(10_000).optional(),
        events: z.array(z.string().min(1)).max(50).optional(),
      })
      .optional(),
  }),
  z.strictObject({ type: z.literal('ack'), seq: z.number().int().nonnegative() }),
]);
export type RelayClientMessage = z.infer<typeof relayClientMessageSchema>;

export const relayEventMessageSchema = z.strictObject({
  type: z.literal('event'),
  seq: z.number().int().positive(),
  /** The webhook body exactly as StackOne sent it, so the signature still verifies. */
  body: z.string(),
  signature: z.string(),
  receivedAt: z.iso.datetime({ offset: true }),
});
export type RelayEventMessage = z.infer<typeof relayEventMessageSchema>;

export const relayServerMessageSchema = z.discriminatedUnion('type', [
  relayEventMessageSchema,
  z.strictObject({
    type: z.literal('subscribed'),
    /** The newest seq stored when the subscription started. */
    headSeq: z.number().int().nonnegative(),
  }),
  z.strictObject({
    type: z.literal('gap'),
    /** The client's cursor, and the oldest seq the relay still holds. */
    requestedCursor: z.number().int().nonnegative(),
    oldestAvailableSeq: z.number().int().positive(),
  }),
  z.strictObject({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type RelayServerMessage = z.infer<typeof relayServerMessageSchema>;
