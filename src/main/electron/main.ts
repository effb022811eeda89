import { join } from 'node:path';
import {
  app,
  dialog,
  ipcMain,
  powerMonitor,
  screen,
  session,
  shell,
  type BrowserWindow,
} from 'electron';
import ElectronStore from 'electron-store';
import { bridgeCallNames, callChannel, eventChannel } from '../../shared/contract-names';
import { accountStoreName, openAccountStore } from '../account-store';
import { createAppSession, type AppSession } from '../app-session';
import { createBridgeDispatcher } from '../bridge-dispatcher';
import { startDemoBackend } from '../demo-backend';
import { checkLiveProfile } from '../live-profile-check';
import { openRollingLogFile } from '../log-file';
import { createLogger, type Logger } from '../logger';
import { createRoutedNetwork } from '../network/routed-network';
import { trustSystemCertificates } from '../network/system-certificates';
import { createWindowProxySignIn } from '../network/window-proxy-sign-in';
import { buildContentSecurityPolicy } from '../security/content-security-policy';
import { isPermissionGranted } from '../security/permission-policy';
import { openSettingsStore } from '../settings-store';
import { windowPlacementFor } from '../window-bounds';
import { openWindowStateStore } from '../window-state-store';
import { createAccountNotifier } from './account-notifications';
import { installAppMenu } from './app-menu';
import { appOrigin, registerAppScheme, serveRenderer } from './app-protocol';
import { bringWindowForward, createMainWindow } from './main-window';
import { createSafeStorageCipher } from './safe-storage-cipher';
import { watchWindowHealth } from './window-health';
// The app's icon as a file: for notifications and the About panel, and for the window on Linux,
// where an app run unpackaged (npm start) has no other; a packaged app's own icon comes from its
// executable (Windows), bundle (macOS) or desktop entry (Linux).
import windowIconPath from '../../../build/icons/256x256.png?asset';

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();
// Windows shows notifications only for the app id its installer registered: electron-builder.yml's.
if (process.platform === 'win32') app.setAppUserModelId('com.example.stackone-onboarding');

let mainWindow: BrowserWindow | null = null;
let appSession: AppSession | null = null;
/** Saves where the window is; set once it exists. */
let saveWindowState = (): void => undefined;
let quitting = false;

/**
 * The log file, or standard output where the log folder cannot be made: the app runs either way.
 */
function logDestination() {
  try {
    return openRollingLogFile({ dir: app.getPath('logs'), name: 'main' });
  } catch {
    return undefined;
  }
}

/**
 * An error nothing caught is written to the log, and the user is told once (Electron's own
 * dialog would show a stack trace and say nothing of what to do).
 */
function reportMainProcessErrors(logger: Logger): void {
  let told = false;
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    // Not while quitting: offering a restart then would only puzzle.
    if (told || quitting) return;
    told = true;
    void dialog
      .showMessageBox({
        type: 'error',
        message: 'Something went wrong in the app’s background process',
        detail: `Customers and accounts saved so far are kept. Restart the app to be sure everything works; if it keeps happening, send main.log (in ${app.getPath('logs')}) to support.`,
        buttons: ['Restart the app', 'Carry on'],
        defaultId: 0,
        cancelId: 1,
      })
      .then(({ response }) => {
        if (response !== 0) return;
        app.relaunch();
        app.quit();
      });
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
}

