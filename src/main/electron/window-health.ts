import type { BrowserWindow, MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type { Logger } from '../logger';
import { createWindowRecovery } from '../window-recovery';

/** What of a window this needs: Electron's BrowserWindow, or a stand-in in tests. */
export type WatchedWindow = Pick<BrowserWindow, 'isDestroyed' | 'close'> & {
  webContents: Pick<BrowserWindow['webContents'], 'on' | 'reload' | 'forcefullyCrashRenderer'>;
};

/**
 * Keeps the window usable when its process fails: a crashed or killed window is reloaded (and
 * says why), one that keeps failing asks the user, and one that stops responding offers Wait or
 * Reload. Everything the window shows lives in main, so a reload loses nothing but a Hub flow
 * under way.
 */
export function watchWindowHealth(
  window: WatchedWindow,
  deps: {
    logger: Logger;
    noteWindowRestarted: (warning: string) => void;
    /** Electron's `dialog.showMessageBox`, for this window. */
    showMessageBox: (options: MessageBoxOptions) => Promise<MessageBoxReturnValue>;
  },
): void {
  const { logger, showMessageBox } = deps;
  const contents = window.webContents;
  const recovery = createWindowRecovery();
  let unresponsivePrompt: AbortController | null = null;

  const reload = (warning: string) => {
    deps.noteWindowRestarted(warning);
    contents.reload();
  };

  contents.on('render-process-gone', (_event, details) => {
    logger.error({ reason: details.reason, exitCode: details.exitCode }, 'window process gone');
    unresponsivePrompt?.abort();
    const decision = recovery.afterProcessGone(details.reason, new Date());
    if (decision.action === 'reload') reload(decision.warning);
    if (decision.action === 'ask') {
      void showMessageBox({
        type: 'error',
        message: decision.message,
        detail: decision.detail,
        buttons: ['Reload the window', 'Quit'],
        defaultId: 0,
        cancelId: 1,
      }).then(({ response }) => {
        if (window.isDestroyed()) return;
        if (response === 1) {
          window.close();
          return;
        }
        recovery.userChoseToReload();
        reload(`${decision.message} It was reloaded, as you asked.`);
      });
    }
  });

  contents.on('unresponsive', () => {
    logger.warn('window not responding');
    if (unresponsivePrompt !== null) return;
    const prompt = new AbortController();
    unresponsivePrompt = prompt;
    void showMessageBox({
      type: 'warning',
      message: 'The window is not responding',
      detail:
        'It may be busy and answer in a moment. Wait for it, or reload it: customers and accounts are kept by the app in the background, so nothing is lost.',
      buttons: ['Wait', 'Reload the window'],
      defaultId: 0,
      cancelId: 0,
      signal: prompt.signal,
    }).then(({ response }) => {
      unresponsivePrompt = null;
      if (prompt.signal.aborted || response !== 1 || window.isDestroyed()) return;
      logger.warn('window reloaded at the user’s request');
      deps.noteWindowRestarted(recovery.userAskedToReload(new Date()));
      // A hung process cannot reload itself: a new one is started in its place.
      contents.forcefullyCrashRenderer();
      contents.reload();
    });
  });

  contents.on('responsive', () => {
    logger.info('window responding again');
    unresponsivePrompt?.abort();
  });
}
