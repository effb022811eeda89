/** The longest delay a timer takes (about 24 days); a later expiry is waited for in steps. */
const timerDelayMax = 2 ** 31 - 1;

export interface UnusedLinkExpiryWatch {
  /** The customer's links with nothing linked since, by their expiries, as now kept. */
  update(customerId: string, expiresAt: readonly string[]): void;
  stop(): void;
}

/**
 * Tells when links sent to customers expire with nothing linked since, as they do while the app
 * runs (those that expired before it started are already marked in the customer list, and say
 * nothing). A link that gets something linked, or is forgotten, before it expires is no longer
 * given by `update`, so it says nothing either.
 */
export function watchUnusedLinkExpiries(options: {
  /** How many of the customer's links have just expired with nothing linked since. */
  onExpired: (customerId: string, count: number) => void;
}): UnusedLinkExpiryWatch {
  const expiries = new Map<string, number[]>();
  /** Expiries up to this time have been told of (or came before the watch). */
  let toldUpTo = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const tellExpired = () => {
    const at = Date.now();
    for (const [customerId, times] of expiries) {
      const count = times.filter((time) => time > toldUpTo && time <= at).length;
      if (count > 0) options.onExpired(customerId, count);
    }
    toldUpTo = at;
    schedule();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    const next = Math.min(...[...expiries.values()].flat().filter((time) => time > toldUpTo));
    if (next === Infinity) return;
    // Cut short by the longest delay, it tells of nothing and is set again from there.
    timer = setTimeout(tellExpired, Math.min(Math.max(0, next - Date.now()), timerDelayMax));
  };

  return {
    update(customerId, expiresAt) {
      if (expiresAt.length === 0) expiries.delete(customerId);
      else
        expiries.set(
          customerId,
          expiresAt.map((time) => Date.parse(time)),
        );
      schedule();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
