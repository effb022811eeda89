export interface PeriodicReconciling {
  /** Whether passes are needed now, at each change: they run while they are. */
  needed(needed: boolean): void;
  /** For good: changes after it (the relay client's own stop) start nothing. */
  stop(): void;
}

/**
 * Reads the account list from StackOne every `everyMs` while it is needed (see the service: while
 * the relay's events cannot come, and while links sent to customers are out), so that what changes
 * meanwhile (a customer finishing an auth link on their own device) shows without Refresh. One
 * pass at a time; the next is `everyMs` after the last ended. `reconcile` must not reject.
 */
export function createPeriodicReconciling(options: {
  everyMs: number;
  reconcile: () => Promise<void>;
}): PeriodicReconciling {
  let isNeeded = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let passUnderWay = false;

  function scheduleNext(): void {
    if (!isNeeded || stopped || timer !== null || passUnderWay) return;
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
    needed(needed) {
      isNeeded = needed;
      if (needed) scheduleNext();
      else cancel();
    },
    stop() {
      stopped = true;
      cancel();
    },
  };
}
