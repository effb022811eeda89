// zod/mini rather than zod: the relay's stream process validates every client message with these
// schemas, and bundled, zod/mini costs it well under 1 MB where zod costs about 5 MB
// (docs/relay-benchmark-log.md, "2026-12-02: a leaner stream process").
import * as z from 'zod/mini';

/**
 * Where a relay serves its stream (a WebSocket upgrade), relative to its address: the relay's own
 * `streamPath`, kept a literal there so that the relay's bundles do not change.
 */
export const relayStreamPath = '/v1/stream';

/**
 * The response header of the stream's upgrade that names the relay's event log (docs
 * relay-protocol.md, "Log id"): seqs are that log's, and mean nothing in another.
 */
export const relayLogIdHeader = 'relay-log-id';
/** What a log id may be: a token that goes in a header as it is. */
export const relayLogIdPattern = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * The response header of the stream's upgrade that gives the relay's release (`--version`), for
 * the app's diagnostics to set beside its own.
 */
export const relayVersionHeader = 'relay-version';
/** What a release may be, as a header gives it: a version's characters, at most 64 of them. */
export const relayVersionPattern = /^[0-9A-Za-z.+-]{1,64}$/;

/**
 * The header of a relay's 503 answer to the stream's upgrade that says why it refused the
 * connection, where it says: `too-many-clients`, the relay serving as many stream connections as it
 * is set to take (its `--max-clients`) after taking the token. Its `Retry-After` says in how many
 * seconds to try again.
 */
export const relayRefusalHeader = 'relay-refused';
export const relayRefusedTooManyClients = 'too-many-clients';

/**
 * The request header of the stream's upgrade with which a client asks to be told its position
 * (`1`): a subscriber with filters is then sent `position` messages, so that its cursor follows
 * the log where none of the events passes them. A relay from before them ignores the header.
 */
export const relayPositionsHeader = 'relay-positions';

/**
 * How long a client waits with nothing from the relay (no message, no ping) before taking the
 * connection for dead: three of the relay's default 15 s pings. The relay's pings must come more
 * often (its --heartbeat is at most 30 s).
 */
export const relayClientLivenessTimeoutMs = 45_000;

/** The largest message a relay accepts from a client; a larger one closes the connection. */
export const relayClientMessageMaxBytes = 64 * 1024;

const seq = () => z.number().check(z.int(), z.nonnegative());

/** Messages on the relay's `/v1/stream` WebSocket (docs/relay-protocol.md). */
export const relayClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('subscribe'),
    cursor: z.nullable(seq()),
    filters: z.optional(
      z.strictObject({
        originOwnerIds: z.optional(
          z.array(z.string().check(z.minLength(1))).check(z.maxLength(10_000)),
        ),
        events: z.optional(z.array(z.string().check(z.minLength(1))).check(z.maxLength(50))),
      }),
    ),
  }),
  z.strictObject({ type: z.literal('ack'), seq: seq() }),
]);
export type RelayClientMessage = z.infer<typeof relayClientMessageSchema>;

export const relayEventMessageSchema = z.strictObject({
  type: z.literal('event'),
  seq: z.number().check(z.int(), z.positive()),
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
    headSeq: seq(),
  }),
  z.strictObject({
    type: z.literal('gap'),
    /** The client's cursor, and the oldest seq the relay still holds. */
    requestedCursor: seq(),
    oldestAvailableSeq: z.number().check(z.int(), z.positive()),
  }),
  z.strictObject({
    type: z.literal('position'),
    /** Every event up to it that passes the subscription's filters has been sent before. */
    seq: seq(),
  }),
  z.strictObject({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type RelayServerMessage = z.infer<typeof relayServerMessageSchema>;
