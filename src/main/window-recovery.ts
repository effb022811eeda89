/** Electron's `RenderProcessGoneDetails.reason`. */
export type WindowProcessGoneReason =
  | 'clean-exit'
  | 'abnormal-exit'
  | 'killed'
  | 'crashed'
  | 'oom'
  | 'launch-failed'
  | 'integrity-failure'
  | 'memory-eviction';

export type WindowRecoveryDecision =
  /** The window closed, or is already being reloaded: nothing to do. */
  | { action: 'none' }
  /** Reload the window, and say why in it. */
  | { action: 'reload'; warning: string }
  /** It keeps failing: ask the user before trying again. */
  | { action: 'ask'; message: string; detail: string };

const whatHappened: Record<Exclude<WindowProcessGoneReason, 'clean-exit'>, string> = {
  'abnormal-exit': 'stopped unexpectedly',
  killed: 'was ended by the system',
  crashed: 'crashed',
  oom: 'ran out of memory',
  'launch-failed': 'could not start',
  'integrity-failure': 'failed a code integrity check',
  'memory-eviction': 'was closed by the system to free memory',
};

const nothingLost =
  'Customers and accounts are kept by the app in the background, so nothing was lost; a link under way in the Hub has to be started again.';

/**
 * What to do when the window's (renderer) process goes: reload it, unless it has gone so often
 * lately that reloading again would only loop, in which case the user decides. Counts reloads
 * within a sliding period.
 */
export function createWindowRecovery(options: { maxReloads?: number; withinMs?: number } = {}) {
  const maxReloads = options.maxReloads ?? 3;
  const withinMs = options.withinMs ?? 60_000;
  let reloads: number[] = [];
  let reloadAsked = false;

  return {
    /**
     * The user asked to reload a window that stopped responding: its process is ended and the
     * window reloaded at once, so the process's going is expected. Resolves to what to say.
     */
    userAskedToReload(now: Date): string {
      reloadAsked = true;
      reloads.push(now.getTime());
      return `The window stopped responding and was reloaded at ${timeOf(now)}, as you asked. ${nothingLost}`;
    },

    afterProcessGone(reason: WindowProcessGoneReason, now: Date): WindowRecoveryDecision {
      if (reason === 'clean-exit') return { action: 'none' };
      if (reloadAsked) {
        reloadAsked = false;
        return { action: 'none' };
      }
      reloads = reloads.filter((at) => now.getTime() - at < withinMs);
      if (reloads.length >= maxReloads) {
        return {
          action: 'ask',
          message: `The window ${whatHappened[reason]} again: ${reloads.length + 1} times in ${Math.round(withinMs / 1000)} seconds.`,
          detail: `${nothingLost} Reload it to try again, or quit and restart the app; if it keeps happening, send main.log to support.`,
        };
      }
      reloads.push(now.getTime());
      return {
        action: 'reload',
        warning: `The window ${whatHappened[reason]} at ${timeOf(now)} and was reloaded. ${nothingLost}`,
      };
    },

    /** The user chose to try again after being asked: counting starts afresh. */
    userChoseToReload(): void {
      reloads = [];
    },
  };
}

export type WindowRecovery = ReturnType<typeof createWindowRecovery>;

const timeOf = (at: Date) => at.toTimeString().slice(0, 5);
