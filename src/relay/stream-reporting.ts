/**
 * What the stream side (stream-hub, stream-connection) reports through. In the relay's main
 * process these are its Prometheus metrics (relay-metrics.ts) and its pino logger; the stream
 * process counts and forwards to them (stream-process.ts), so that it loads neither.
 */

export interface StreamMetrics {
  /** An event was written to every live subscriber, `ms` after its webhook was accepted. */
  fannedOut(ms: number): void;
  delivered(count: number): void;
  acked(count: number): void;
  /** Subscribers that sent nothing, not even a ping's answer, for a heartbeat interval: dropped. */
  timedOut(count: number): void;
  /**
   * Messages from subscribers that are not messages of the protocol (not JSON, binary, or not a
   * subscribe or an ack as docs/relay-protocol.md has them), each answered with an error.
   */
  rejectedMessages(count: number): void;
  /** Connections refused for the relay serving as many as it takes (its `--max-clients`). */
  refusedTooManyClients(count: number): void;
}

/** The counts among them, each adding `count` to a counter of its own. */
export type StreamCountName = Exclude<keyof StreamMetrics, 'fannedOut'>;

/**
 * Every count, named once: the stream process keeps and sends each (stream-process.ts), its
 * message's schema checks each, and the main process adds each to its metrics.
 */
export const streamCountNames = Object.keys({
  delivered: true,
  acked: true,
  timedOut: true,
  rejectedMessages: true,
  refusedTooManyClients: true,
} satisfies Record<StreamCountName, true>) as readonly StreamCountName[];

export interface StreamLog {
  warn(fields: Record<string, string | number>, message: string): void;
  error(fields: Record<string, string | number>, message: string): void;
}
