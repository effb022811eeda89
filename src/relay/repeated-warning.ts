import type { StreamLog } from './stream-reporting';

type LogFields = Record<string, string | number>;

/** One warning that can come many times a second, logged as it first comes and then summed. */
export interface RepeatedWarning {
  /** One more occurrence. */
  occurred(): void;
  /** Logs what the current interval has summed so far, and stops its timer. */
  close(): void;
}

/**
 * Logs a warning's first occurrence at once and the later ones in the same interval as one line at
 * its end (`summedMessage`, `{ ...fields, occurrences, seconds }`), interval after interval while
 * they go on; once an interval passes without one, the next is logged at once again. A relay
 * serving its `--max-clients` refuses each app that waits every 30-45 s: with 1,000 waiting, a
 * line per refusal would be about 27 a second, each telling what the one before did.
 */
export function createRepeatedWarning(options: {
  log: StreamLog;
  fields: LogFields;
  message: string;
  summedMessage: string;
  intervalMs: number;
}): RepeatedWarning {
  const { log, fields, intervalMs } = options;
  let interval: NodeJS.Timeout | null = null;
  let intervalStartedAt = 0;
  let occurrencesSummed = 0;

  function logSummed(): void {
    const seconds = Math.round((Date.now() - intervalStartedAt) / 100) / 10;
    log.warn({ ...fields, occurrences: occurrencesSummed, seconds }, options.summedMessage);
    occurrencesSummed = 0;
  }

  function startInterval(): void {
    intervalStartedAt = Date.now();
    interval = setTimeout(() => {
      interval = null;
      if (occurrencesSummed === 0) return;
      logSummed();
      startInterval();
    }, intervalMs);
    interval.unref();
  }

  return {
    occurred() {
      if (interval !== null) {
        occurrencesSummed += 1;
        return;
      }
      log.warn(fields, options.message);
      startInterval();
    },
    close() {
      if (interval !== null) clearTimeout(interval);
      interval = null;
      if (occurrencesSummed > 0) logSummed();
    },
  };
}

/**
 * A stream refusal's warning (`stream connection refused`, `fields` saying why), summed a minute
 * at a time: an app refused for a wrong token tries again within 40 s, one refused for a full
 * relay within 45 s, on and on.
 */
export function createStreamRefusalWarning(log: StreamLog, fields: LogFields): RepeatedWarning {
  return createRepeatedWarning({
    log,
    fields,
    message: 'stream connection refused',
    summedMessage: 'stream connections refused since the line before',
    intervalMs: 60_000,
  });
}
