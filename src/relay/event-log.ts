/** A stored webhook, as the relay keeps and replays it. */
export interface StoredEvent {
  seq: number;
  /** The raw webhook body, byte for byte as received (UTF-8). */
  body: string;
  signature: string;
  receivedAt: string;
  /** From the body, for subscription filters. */
  event: string;
  originOwnerId: string | null;
}

export type NewEvent = Omit<StoredEvent, 'seq'>;

export interface AppendResult {
  seq: number;
  /** True when an identical body was already stored; `seq` is then the earlier event's. */
  duplicate: boolean;
}

/** The `code` of an append refused because another relay owns the log now. */
export const eventLogNotOwnedCode = 'RELAY_LOCK_LOST';

/**
 * The relay's event storage. `append` resolves only once the event is durable (fsync'd), so the
 * relay can answer 200. Another engine (a shared database for several relays) implements this
 * same interface.
 */
export interface EventLog {
  /**
   * Names this log (`relayLogIdPattern`): a client keeps it with its cursor, whose seqs mean
   * something only in this log. A log that starts over (its storage lost) has another.
   */
  readonly logId: string;
  /**
   * Rejects where the event could not be stored: with the storage's error (ENOSPC, EIO, ...), or
   * with code `eventLogNotOwnedCode` where this relay no longer owns the log (another took it over).
   */
  append(event: NewEvent): Promise<AppendResult>;
  /**
   * Events with seq > cursor, oldest first: at most `limit`, and fewer when they are large (at
   * least one while there are any), so that a read's memory stays bounded; at most about
   * `maxBytes` of them as stored (each about its frame's size) where it is given.
   */
  readAfter(cursor: number, limit: number, maxBytes?: number): StoredEvent[];
  /**
   * Calls `listener` after each commit with the events it stored (not duplicates), oldest first,
   * once they are durable. Returns a function that stops the calls.
   */
  onCommit(listener: (events: readonly StoredEvent[]) => void): () => void;
  /** The newest seq stored, 0 when empty. */
  headSeq(): number;
  /** The oldest seq still held, or null when empty. */
  oldestSeq(): number | null;
  /**
   * What the log takes on its disk and may come to take there, and what the disk has free, for
   * `/metrics` (an alert before the disk fills). Absent where the log has no disk of its own.
   * Asynchronous: a disk slow to say what it has free must not hold up the events stored meanwhile.
   */
  storage?(): Promise<EventLogStorage>;
  close(): Promise<void>;
}

export interface EventLogStorage {
  /** Bytes of the log's files. */
  bytes: number;
  /** What retention lets them come to, as far as can be told (events' sizes to come are not known). */
  maxBytes: number;
  /** Bytes free on their disk for the relay's user; NaN where the disk cannot be asked. */
  freeBytes: number;
}
