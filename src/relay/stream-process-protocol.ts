import * as z from 'zod/mini';
import { relayLogIdPattern } from '../shared/relay-protocol';
import { maxClientNameLength, mostConnectedNames, type ClientsOfName } from './client-name';
import type { StoredEvent } from './event-log';
import { streamCountNames, type StreamCountName } from './stream-reporting';

/**
 * Messages between the relay's main process (webhooks, event log) and its stream process
 * (subscribers, fan-out), over the IPC channel Node sets up with `fork`. Both ends are this
 * program, started together; each still checks what it receives against the schemas below, so
 * that a message one version of it sends and another does not expect is a clear log line, not a
 * subscriber left waiting without a word.
 */

/** What the stream process knows of the log: updated by every commit and read it is sent. */
export interface LogPosition {
  headSeq: number;
  oldestSeq: number | null;
}

/** The stream process's own memory and event loop, for the main process's /metrics. */
export interface StreamProcessFigures {
  residentBytes: number;
  heapUsedBytes: number;
  /**
   * Its event loop's worst delay since the last scrape of /metrics, as Node's event loop delay
   * monitor measures it (its sampling period included), like the main process's
   * `nodejs_eventloop_lag_max_seconds`.
   */
  loopDelayMaxMs: number;
}

export type ToStreamProcess =
  | ({
      type: 'init';
      /** The event log's id, for each connection's handshake. */
      logId: string;
      heartbeatIntervalMs: number;
      fanOutWindowMs: number;
      fanOutWindowMaxMs: number;
      /** The most connections served at once; more are refused (StreamHubOptions). */
      maxClients: number;
    } & LogPosition)
  | ({ type: 'commit'; events: readonly StoredEvent[] } & LogPosition)
  | ({ type: 'read-result'; id: number; events: readonly StoredEvent[] } & LogPosition)
  | { type: 'read-failed'; id: number; message: string }
  /** Comes with the connection's socket as the message's handle. */
  | {
      type: 'upgrade';
      id: number;
      method: string;
      url: string;
      headers: Record<string, string | string[] | undefined>;
      /** Bytes read past the request head, base64. */
      head: string;
    }
  /** The main process has closed its copy of the socket: the handshake may go ahead. */
  | { type: 'upgrade-go'; id: number }
  /** `forMetrics`: a scrape of /metrics, after which the event loop's worst delay starts anew. */
  | { type: 'status'; id: number; forMetrics: boolean }
  | { type: 'close'; drainTimeoutMs: number };

export type FromStreamProcess =
  | { type: 'ready' }
  /** `maxBytes`: about the most the events read may come to as stored (EventLog.readAfter). */
  | { type: 'read'; id: number; cursor: number; limit: number; maxBytes: number }
  | {
      type: 'status-result';
      id: number;
      clients: number;
      fanOutWindowMs: number;
      queuedBytes: number;
      clientsByName: ClientsOfName[];
      process: StreamProcessFigures;
    }
  /** Counted since the last such message; the main process's metrics add them up. */
  | ({ type: 'metrics'; fanOutDelaysMs: number[] } & Record<StreamCountName, number>)
  /** A line for the main process's log. */
  | {
      type: 'log';
      level: 'info' | 'warn' | 'error';
      fields: Record<string, string | number>;
      message: string;
    };

/** Counts, and seqs where 0 means "nothing yet" (a log's head, a cursor). */
const wholeNumber = () => z.number().check(z.int(), z.nonnegative());
/** Stored events' seqs, request ids, read limits (in events and bytes). */
const positiveWholeNumber = () => z.number().check(z.int(), z.positive());
const milliseconds = () => z.number().check(z.nonnegative());
const streamCounts = Object.fromEntries(
  streamCountNames.map((name) => [name, wholeNumber()]),
) as Record<StreamCountName, ReturnType<typeof wholeNumber>>;
const logPosition = {
  headSeq: wholeNumber(),
  oldestSeq: z.nullable(positiveWholeNumber()),
};
const storedEvents = z.array(
  z.object({
    seq: positiveWholeNumber(),
    body: z.string(),
    signature: z.string(),
    receivedAt: z.string(),
    event: z.string(),
    originOwnerId: z.nullable(z.string()),
  }),
);

// Typed as the messages they check: a field the message types gain and these do not fails to compile.
export const toStreamProcessSchema: z.ZodMiniType<ToStreamProcess> = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    logId: z.string().check(z.regex(relayLogIdPattern)),
    heartbeatIntervalMs: milliseconds(),
    fanOutWindowMs: milliseconds(),
    fanOutWindowMaxMs: milliseconds(),
    maxClients: positiveWholeNumber(),
    ...logPosition,
  }),
  z.object({ type: z.literal('commit'), events: storedEvents, ...logPosition }),
  z.object({
    type: z.literal('read-result'),
    id: positiveWholeNumber(),
    events: storedEvents,
    ...logPosition,
  }),
  z.object({ type: z.literal('read-failed'), id: positiveWholeNumber(), message: z.string() }),
  z.object({
    type: z.literal('upgrade'),
    id: positiveWholeNumber(),
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.optional(z.union([z.string(), z.array(z.string())]))),
    head: z.string(),
  }),
  z.object({ type: z.literal('upgrade-go'), id: positiveWholeNumber() }),
  z.object({ type: z.literal('status'), id: positiveWholeNumber(), forMetrics: z.boolean() }),
  z.object({ type: z.literal('close'), drainTimeoutMs: milliseconds() }),
]);

export const fromStreamProcessSchema: z.ZodMiniType<FromStreamProcess> = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('ready') }),
    z.object({
      type: z.literal('read'),
      id: positiveWholeNumber(),
      cursor: wholeNumber(),
      limit: positiveWholeNumber(),
      maxBytes: positiveWholeNumber(),
    }),
    z.object({
      type: z.literal('status-result'),
      id: positiveWholeNumber(),
      clients: wholeNumber(),
      fanOutWindowMs: milliseconds(),
      queuedBytes: wholeNumber(),
      clientsByName: z
        .array(
          z.strictObject({
            client: z.string().check(z.minLength(1), z.maxLength(maxClientNameLength)),
            count: positiveWholeNumber(),
          }),
        )
        .check(z.maxLength(mostConnectedNames)),
      process: z.object({
        residentBytes: wholeNumber(),
        heapUsedBytes: wholeNumber(),
        loopDelayMaxMs: milliseconds(),
      }),
    }),
    z.object({
      type: z.literal('metrics'),
      ...streamCounts,
      fanOutDelaysMs: z.array(z.number()),
    }),
    z.object({
      type: z.literal('log'),
      level: z.enum(['info', 'warn', 'error']),
      fields: z.record(z.string(), z.union([z.string(), z.number()])),
      message: z.string(),
    }),
  ],
);

/**
 * `received` as a message `schema` describes, or what is wrong with it for the log: its type and
 * the first problem's path and kind, never its values (a commit carries webhook bodies).
 */
export function checkMessage<T>(
  schema: z.ZodMiniType<T>,
  received: unknown,
): { message: T } | { problem: string } {
  const parsed = schema.safeParse(received);
  if (parsed.success) return { message: parsed.data };
  const type =
    typeof received === 'object' && received !== null && 'type' in received
      ? JSON.stringify(String(received.type).slice(0, 40))
      : 'none';
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { problem: `type ${type}${where}: ${issue?.code ?? 'invalid'}` };
}

/** The log line for a message that failed its check. */
export const notUnderstood = (from: 'the main process' | 'the stream process') =>
  `a message from ${from} was not understood and was ignored (are both processes from the same build?)`;
