import type { LinkToFollowUp } from './links-to-follow-up';

/** The longest delay a timer takes (about 24 days); a later expiry is waited for in steps. */
const timerDelayMax = 2 ** 31 - 1;

export interface LinkExpiryWatch {
  /** The customer's links to follow up (see `linksToFollowUp`), as they now stand. */
  update(customerId: string, links: readonly LinkToFollowUp[]): void;
  stop(): void;
}

/**
 * Tells when links sent to customers expire with nothing come of them, as they do while the app
 * runs (those that expired before it started are already marked in the customer list, and say
 * nothing). A link that something comes of, that another for the same comes to outlast, or that
 * is forgotten before it expires is no longer given by `update`, so it says nothing either.
 */
export function watchLinkExpiries(options: {
  /** The customer's links that have just expired so. */
  onExpired: (customerId: string, links: LinkToFollowUp[]) => void;
}): LinkExpiryWatch {
  const watched = new Map<string, { link: LinkToFollowUp; expiry: number }[]>();
  /** Expiries up to this time have been told of (or came before the watch). */
  let toldUpTo = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const tellExpired = () => {
    const at = Date.now();
    for (const [customerId, links] of watched) {
      const expired = links
        .filter(({ expiry }) => expiry > toldUpTo && expiry <= at)
        .map(({ link }) => link);
      if (expired.length > 0) options.onExpired(customerId, expired);
    }
    toldUpTo = at;
    schedule();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    const next = Math.min(
      ...[...watched.values()].flat().flatMap(({ expiry }) => (expiry > toldUpTo ? [expiry] : [])),
    );
    if (next === Infinity) return;
    // Cut short by the longest delay, it tells of nothing and is set again from there.
    timer = setTimeout(tellExpired, Math.min(Math.max(0, next - Date.now()), timerDelayMax));
  };

  return {
    update(customerId, links) {
      if (links.length === 0) watched.delete(customerId);
      else
        watched.set(
          customerId,
          links.map((link) => ({ link, expiry: Date.parse(link.expiresAt) })),
        );
      schedule();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
