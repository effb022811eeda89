import { BrowserWindow, nativeTheme, shell } from 'electron';
import {
  isAllowedAppNavigation,
  isAllowedOAuthPopupNavigation,
} from '../security/navigation-policy';
import { decideWindowOpen } from '../security/window-open-policy';
import { windowSize, type WindowPlacement } from '../window-bounds';

/** Restores, shows and focuses the window: a second launch of the app, a notification clicked. */
export function bringWindowForward(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

export function createMainWindow(options: {
  preloadPath: string;
  iconPath: string;
  appOrigins: readonly string[];
  hubBaseUrl: () => string;
  placement: WindowPlacement;
}): BrowserWindow {
  const { placement } = options;
  const window = new BrowserWindow({
    ...(placement.x !== undefined && { x: placement.x }),
    ...(placement.y !== undefined && { y: placement.y }),
    width: placement.width,
    height: placement.height,
    minWidth: windowSize.minimum.width,
    minHeight: windowSize.minimum.height,
    show: false,
    title: 'StackOne Onboarding',
    icon: options.iconPath,
    // What shows before the page paints (a reload, say): the page's own background (styles.css).
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#12151c' : '#f5f6f9',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => {
    if (placement.maximized) window.maximize();
    window.show();
  });

  const contents = window.webContents;
  const blockUnlessApp = (event: { preventDefault(): void }, url: string) => {
    if (!isAllowedAppNavigation(url, options.appOrigins)) event.preventDefault();
  };
  contents.on('will-navigate', blockUnlessApp);
  contents.on('will-redirect', blockUnlessApp);

  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url, options.hubBaseUrl());
    if (decision.action === 'allow-hub-oauth-popup') {
      return {
        action: 'allow',
        overrideBrowserWindowOptions: {
          parent: window,
          width: 560,
          height: 720,
          autoHideMenuBar: true,
          webPreferences: {
            sandbox: true,
            contextIsolation: true,
            nodeIntegration: false,
            webviewTag: false,
          },
        },
      };
    }
    if (decision.action === 'open-in-system-browser' || decision.action === 'open-in-mail-app')
      void shell.openExternal(url);
    return { action: 'deny' };
  });

  contents.on('did-create-window', (popup) => {
    const guard = (event: { preventDefault(): void }, url: string) => {
      if (!isAllowedOAuthPopupNavigation(url, options.hubBaseUrl())) event.preventDefault();
    };
    popup.webContents.on('will-navigate', guard);
    popup.webContents.on('will-redirect', guard);
    popup.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  return window;
}
