import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { app, dialog, ipcMain, session, type BrowserWindow } from 'electron';
import ElectronStore from 'electron-store';
import { pino } from 'pino';
import { bridgeCallNames, callChannel, eventChannel } from '../../shared/contract-names';
import { openAccountStore } from '../account-store';
import { createBridgeDispatcher } from '../bridge-dispatcher';
import { startDemoBackend, type DemoBackend } from '../demo-backend';
import { createLogger } from '../logger';
import { createOnboardingService, type OnboardingService } from '../onboarding-service';
import { buildContentSecurityPolicy } from '../security/content-security-policy';
import { isPermissionGranted } from '../security/permission-policy';
import { createStackOneApi } from '../stackone-api';
import { appOrigin, registerAppScheme, serveRenderer } from './app-protocol';
import { createMainWindow } from './main-window';

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let mainWindow: BrowserWindow | null = null;
let demo: DemoBackend | null = null;
let service: OnboardingService | null = null;

async function launch(): Promise<void> {
  const logDir = app.getPath('logs');
  mkdirSync(logDir, { recursive: true });
  const logger = createLogger({
    name: 'main',
    destination: pino.destination({ dest: join(logDir, 'main.log'), mkdir: true }),
  });

  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(isPermissionGranted(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission) =>
    isPermissionGranted(permission),
  );

  demo = await startDemoBackend({
    relayDataDir: join(app.getPath('userData'), 'demo-relay'),
    logger,
  });
  const profile = demo.profile;

  const storeName = 'onboarding';
  const store = openAccountStore({
    open: () => new ElectronStore({ name: storeName }),
    filePath: join(app.getPath('userData'), `${storeName}.json`),
  });

  const devServerUrl = process.env.ELECTRON_RENDERER_URL;
  const appOrigins = devServerUrl ? [new URL(devServerUrl).origin] : [appOrigin];
  const api = createStackOneApi({ apiKey: profile.apiKey, baseUrl: profile.apiBaseUrl });
  service = createOnboardingService({
    profile,
    store,
    api,
    logger,
    emit: (event, payload) => mainWindow?.webContents.send(eventChannel(event), payload),
  });
  const dispatcher = createBridgeDispatcher({
    handlers: service.handlers,
    trustedOrigins: () => appOrigins,
    logger,
  });
  for (const name of bridgeCallNames) {
    ipcMain.handle(callChannel(name), (event, input: unknown) =>
      dispatcher.dispatch(name, input, event.senderFrame?.url ?? ''),
    );
  }

  serveRenderer(
    join(import.meta.dirname, '../renderer'),
    buildContentSecurityPolicy({ hubBaseUrl: profile.hubBaseUrl }),
  );
  mainWindow = createMainWindow({
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    appOrigins,
    hubBaseUrl: () => profile.hubBaseUrl,
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  service.start();
  await mainWindow.loadURL(devServerUrl ?? `${appOrigin}/index.html`);
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});
app.on('second-instance', () => mainWindow?.focus());
app.on('window-all-closed', () => app.quit());

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  quitting = true;
  event.preventDefault();
  void (async () => {
    await service?.stop();
    await demo?.close();
    app.exit(0);
  })();
});

app
  .whenReady()
  .then(launch)
  .catch((error: unknown) => {
    dialog.showErrorBox(
      'StackOne Onboarding could not start',
      `${error instanceof Error ? error.message : String(error)}\n\nRestart the app; if it keeps happening, send the log file in ${app.getPath('logs')} to support.`,
    );
    app.exit(1);
  });
