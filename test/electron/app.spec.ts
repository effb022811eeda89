import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  _electron as electron,
  expect,
  test,
  type ElectronApplication,
  type Page,
} from '@playwright/test';
import { startDemoBackend, type DemoBackend } from '../../src/main/demo-backend';
import { silentLogger } from '../../src/main/logger';
import { bridgeCallNames } from '../../src/shared/contract-names';
import { blockFile } from '../support/blocked-file';
import { startTestProxy, type TestProxy } from '../support/http-proxy';
import { packageApp, skipPackagingUnlessLinux } from '../support/package-app';

const binary = process.env.ELECTRON_BINARY;
let app: ElectronApplication;
let userData: string;

const launchApp = (chromiumSwitches: string[] = []) => {
  if (binary === undefined)
    throw new Error('Run through `npm run test:electron`, which finds the Electron binary.');
  return electron.launch({
    executablePath: binary,
    args: [
      join(import.meta.dirname, '../../out/main/main.js'),
      `--user-data-dir=${userData}`,
      ...chromiumSwitches,
    ],
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
  });
};

test.beforeEach(async () => {
  userData = mkdtempSync(join(tmpdir(), 'onboarding-electron-'));
  app = await launchApp();
});

test.afterEach(async () => {
  await app.close();
  rmSync(userData, { recursive: true, force: true });
});

/** Adds a customer through the window's form and waits for their page. */
async function addCustomer(page: Page, name: string, id: string): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Customer id').fill(id);
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

/** Every label in the app's menu bar, menus and items alike. */
const menuLabels = (electronApp: ElectronApplication) =>
  electronApp.evaluate(({ Menu }) => {
    const bar = Menu.getApplicationMenu();
    type Items = NonNullable<typeof bar>['items'];
    const walk = (items: Items): string[] =>
      items.flatMap((item) => [item.label, ...(item.submenu ? walk(item.submenu.items) : [])]);
    return walk(bar?.items ?? []);
  });

test('starts in demo mode with a sandboxed renderer that only sees window.onboarding', async () => {
  const page = await app.firstWindow();
  await expect(page.getByText('Demo mode')).toBeVisible();
  await expect(page.locator('[data-relay-state=connected]')).toBeVisible();
  expect(page.url()).toBe('app://onboarding/index.html');
  expect(
    await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require),
  ).toBe('undefined');
  expect(
    await page.evaluate(() => typeof (window as unknown as { process?: unknown }).process),
  ).toBe('undefined');
  // Exactly the contract's calls and `on`: nothing else of the preload's reaches the page.
  expect(await page.evaluate(() => Object.keys(window.onboarding).sort())).toEqual(
    [...bridgeCallNames, 'on'].sort(),
  );
});

test('links an API-key account through the embedded Hub and shows it active', async () => {
  const page = await app.firstWindow();
  await addCustomer(page, 'Acme Ltd', 'acme');
  await page.getByRole('button', { name: 'Connect an integration' }).click();
  const hub = page.getByTestId('stackone-hub');
  await hub.getByText('BambooHR', { exact: true }).click();
  await hub.getByPlaceholder('acme').fill('acme');
  await hub.locator('input[type=password]').fill('bamboo-key-0123456789abcdef');
  await hub.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.locator('[data-status=active]')).toBeVisible();
});

test('refuses navigation away from the app and windows other than the OAuth popup', async () => {
  const page = await app.firstWindow();
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe('app://onboarding/index.html');
  expect(await page.evaluate(() => window.open('http://example.com/') === null)).toBe(true);
  expect(app.windows()).toHaveLength(1);
});

