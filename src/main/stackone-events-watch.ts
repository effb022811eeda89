import type { Logger } from './logger';

export interface StackOneEventsWatch {
  /** An account just linked through the Hub, pending until its `account.created` event. */
  linkedThroughHub(accountId: string): void;
  /**
   * A reading of StackOne found an account the app did not have, linked since a link sent from
   * here: its customer's events come through the relay, so had its event reached the relay, the
   * relay would have brought it (or will, shortly: it may be late).
   */
  foundWithoutEvent(accountId: string): void;
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
 * which the app says until an event comes. An account linked through a link sent, which a reading
 * found before any event, is read again `waitMs` later where no event of any kind has come
 * meanwhile, and found so alike, where it was linked since the app's record of the relay's log
 * began.
 */
export function createStackOneEventsWatch(deps: {
  waitMs: number;
  /** As found before (kept with the account list): until an event comes. */
  missingSince: string | null;
  relayConnected: () => boolean;
  /** Where the account is in the list: pending, confirmed by StackOne, or gone (or never kept). */
  accountState: (accountId: string) => 'pending' | 'confirmed' | 'gone';
  /**
   * Whether the account was linked (StackOne's clock) since the app's record of the relay's log
   * began (this computer's): linked before, its event may have been lost with what the relay no
   * longer holds for the app (another log, retention), which says nothing of StackOne's webhook.
   */
  linkedWithinRelayRecord: (accountId: string) => boolean;
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

  async function readWithoutItsEvent(
    accountId: string,
    eventsArrivedWhenLinked: number,
    linked: 'through the Hub' | 'through a link sent',
  ) {
    deps.logger.warn(
      { accountId, waitedMs: deps.waitMs },
      linked === 'through the Hub'
        ? "an account linked through the Hub is still pending, the relay connected: StackOne's event for it has not come (is StackOne's webhook set up for the relay, with one of its secrets?) or StackOne could not be asked; reading it from StackOne"
        : "an account linked through a link sent, found by reading StackOne, has had no event since, the relay connected: StackOne's event for it has not come (is StackOne's webhook set up for the relay, with one of its secrets?); reading it from StackOne again",
    );
    try {
      await deps.readFromStackOne();
    } catch (error) {
      deps.logger.warn(
        { err: error instanceof Error ? error.message : 'unknown' },
        `reading an account linked ${linked} from StackOne failed`,
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
      `StackOne has an account linked ${linked} and no event has come from the relay since: StackOne's webhook does not reach the relay; told in the window until an event comes`,
    );
    deps.missingChanged(missingSince);
  }

  /** Reads the account again `waitMs` on, where the relay is connected then and `stillDue`. */
  function waitForItsEvent(
    accountId: string,
    linked: 'through the Hub' | 'through a link sent',
    stillDue: (eventsArrivedSince: number) => boolean,
  ): void {
    if (stopped || !deps.relayConnected()) return;
    const eventsArrivedWhenLinked = eventsArrived;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stillDue(eventsArrived - eventsArrivedWhenLinked) || !deps.relayConnected()) return;
      void readWithoutItsEvent(accountId, eventsArrivedWhenLinked, linked);
    }, deps.waitMs);
    timer.unref?.();
    timers.add(timer);
  }

  return {
    linkedThroughHub(accountId) {
      waitForItsEvent(
        accountId,
        'through the Hub',
        () => deps.accountState(accountId) === 'pending',
      );
    },
    foundWithoutEvent(accountId) {
      if (missingSince !== null) return;
      // An event since (its own, late, or any other) is proof enough that the webhook reaches it.
      waitForItsEvent(
        accountId,
        'through a link sent',
        (eventsArrivedSince) =>
          eventsArrivedSince === 0 &&
          deps.accountState(accountId) === 'confirmed' &&
          deps.linkedWithinRelayRecord(accountId),
      );
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
