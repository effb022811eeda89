import type { StoredEvent } from './event-log';

/**
 * Messages between the relay's main process (webhooks, event log) and its stream process
 * (subscribers, fan-out), over the IPC channel Node sets up with `fork`. Both ends are this
 * program, started together, so the messages are typed rather than validated.
 */

/** What the stream process knows of the log: updated by every commit and read it is sent. */
export interface LogPosition {
  headSeq: number;
  oldestSeq: number | null;
}

export type ToStreamProcess =
  | ({
      type: 'init';
      heartbeatIntervalMs: number;
      fanOutWindowMs: number;
      fanOutWindowMaxMs: number;
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
  | { type: 'status'; id: number }
  | { type: 'close'; drainTimeoutMs: number };

export type FromStreamProcess =
  | { type: 'ready' }
  | { type: 'read'; id: number; cursor: number; limit: number }
  | { type: 'status-result'; id: number; clients: number; fanOutWindowMs: number }
  /** Counted since the last such message; the main process's metrics add them up. */
  | { type: 'metrics'; delivered: number; acked: number; fanOutDelaysMs: number[] }
  /** A line for the main process's log. */
  | {
      type: 'log';
      level: 'warn' | 'error';
      fields: Record<string, string | number>;
      message: string;
    };