test('Send a link copies to the system clipboard and hands the email draft to the mail app', async () => {
  const page = await app.firstWindow();
  await addCustomer(page, 'Acme Ltd', 'acme');
  // Record what would go to the mail app instead of opening one.
  await app.evaluate(({ shell }) => {
    const opened: string[] = [];
    (globalThis as { openedExternally?: string[] }).openedExternally = opened;
    shell.openExternal = async (url: string) => {
      opened.push(url);
    };
  });

  await page.getByRole('button', { name: 'Send a link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const link = await dialog.getByLabel('Link', { exact: true }).inputValue();
  expect(link).toContain('/embedded/integrations?token=');

  await dialog.getByRole('button', { name: 'Copy link' }).click();
  await expect(dialog.getByText('Link copied.')).toBeVisible();
  expect(await app.evaluate(({ clipboard }) => clipboard.readText())).toBe(link);

  await dialog.getByRole('link', { name: 'Email it…' }).click();
  await expect
    .poll(() =>
      app.evaluate(() => (globalThis as { openedExternally?: string[] }).openedExternally ?? []),
    )
    .toEqual([expect.stringMatching(/^mailto:\?subject=/)]);
  expect(app.windows()).toHaveLength(1);
});

test('live settings are saved as safeStorage ciphertext and used again at the next launch', async () => {
  const live = await startDemoBackend({
    relayDataDir: join(userData, 'test-live-relay'),
    logger: silentLogger(),
  });
  try {
    const page = await app.firstWindow();
    await useLiveMode(page, live);

    const saved = readFileSync(join(userData, 'settings.json'), 'utf8');
    expect(saved).toContain('apiKeyCiphertext');
    expect(saved).not.toContain(live.profile.apiKey);
    expect(saved).not.toContain(live.profile.relayToken);

    await app.close();
    app = await launchApp();
    const again = await app.firstWindow();
    await expect(again.getByText('Live mode', { exact: true })).toBeVisible();
    await expect(again.locator('[data-relay-state=connected]')).toBeVisible();
  } finally {
    await live.close();
  }
});

async function useLiveMode(page: Page, live: DemoBackend): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const form = page.getByRole('form', { name: 'Live settings' });
  await form.getByLabel('StackOne API URL').fill(live.profile.apiBaseUrl);
  await form.getByLabel('StackOne app URL').fill(live.profile.hubAppUrl);
  await form.getByLabel('StackOne API key').fill(live.profile.apiKey);
  await form.getByLabel('Relay URL').fill(live.profile.relayStreamUrl);
  await form.getByLabel('Relay token').fill(live.profile.relayToken);
  await form.getByRole('button', { name: 'Check and use live mode' }).click();
  await expect(page.getByText('Live mode', { exact: true })).toBeVisible();
}

/**
 * Relaunches the app with Chromium's proxy set to a test proxy, and runs `use` with its window, a
 * live StackOne and relay (on loopback) and the proxy.
 */
async function behindProxy(
  proxyOptions: Parameters<typeof startTestProxy>[0],
  use: (page: Page, live: DemoBackend, corporate: TestProxy) => Promise<void>,
): Promise<void> {
  const corporate = await startTestProxy(proxyOptions);
  const live = await startDemoBackend({
    relayDataDir: join(userData, 'test-live-relay'),
    logger: silentLogger(),
  });
  try {
    await app.close();
    // `<-loopback>` ends Chromium's implicit bypass, so the loopback servers count as remote.
    app = await launchApp([
      `--proxy-server=http://${corporate.address}`,
      '--proxy-bypass-list=<-loopback>',
    ]);
    await use(await app.firstWindow(), live, corporate);
  } finally {
    await live.close();
    await corporate.close();
  }
}

test("live mode reaches StackOne and the relay through the proxy Chromium's settings name", () =>
  behindProxy({}, async (page, live, corporate) => {
    await useLiveMode(page, live);
    await expect(page.locator('[data-relay-state=connected]')).toBeVisible();
    // Only the main process tunnels (the window asks for plain http:// pages in full instead).
    const host = (url: string) => new URL(url).host;
    expect(new Set(corporate.connects)).toEqual(
      new Set([host(live.profile.apiBaseUrl), host(live.profile.relayStreamUrl)]),
    );
  }));

const signIn = { username: 'j.doe', password: 'proxy-pass-1' };
test('behind a proxy that asks for a sign-in, the one saved serves main and the Hub in the window', () =>
  behindProxy({ signIn }, async (page, live, corporate) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Enter a proxy sign-in…' }).click();
    const form = page.getByRole('form', { name: 'Proxy sign-in' });
    await form.getByLabel('Proxy').fill(corporate.address);
    await form.getByLabel('User name').fill(signIn.username);
    await form.getByLabel('Password').fill(signIn.password);
    await form.getByRole('button', { name: 'Save sign-in' }).click();
    await expect(page.getByText(`The app signs in to ${corporate.address}`)).toBeVisible();
    await page.keyboard.press('Escape');

    await useLiveMode(page, live);
    await expect(page.locator('[data-relay-state=connected]')).toBeVisible();
    // The Hub's requests are Chromium's: its proxy asks, main answers with the saved sign-in.
    await addCustomer(page, 'Acme Ltd', 'acme');
    await page.getByRole('button', { name: 'Connect an integration' }).click();
    await expect(
      page.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }),
    ).toBeVisible();
  }));

