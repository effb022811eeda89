import type { Logger } from './logger';

export interface StackOneEventsWatch {
  /** An account just linked through the Hub, pending until its `account.created` event. */
  linkedThroughHub(accountId: string): void;
  /** An event came from the relay: StackOne's webhooks reach it. */
  eventArrived(): void;
  /**
   * When StackOne's events were found not to reach the relay (ISO); null until then, and again
   * once one has come.
   */
  readonly missingSince: string | null;
  /** For good: waits under way end without reading StackOne. */
  stop(): void;
}

/**
 * Finds out whether StackOne's webhooks reach the relay. An account linked through the Hub is made
 * active by its `account.created` event. Where none has come `waitMs` later, the relay connected
 * all the while, the account is read from StackOne so that it does not stay pending; where
 * StackOne has it and still no event of any kind has come since it was linked, StackOne's webhook
 * is not reaching the relay (not set up for it, or signing with a secret the relay does not have),
 * which the app says until an event comes.
 */
export function createStackOneEventsWatch(deps: {
  waitMs: number;
  /** As found before (kept with the account list): until an event comes. */
  missingSince: string | null;
  relayConnected: () => boolean;
  /** Where the account is in the list: pending, confirmed by StackOne, or gone (or never kept). */
  accountState: (accountId: string) => 'pending' | 'confirmed' | 'gone';
  /** Reads the account list from StackOne; rejects where it could not. */
  readFromStackOne: () => Promise<void>;
  missingChanged: (missingSince: string | null) => void;
  logger: Logger;
  now?: () => Date;
}): StackOneEventsWatch {
  const now = deps.now ?? (() => new Date());
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let eventsArrived = 0;
  let missingSince = deps.missingSince;
  let stopped = false;

  async function readWithoutItsEvent(accountId: string, eventsArrivedWhenLinked: number) {
    deps.logger.warn(
      { accountId, waitedMs: deps.waitMs },
      "an account linked through the Hub is still pending, the relay connected: StackOne's event for it has not come (is StackOne's webhook set up for the relay, with one of its secrets?) or StackOne could not be asked; reading it from StackOne",
    );
    try {
      await deps.readFromStackOne();
    } catch (error) {
      deps.logger.warn(
        { err: error instanceof Error ? error.message : 'unknown' },
        'reading an account linked through the Hub from StackOne failed',
      );
      return;
    }
    // Still pending: StackOne does not list it yet, so no event was due. Gone: disconnected here
    // meanwhile, or not in StackOne; either way no proof that StackOne has it.
    if (stopped || eventsArrived !== eventsArrivedWhenLinked) return;
    if (deps.accountState(accountId) !== 'confirmed') return;
    if (missingSince !== null) return;
    missingSince = now().toISOString();
    deps.logger.warn(
      { accountId },
      "StackOne has an account linked through the Hub and no event has come from the relay since: StackOne's webhook does not reach the relay; told in the window until an event comes",
    );
    deps.missingChanged(missingSince);
  }

  return {
    linkedThroughHub(accountId) {
      if (stopped || !deps.relayConnected()) return;
      const eventsArrivedWhenLinked = eventsArrived;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (deps.accountState(accountId) !== 'pending' || !deps.relayConnected()) return;
        void readWithoutItsEvent(accountId, eventsArrivedWhenLinked);
      }, deps.waitMs);
      timer.unref?.();
      timers.add(timer);
    },
    eventArrived() {
      eventsArrived += 1;
      if (missingSince === null) return;
      missingSince = null;
      deps.logger.info("an event came from the relay: StackOne's webhook reaches it again");
      deps.missingChanged(null);
    },
    get missingSince() {
      return missingSince;
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
