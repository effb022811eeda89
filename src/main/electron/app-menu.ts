import { app, dialog, Menu, type BrowserWindow } from 'electron';
import { eventChannel } from '../../shared/contract-names';
import { appMenuTemplate } from '../app-menu';

/**
 * Sets the app's menu bar (see `appMenuTemplate`) and the About panel's text. `openLogFolder`
 * rejects with a message that says where the folder is when it cannot be opened; the menu shows
 * that message.
 */
export function installAppMenu(options: {
  window: () => BrowserWindow | null;
  openLogFolder: () => Promise<unknown>;
  iconPath: string;
}): void {
  app.setAboutPanelOptions({
    applicationName: app.getName(),
    applicationVersion: app.getVersion(),
    iconPath: options.iconPath,
  });
  const template = appMenuTemplate({
    platform: process.platform,
    appName: app.getName(),
    developerTools: !app.isPackaged,
    runCommand: (command) => {
      const window = options.window();
      if (window === null || window.isDestroyed()) return;
      window.webContents.send(eventChannel('menuCommand'), { command });
    },
    openLogFolder: () => {
      options.openLogFolder().catch((error: unknown) => {
        const window = options.window();
        const box = {
          type: 'warning' as const,
          message: 'The log folder could not be opened',
          detail: error instanceof Error ? error.message : String(error),
        };
        void (window === null ? dialog.showMessageBox(box) : dialog.showMessageBox(window, box));
      });
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