test('a window whose process crashes is reloaded, keeps its customers and says what happened', async () => {
  const page = await app.firstWindow();
  await addCustomer(page, 'Acme Ltd', 'acme');

  await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows()[0]?.webContents.forcefullyCrashRenderer(),
  );
  // Read through main: whether Playwright's page outlives its renderer process is not the point.
  const shown = () =>
    app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]?.webContents;
      if (contents === undefined || contents.isCrashed() || contents.isLoading()) return '';
      return contents.executeJavaScript('document.body.innerText') as Promise<string>;
    });
  await expect
    .poll(shown, { timeout: 20_000 })
    .toMatch(/The window (crashed|was ended by the system) at \d\d:\d\d and was reloaded/);
  expect(await shown()).toContain('Acme Ltd');
});

test("the app's own menu: Settings from it opens the settings; nothing of Electron's default", async () => {
  const page = await app.firstWindow();
  await expect(page.locator('[data-relay-state=connected]')).toBeVisible();
  const labels = await menuLabels(app);
  expect(labels).toEqual(expect.arrayContaining(['New Customer', 'Open the Log Folder']));
  expect(labels).not.toContain('Learn More');
  // Run from source: the developer tools are there (the packaged app's test checks they are not).
  expect(labels).toContain('Toggle Developer Tools');

  await app.evaluate(({ Menu }) => {
    const bar = Menu.getApplicationMenu();
    type Items = NonNullable<typeof bar>['items'];
    const walk = (items: Items): Items =>
      items.flatMap((item) => [item, ...(item.submenu ? walk(item.submenu.items) : [])]);
    const settings = walk(bar?.items ?? []).find((item) => item.label.startsWith('Settings'));
    (settings?.click as (() => void) | undefined)?.();
  });
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
});

test('the window opens where it was when the app was last closed', async () => {
  await app.firstWindow();
  const bounds = { x: 40, y: 30, width: 1000, height: 700 };
  await app.evaluate(({ BrowserWindow }, wanted) => {
    BrowserWindow.getAllWindows()[0]?.setBounds(wanted);
  }, bounds);
  await app.close();
  app = await launchApp();
  await app.firstWindow();
  const reopened = await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows()[0]?.getNormalBounds(),
  );
  // The window manager may nudge the position; the size is the app's to set.
  expect(reopened).toMatchObject({ width: bounds.width, height: bounds.height });
});

test('closing the window with changes the disk would not take asks first, and Keep the app open keeps it', async () => {
  const page = await app.firstWindow();
  await addCustomer(page, 'Acme Ltd', 'acme');
  const blocked = blockFile(join(userData, 'onboarding.json'));
  await addCustomer(page, 'Globex', 'globex');
  const problem = page.getByRole('alert').filter({ hasText: 'could not be saved' });
  await expect(problem).toBeVisible();
  // Answer the question the way a user keeping the app open would, and record it.
  await app.evaluate(({ dialog }) => {
    const asked: string[] = [];
    (globalThis as { asked?: string[] }).asked = asked;
    dialog.showMessageBox = (async (...args: unknown[]) => {
      asked.push((args.at(-1) as { message: string }).message);
      return { response: 0, checkboxChecked: false };
    }) as typeof dialog.showMessageBox;
  });
  const asked = () => app.evaluate(() => (globalThis as { asked?: string[] }).asked ?? []);

  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
  await expect.poll(asked).toEqual(['Changes to the account list are not saved']);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  await expect(page.getByRole('heading', { name: 'Globex' })).toBeVisible();

  // Once the disk takes it (the store tries every 5 s), quitting asks nothing.
  blocked.unblock();
  await expect(problem).toBeHidden({ timeout: 15_000 });
  expect(readFileSync(join(userData, 'onboarding.json'), 'utf8')).toContain('globex');
  expect(await asked()).toHaveLength(1);
});

test('the packaged app starts in demo mode, serves its window and connects to its relay', async () => {
  skipPackagingUnlessLinux((condition, reason) => test.skip(condition, reason));
  test.setTimeout(300_000);
  if (binary === undefined) throw new Error('Run through `npm run test:electron`.');
  // Inside userData, so that the suite's cleanup removes it once the app is closed.
  const appDir = packageApp({
    electronDist: dirname(binary),
    outputDir: join(userData, 'release'),
  });
  await app.close();
  app = await electron.launch({
    executablePath: join(appDir, 'stackone-onboarding'),
    args: [`--user-data-dir=${join(userData, 'profile')}`],
  });
  const page = await app.firstWindow();
  await expect(page.getByText('Demo mode')).toBeVisible();
  await expect(page.locator('[data-relay-state=connected]')).toBeVisible();
  expect(page.url()).toBe('app://onboarding/index.html');
  const labels = await menuLabels(app);
  expect(labels).toContain('Open the Log Folder');
  expect(labels).not.toContain('Toggle Developer Tools');
});
