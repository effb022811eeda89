import type { CallInput } from '../shared/contract';
import type { Logger } from './logger';

export type WindowErrorReport = CallInput<'reportWindowError'>;

export interface WindowErrorLog {
  record(report: WindowErrorReport): void;
  /** How many reports came since the app started, and when the last one did. */
  summary(): { count: number; lastAt: Date | null };
}

/**
 * Writes the window's errors to main's log, for support. A window caught in a loop of errors
 * writes at most `maxPerMinute` a minute; the rest are counted and the count logged. Any saved
 * secret found in a report is blanked out first: the window has the API key while it is typed in.
 */
export function createWindowErrorLog(deps: {
  logger: Logger;
  /** The secrets the app holds now (API key, relay token), never to be written. */
  knownSecrets: () => readonly string[];
  now?: () => number;
  maxPerMinute?: number;
}): WindowErrorLog {
  const now = deps.now ?? Date.now;
  const maxPerMinute = deps.maxPerMinute ?? 20;
  let count = 0;
  let lastAt: Date | null = null;
  let minuteStart = Number.NEGATIVE_INFINITY;
  let loggedThisMinute = 0;
  let unlogged = 0;

  return {
    record(report) {
      const at = now();
      count += 1;
      lastAt = new Date(at);
      if (at - minuteStart >= 60_000) {
        minuteStart = at;
        loggedThisMinute = 0;
      }
      if (loggedThisMinute >= maxPerMinute) {
        if (unlogged === 0)
          deps.logger.warn(
            { maxPerMinute },
            'window errors: more than the most logged a minute; the rest are counted',
          );
        unlogged += 1;
        return;
      }
      loggedThisMinute += 1;
      const secrets = deps.knownSecrets().filter((secret) => secret.length >= 8);
      const clean = (text: string | undefined) =>
        text === undefined ? undefined : blankOut(text, secrets);
      deps.logger.error(
        {
          source: report.source,
          message: clean(report.message),
          stack: clean(report.stack),
          componentStack: clean(report.componentStack),
          ...(unlogged > 0 && { unloggedBefore: unlogged }),
        },
        'window error',
      );
      unlogged = 0;
    },
    summary: () => ({ count, lastAt }),
  };
}

function blankOut(text: string, secrets: readonly string[]): string {
  return secrets.reduce((cleaned, secret) => cleaned.split(secret).join('[redacted]'), text);
}
