import type { StreamLog } from './stream-reporting';

type LogFields = Record<string, string | number>;
/** The levels summed: information is not brought on by clients. */
type Level = Exclude<keyof StreamLog, 'info'>;

/** A log whose warnings and errors that repeat are summed; `close` logs what it holds summed. */
export interface SummedLog extends StreamLog {
  close(): void;
}

interface Repeating {
  level: Level;
  fields: LogFields;
  message: string;
  startedAt: number;
  timer: NodeJS.Timeout;
  /** Lines like it since it was last logged. */
  summed: number;
}

/**
 * Logs each line (a message with its fields) the first time it comes at once, and the same line
 * coming again within `intervalMs` as one line at the interval's end, with `occurrences` and
 * `seconds` added, interval after interval while it goes on; once an interval passes without it,
 * it is logged at once again. For lines of the relay that clients outside it bring on as often as
 * they like: an app refused a stream connection tries again within 40-45 s on and on (1,000 of
 * them left on a retired token made about 30 lines a second), StackOne posts a webhook signed
 * with a secret the relay has not been given as fast as ever, and a disk that fails fails each
 * webhook.
 */
export function createSummedLog(
  log: StreamLog,
  intervalMs = 60_000,
  /**
   * Lines summed at once at most: one more is logged as it comes, each time, rather than held. A
   * line's fields can hold what clients say (their names), so that they cannot grow this without
   * bound; past it, the log grows instead, as it did before lines were summed.
   */
  maxLines = 1_000,
): SummedLog {
  const repeating = new Map<string, Repeating>();

  function logSummed(line: Repeating): void {
    const seconds = Math.round((Date.now() - line.startedAt) / 100) / 10;
    log[line.level]({ ...line.fields, occurrences: line.summed, seconds }, line.message);
  }

  function startInterval(key: string, level: Level, fields: LogFields, message: string): void {
    const line: Repeating = {
      level,
      fields,
      message,
      startedAt: Date.now(),
      timer: setTimeout(() => endInterval(key, line), intervalMs),
      summed: 0,
    };
    line.timer.unref();
    repeating.set(key, line);
  }

  function endInterval(key: string, line: Repeating): void {
    repeating.delete(key);
    if (line.summed === 0) return;
    logSummed(line);
    startInterval(key, line.level, line.fields, line.message);
  }

  function write(level: Level, fields: LogFields, message: string): void {
    const key = JSON.stringify([level, message, fields]);
    const line = repeating.get(key);
    if (line !== undefined) {
      line.summed += 1;
      return;
    }
    log[level](fields, message);
    if (repeating.size < maxLines) startInterval(key, level, fields, message);
  }

  return {
    info: (fields, message) => log.info(fields, message),
    warn: (fields, message) => write('warn', fields, message),
    error: (fields, message) => write('error', fields, message),
    close() {
      for (const line of repeating.values()) {
        clearTimeout(line.timer);
        if (line.summed > 0) logSummed(line);
      }
      repeating.clear();
    },
  };
}