async function launch(): Promise<void> {
  const logger = createLogger({ name: 'main', destination: logDestination() });
  reportMainProcessErrors(logger);

  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(isPermissionGranted(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission) =>
    isPermissionGranted(permission),
  );

  // Chromium knows the system's proxy settings (manual, PAC, WPAD); Node's fetch and ws do not.
  const liveNetwork = createRoutedNetwork({
    resolveProxy: (url) => session.defaultSession.resolveProxy(url),
    // Reading the system's store takes 100-200 ms: only when live mode first goes out.
    beforeFirstUse: () =>
      logger.info({ added: trustSystemCertificates() }, "system's certificate authorities trusted"),
  });
  // The window's own requests (the Hub's) meet the same proxy; Chromium asks main for its sign-in.
  const windowProxySignIn = createWindowProxySignIn({
    credentialsFor: (proxy) => liveNetwork.credentialsFor(proxy),
  });
  app.on('login', (event, _contents, _details, authInfo, callback) => {
    if (!authInfo.isProxy) return;
    const credentials = windowProxySignIn.answer(authInfo.host, authInfo.port);
    if (credentials === null) return;
    event.preventDefault();
    callback(credentials.username, credentials.password);
  });
  const userData = app.getPath('userData');
  const openStore = (name: string) => () => new ElectronStore({ name });
  const onboardingSession = createAppSession({
    settings: openSettingsStore({
      open: openStore('settings'),
      filePath: join(userData, 'settings.json'),
    }),
    cipher: await createSafeStorageCipher(),
    openAccountStore: (mode) =>
      openAccountStore({
        open: openStore(accountStoreName(mode)),
        filePath: join(userData, `${accountStoreName(mode)}.json`),
      }),
    startDemoBackend: ({ fresh }) =>
      startDemoBackend({
        relayDataDir: join(userData, 'demo-relay'),
        simulatorAccountsFile: join(userData, 'demo-accounts.json'),
        logger,
        fresh,
      }),
    checkLiveProfile: (profile, { relay }) =>
      checkLiveProfile(profile, { network: liveNetwork, relay }),
    liveNetwork,
    about: { name: app.getName(), version: app.getVersion() },
    logFolder: {
      path: app.getPath('logs'),
      open: async () => {
        const failure = await shell.openPath(app.getPath('logs'));
        if (failure !== '') throw new Error(failure);
      },
    },
    logger,
    emit: (event, payload) => mainWindow?.webContents.send(eventChannel(event), payload),
    notify: createAccountNotifier({ window: () => mainWindow, iconPath: windowIconPath }),
  });
  appSession = onboardingSession;
  await onboardingSession.start();
  installAppMenu({
    window: () => mainWindow,
    openLogFolder: () => onboardingSession.handlers.openLogFolder({}),
    iconPath: windowIconPath,
  });

  const devServerUrl = process.env.ELECTRON_RENDERER_URL;
  const appOrigins = devServerUrl ? [new URL(devServerUrl).origin] : [appOrigin];
  const dispatcher = createBridgeDispatcher({
    handlers: onboardingSession.handlers,
    trustedOrigins: () => appOrigins,
    logger,
  });
  for (const name of bridgeCallNames) {
    ipcMain.handle(callChannel(name), (event, input: unknown) =>
      dispatcher.dispatch(name, input, event.senderFrame?.url ?? ''),
    );
  }

  serveRenderer(join(import.meta.dirname, '../renderer'), () =>
    buildContentSecurityPolicy({ hubBaseUrl: onboardingSession.profile.hubBaseUrl }),
  );
  // After a sleep the relay connection is likely dead, though nothing has said so yet.
  powerMonitor.on('resume', () => {
    void onboardingSession.handlers
      .checkRelayConnection({})
      .catch((error: unknown) =>
        logger.warn(
          { err: error instanceof Error ? error.message : 'unknown' },
          'relay check failed',
        ),
      );
  });
  const windowState = openWindowStateStore({
    open: openStore('window-state'),
    filePath: join(userData, 'window-state.json'),
  });
  if (windowState.warning !== null) logger.warn(windowState.warning);
  const window = createMainWindow({
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    iconPath: windowIconPath,
    appOrigins,
    hubBaseUrl: () => onboardingSession.profile.hubBaseUrl,
    placement: windowPlacementFor(windowState.saved, {
      primary: screen.getPrimaryDisplay().workArea,
      all: screen.getAllDisplays().map((display) => display.workArea),
    }),
  });
  mainWindow = window;
  saveWindowState = () => {
    if (window.isDestroyed()) return;
    try {
      windowState.save({ ...window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      logger.warn({ err: error }, 'window position not saved');
    }
  };
  let closeAllowed = false;
  window.on('close', (event) => {
    saveWindowState();
    if (closeAllowed || quitting) return;
    event.preventDefault();
    void mayQuitWithUnsavedChanges().then((allowed) => {
      if (!allowed || window.isDestroyed()) return;
      closeAllowed = true;
      window.close();
    });
  });
  window.on('closed', () => {
    mainWindow = null;
  });
  watchWindowHealth(window, {
    logger,
    noteWindowRestarted: (warning) => onboardingSession.noteWindowRestarted(warning),
    showMessageBox: (options) => dialog.showMessageBox(window, options),
  });
  await window.loadURL(devServerUrl ?? `${appOrigin}/index.html`);
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});
app.on('second-instance', () => {
  if (mainWindow !== null && !mainWindow.isDestroyed()) bringWindowForward(mainWindow);
});
app.on('window-all-closed', () => app.quit());

app.on('before-quit', (event) => {
  if (quitting) return;
  quitting = true;
  event.preventDefault();
  void (async () => {
    if (!(await mayQuitWithUnsavedChanges())) {
      quitting = false;
      return;
    }
    // Quitting from the menu (Cmd+Q) ends with app.exit, which closes the window without 'close'.
    saveWindowState();
    await appSession?.stop();
    app.exit(0);
  })();
});

let unsavedChangesGivenUp = false;
/**
 * Changes the disk would not take are lost on quitting: the user decides, told why, once (closing
 * the window, then the quit that follows, ask only the first time).
 */
async function mayQuitWithUnsavedChanges(): Promise<boolean> {
  if (unsavedChangesGivenUp) return true;
  const problem = await appSession?.saveBeforeQuit().catch(() => null);
  if (problem === null || problem === undefined) return true;
  const options = {
    type: 'warning' as const,
    message: 'Changes to the account list are not saved',
    detail: `${problem}\n\nQuit anyway, losing them, or keep the app open?`,
    buttons: ['Keep the app open', 'Quit anyway'],
    defaultId: 0,
    cancelId: 0,
  };
  const { response } = await (mainWindow
    ? dialog.showMessageBox(mainWindow, options)
    : dialog.showMessageBox(options));
  unsavedChangesGivenUp = response === 1;
  return unsavedChangesGivenUp;
}

app
  .whenReady()
  .then(launch)
  .catch((error: unknown) => {
    dialog.showErrorBox(
      'StackOne Onboarding could not start',
      `${error instanceof Error ? error.message : String(error)}\n\nRestart the app; if it keeps happening, send main.log (and main.1.log) in ${app.getPath('logs')} to support.`,
    );
    app.exit(1);
  });
