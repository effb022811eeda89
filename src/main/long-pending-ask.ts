/** An account as this watch needs it: pending since `updatedAt` (ISO). */
export interface PendingAccount {
  id: string;
  updatedAt: string;
}

/**
 * Reads StackOne's accounts once an account has been pending for `askAfterMs`, so that the read
 * asks StackOne about it (see the service's reconcile) without waiting for a read for another
 * reason: with the relay connected, none may come for hours, and an account deleted in StackOne
 * before its events came would be pending meanwhile. Each account is asked about once; a read
 * that fails is tried again `retryAfterMs` later.
 */
export function createLongPendingAsk(deps: {
  askAfterMs: number;
  retryAfterMs: number;
  pendingAccounts: () => readonly PendingAccount[];
  /** Resolves true once StackOne's accounts were read; never rejects. */
  readFromStackOne: () => Promise<boolean>;
  now?: () => number;
}): { accountsChanged(): void; stop(): void } {
  const now = deps.now ?? Date.now;
  const asked = new Set<string>();
  let retryAt = 0;
  let reading = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const dueAt = (account: PendingAccount) => Date.parse(account.updatedAt) + deps.askAfterMs;
  const notAsked = () =>
    deps
      .pendingAccounts()
      .filter((account) => !asked.has(account.id) && Number.isFinite(dueAt(account)));

  function schedule(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (stopped || reading) return;
    const due = notAsked().map(dueAt);
    if (due.length === 0) return;
    const at = Math.max(Math.min(...due), retryAt);
    // At most askAfterMs: an updatedAt far ahead of this computer's clock is looked at again then.
    timer = setTimeout(askDue, Math.min(Math.max(0, at - now()), deps.askAfterMs));
    timer.unref?.();
  }

  async function askDue(): Promise<void> {
    timer = null;
    const dueNow = notAsked().filter((account) => dueAt(account) <= now());
    if (dueNow.length === 0 || now() < retryAt) return schedule();
    reading = true;
    const read = await deps.readFromStackOne();
    reading = false;
    if (read) for (const { id } of dueNow) asked.add(id);
    else retryAt = now() + deps.retryAfterMs;
    schedule();
  }

  return {
    accountsChanged: schedule,
    stop() {
      stopped = true;
      schedule();
    },
  };
}
