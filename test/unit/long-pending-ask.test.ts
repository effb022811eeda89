import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLongPendingAsk, type PendingAccount } from '../../src/main/long-pending-ask';

const start = Date.parse('2026-12-07T10:00:00.000Z');
const minute = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ now: start });
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * Asks after 10 minutes, again a minute after a read that fails; each read ends as told.
 * `looked` is called each time it looks at the pending accounts.
 */
function askWatching(pending: PendingAccount[], looked = () => {}) {
  const reads: ((read: boolean) => void)[] = [];
  const ask = createLongPendingAsk({
    askAfterMs: 10 * minute,
    retryAfterMs: minute,
    pendingAccounts: () => {
      looked();
      return pending;
    },
    readFromStackOne: () => new Promise<boolean>((resolve) => reads.push(resolve)),
  });
  return { ask, reads };
}

const pendingSince = (id: string, msAgo: number): PendingAccount => ({
  id,
  updatedAt: new Date(Date.now() - msAgo).toISOString(),
});

describe('reading StackOne about an account pending for long', () => {
  it('reads once the account has been pending for the time, once for it', async () => {
    const pending = [pendingSince('a1', 4 * minute)];
    const { ask, reads } = askWatching(pending);
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(6 * minute - 1);
    expect(reads).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toHaveLength(1);
    reads[0]?.(true);
    // Still pending (StackOne has it pending): not asked about again.
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(60 * minute);
    expect(reads).toHaveLength(1);

    // Another, pending since: its own time.
    pending.push(pendingSince('a2', 0));
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(10 * minute);
    expect(reads).toHaveLength(2);
  });

  it('reads at once for one pending for long already, and not for one confirmed meanwhile', async () => {
    const pending = [pendingSince('old', 3 * 60 * minute)];
    const { ask, reads } = askWatching(pending);
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(0);
    expect(reads).toHaveLength(1);
    reads[0]?.(true);

    pending.splice(0, pending.length, pendingSince('confirmed-soon', 0));
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(5 * minute);
    pending.splice(0);
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(60 * minute);
    expect(reads).toHaveLength(1);
  });

  it('tries a read that fails again a minute later, one read at a time', async () => {
    const pending = [pendingSince('a1', 10 * minute)];
    const { ask, reads } = askWatching(pending);
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(0);
    expect(reads).toHaveLength(1);
    // Accounts changing while it reads start no other.
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(5 * minute);
    expect(reads).toHaveLength(1);
    reads[0]?.(false);
    await vi.advanceTimersByTimeAsync(minute - 1);
    expect(reads).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toHaveLength(2);
    reads[1]?.(true);
    await vi.advanceTimersByTimeAsync(60 * minute);
    expect(reads).toHaveLength(2);
  });

  it('waits out an updatedAt ahead of this computer’s clock without spinning', async () => {
    let looks = 0;
    const { ask, reads } = askWatching([pendingSince('ahead', -2 * 60 * minute)], () => {
      looks += 1;
    });
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(2 * 60 * minute + 10 * minute - 1);
    expect(reads).toHaveLength(0);
    // Looked at again every ten minutes meanwhile (twice each time), not at once over and over.
    expect(looks).toBeLessThanOrEqual(1 + 2 * 13);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toHaveLength(1);
  });

  it('reads nothing once stopped', async () => {
    const { ask, reads } = askWatching([pendingSince('a1', 9 * minute)]);
    ask.accountsChanged();
    ask.stop();
    ask.accountsChanged();
    await vi.advanceTimersByTimeAsync(60 * minute);
    expect(reads).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
