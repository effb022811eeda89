/**
 * Reconciles after a while, and again until a pass works, where an account event could not be
 * verified with StackOne (unreachable, or refusing for a moment): the event is taken and acked all
 * the same, so nothing else would read its account's state before the next connection to the relay
 * or Refresh. Waits `firstAfterMs`, doubling after each pass that fails, up to `maxAfterMs`; one
 * pass at a time.
 */
export function createReconcileRetry(options: {
  firstAfterMs: number;
  maxAfterMs: number;
  /** Resolves true once a pass has read StackOne's accounts; never rejects. */
  reconcile: () => Promise<boolean>;
}): { request(): void; stop(): void } {
  let wanted = false;
  let stopped = false;
  let passUnderWay = false;
  let afterMs = options.firstAfterMs;
  let timer: ReturnType<typeof setTimeout> | null = null;

  function scheduleNext(): void {
    if (!wanted || stopped || passUnderWay || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      wanted = false;
      passUnderWay = true;
      void options
        .reconcile()
        .catch(() => false)
        .then((worked) => {
          passUnderWay = false;
          if (worked) afterMs = options.firstAfterMs;
          else {
            wanted = true;
            afterMs = Math.min(afterMs * 2, options.maxAfterMs);
          }
          scheduleNext();
        });
    }, afterMs);
    timer.unref?.();
  }

  return {
    request() {
      wanted = true;
      scheduleNext();
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
