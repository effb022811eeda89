import type { RelayConnection } from '../shared/domain';

/** How often the account list is read from StackOne while the relay's events cannot come. */
export const offlineReconcileEveryMs = 60_000;

export interface OfflineReconciling {
  /** Each change of the relay connection's state: polling runs while it is not connected. */
  connectionChanged(state: RelayConnection['state']): void;
  /** For good: changes after it (the relay client's own stop) start nothing. */
  stop(): void;
}

/**
 * While the relay's events cannot come (the relay down, or a network that lets no WebSocket
 * through, as some companies' do), reads the account list from StackOne every `everyMs`, so that
 * what changes meanwhile (a customer finishing an auth link on their own device) shows without
 * Refresh. Once connected it stops: the events come again, and each connection reconciles anyway.
 * One pass at a time; the next is `everyMs` after the last ended. `reconcile` must not reject.
 */
export function createOfflineReconciling(options: {
  everyMs: number;
  reconcile: () => Promise<void>;
}): OfflineReconciling {
  let offline = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let passUnderWay = false;

  function scheduleNext(): void {
    if (!offline || stopped || timer !== null || passUnderWay) return;
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
    connectionChanged(state) {
      offline = state !== 'connected';
      if (offline) scheduleNext();
      else cancel();
    },
    stop() {
      stopped = true;
      cancel();
    },
  };
}
