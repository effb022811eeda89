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
  /** Connections taken, their handshake done. */
  connected(count: number): void;
  // Why connections ended, beside the heartbeat's (timedOut): `streamCloseReasons` names each.
  closedByClient(count: number): void;
  connectionsLost(count: number): void;
  closedForProtocolError(count: number): void;
  closedForBadMessages(count: number): void;
  closedForReadFailure(count: number): void;
  closedForShutdown(count: number): void;
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
  connected: true,
  closedByClient: true,
  connectionsLost: true,
  closedForProtocolError: true,
  closedForBadMessages: true,
  closedForReadFailure: true,
  closedForShutdown: true,
} satisfies Record<StreamCountName, true>) as readonly StreamCountName[];

/**
 * Why a stream connection ended, as `relay_stream_closed_total` gives it, by the count that counts
 * it: the client closed it (an app that quits, or goes to another relay); it ended with no close
 * from either side (the network, a proxy's idle timeout, an app killed); the heartbeat dropped it;
 * the client broke the WebSocket protocol (a frame it does not allow, or one over the size limit);
 * it sent too many messages not of the relay's protocol; the relay could not read its log for it;
 * the relay shut down.
 */
export const streamCloseReasons = {
  closedByClient: 'client_closed',
  connectionsLost: 'connection_lost',
  timedOut: 'heartbeat_timeout',
  closedForProtocolError: 'protocol_error',
  closedForBadMessages: 'bad_messages',
  closedForReadFailure: 'read_failed',
  closedForShutdown: 'shutdown',
} as const satisfies Partial<Record<StreamCountName, string>>;
export type StreamCloseCount = keyof typeof streamCloseReasons;

export interface StreamLog {
  info(fields: Record<string, string | number>, message: string): void;
  warn(fields: Record<string, string | number>, message: string): void;
  error(fields: Record<string, string | number>, message: string): void;
}
