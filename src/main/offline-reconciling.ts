/** How often the account list is read from StackOne while the relay's events cannot come. */
export const offlineReconcileEveryMs = 60_000;

export interface OfflineReconciling {
  /**
   * Whether the relay's events come (it is connected, and StackOne's webhooks are not known to miss
   * it), at each change: polling runs while they do not.
   */
  eventsComing(coming: boolean): void;
  /** For good: changes after it (the relay client's own stop) start nothing. */
  stop(): void;
}

/**
 * While the relay's events cannot come (the relay down, a network that lets no WebSocket through,
 * as some companies' do, or StackOne's webhook not reaching the relay), reads the account list from
 * StackOne every `everyMs`, so that what changes meanwhile (a customer finishing an auth link on
 * their own device) shows without Refresh. Once they come it stops (each connection to the relay
 * reconciles anyway). One pass at a time; the next is `everyMs` after the last ended. `reconcile`
 * must not reject.
 */
export function createOfflineReconciling(options: {
  everyMs: number;
  reconcile: () => Promise<void>;
}): OfflineReconciling {
  let eventsAway = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let passUnderWay = false;

  function scheduleNext(): void {
    if (!eventsAway || stopped || timer !== null || passUnderWay) return;
    timer = setTimeout(() => {
      timer = null;
      passUnderWay = true;
      void options.reconcile().finally(() => {
        passUnderWay = false;
        scheduleNext();
      });
    }, options.everyMs);
    timer.unref?.();
  }

  function cancel(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  return {
    eventsComing(coming) {
      eventsAway = !coming;
      if (eventsAway) scheduleNext();
      else cancel();
    },
    stop() {
      stopped = true;
      cancel();
    },
  };
}
