import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startDemoBackend, type DemoBackend } from '../../src/main/demo-backend';
import { silentLogger } from '../../src/main/logger';
import { createRoutedNetwork } from '../../src/main/network/routed-network';
import { closedAddress, startTestProxy } from '../support/http-proxy';
import { makeTempDir } from '../support/temp-dir';
import {
  accountRows,
  addCustomer,
  expect,
  linkBambooHrUntilActive,
  oneColumnSize,
  test,
} from './fixtures';
import { startHarness } from './harness';

/** A StackOne project (the simulator) and a company relay, reached as a live profile would. */
let live: DemoBackend;
let liveTemp: ReturnType<typeof makeTempDir>;
test.beforeEach(async () => {
  liveTemp = makeTempDir('onboarding-e2e-live');
  live = await startDemoBackend({
    relayDataDir: join(liveTemp.path, 'relay'),
    logger: silentLogger(),
    webhookRetryBaseMs: 100,
  });
});
let liveClosed = false;
const closeLive = async () => {
  if (!liveClosed) await live.close();
  liveClosed = true;
};
test.afterEach(async () => {
  await closeLive();
  liveClosed = false;
  liveTemp.remove();
});

/** `relayUrl`: the live relay's when absent. */
async function fillLiveSettings(
  page: Page,
  secrets: { apiKey: string; relayToken: string },
  relayUrl = live.profile.relayStreamUrl,
) {
  const form = page.getByRole('form', { name: 'Live settings' });
  await form.getByLabel('StackOne API URL').fill(live.profile.apiBaseUrl);
  await form.getByLabel('StackOne app URL').fill(live.profile.hubAppUrl);
  await form.getByLabel('StackOne API key').fill(secrets.apiKey);
  await form.getByLabel('Relay URL').fill(relayUrl);
  await form.getByLabel('Relay token').fill(secrets.relayToken);
  await form.getByRole('button', { name: 'Check and use live mode' }).click();
}

test('live mode: checked settings, its own accounts linked through its StackOne and relay, and back to demo', async ({
  app,
  harness,
  context,
}) => {
  await addCustomer(app, 'Demo Co', 'demo-co');
  await app.getByRole('button', { name: 'Settings' }).click();
  const dialog = app.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toContainText('Demo mode: a built-in StackOne simulator');
  const apiUrl = dialog.getByLabel('StackOne API URL', { exact: true });
  await expect(apiUrl).toHaveValue('https://api.stackone.com');
  await expect(apiUrl).toHaveAccessibleDescription('EU projects: https://api.eu1.stackone.com');

  // A wrong key is refused with what to do, and nothing changes.
  await fillLiveSettings(app, { apiKey: 'v1.test.wrong-key', relayToken: live.profile.relayToken });
  await expect(dialog.getByRole('alert')).toContainText('StackOne refused the API key');
  await expect(app.locator('.badge-demo')).toHaveText('Demo mode');

  await fillLiveSettings(app, live.profile);
  // The page reloads in live mode: the live list (empty), its relay connected.
  await expect(app.getByText('Live mode', { exact: true })).toBeVisible();
  await expect(app.getByText('Create a customer to start linking their systems.')).toBeVisible();
  await expect(app.locator('[data-relay-state]')).toHaveAttribute('data-relay-state', 'connected');

  // The Hub talks to the live StackOne (the page's CSP follows the profile) and the account's
  // webhook comes back through the live relay.
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkBambooHrUntilActive(app);
  const linked = (await fetch(`${live.simulatorUrl}/accounts?origin_owner_ids=acme`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${live.profile.apiKey}:`).toString('base64')}`,
    },
  }).then((response) => response.json())) as unknown[];
  expect(linked).toHaveLength(1);

  // A link made in live mode is not said to open on this computer only, nor opened here, as the
  // demo's are.
  await app.getByRole('button', { name: 'Send a link' }).click();
  const sendDialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await sendDialog.getByRole('button', { name: 'Create link' }).click();
  await expect(sendDialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
  await expect(sendDialog.getByText('Valid until')).toBeVisible();
  await expect(sendDialog.getByText('In the demo this link')).toHaveCount(0);
  await sendDialog.getByRole('button', { name: 'Done' }).click();
  const linksSent = app.getByRole('region', { name: 'Links sent' });
  await expect(linksSent.getByRole('button', { name: /^Copy link made / })).toHaveCount(1);
  await expect(linksSent.getByRole('link', { name: /^Open link/ })).toHaveCount(0);
  await app.getByRole('button', { name: 'Send a link' }).click();
  await expect(sendDialog.getByRole('button', { name: 'Copy that link' })).toBeVisible();
  await expect(sendDialog.getByRole('link', { name: /^Open that link/ })).toHaveCount(0);
  await app.keyboard.press('Escape');
  await expect(sendDialog).toHaveCount(0);

  // The secrets never came back: the form shows them as saved, with empty fields.
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(dialog.getByLabel('Relay URL')).toHaveValue(live.profile.relayStreamUrl);
  await expect(dialog.getByLabel('StackOne API key')).toHaveValue('');
  await expect(dialog.getByLabel('StackOne API key')).toHaveAttribute(
    'placeholder',
    'Saved (leave empty to keep it)',
  );
  for (const secret of [live.profile.apiKey, live.profile.relayToken]) {
    expect(harness.sentToRenderer.join('\n')).not.toContain(secret);
    expect(await app.content()).not.toContain(secret);
    expect(JSON.stringify(await context.storageState())).not.toContain(secret);
  }

  await dialog.getByRole('button', { name: 'Use demo mode' }).click();
  await expect(app.locator('.badge-demo')).toHaveText('Demo mode');
  await expect(app.getByRole('heading', { name: 'Demo Co' })).toBeVisible();
  await expect(app.getByRole('list', { name: 'Customers' }).getByRole('button')).toHaveText([
    /Demo Co/,
  ]);
});

test('the events indicator opens to say why it is offline, and tries again on request', async ({
  app,
  harness,
}) => {
  await app.getByRole('button', { name: 'Settings' }).click();
  await fillLiveSettings(app, live.profile);
  const indicator = app.getByRole('button', { name: /^Events:/ });
  await expect(indicator).toHaveText('Events: Connected');
  await indicator.click();
  const detail = app.getByRole('region', { name: 'Events' });
  await expect(detail).toHaveText('Receiving account events live.');
  await expect(detail.getByRole('button', { name: 'Try now' })).toHaveCount(0);

  // The company's relay goes away.
  await closeLive();
  await expect(indicator).toHaveText('Events: Offline');
  await expect(detail).toContainText(
    /^Lost the connection to the relay\. Retrying in \d+\u00a0s\./,
  );
  // What happens to the account list meanwhile, said only while the events cannot come.
  const meanwhile = detail.getByText(
    'Meanwhile the app reads the customers’ accounts from StackOne every minute; Refresh reads them now.',
  );
  await expect(meanwhile).toBeVisible();
  // Nothing in the settings would mend a relay that went away.
  await expect(detail.getByRole('button', { name: 'Open Settings' })).toHaveCount(0);
  const checks = () => harness.callsMade.filter((name) => name === 'checkRelayConnection').length;
  const before = checks();
  await detail.getByRole('button', { name: 'Try now' }).click();
  await expect.poll(checks).toBe(before + 1);
  await expect(detail).toContainText(
    /^Could not reach the relay: 127\.0\.0\.1:\d+ refused the connection .* Retrying in \d+\u00a0s\./,
  );
  // Whole across the window, in one column too (a maximised window zoomed to 400%).
  const viewport = app.viewportSize();
  for (const size of [viewport, oneColumnSize]) {
    if (size !== null) await app.setViewportSize(size);
    const width = size?.width ?? 0;
    const box = await detail.boundingBox();
    expect(box?.x, `the left edge at ${width} px`).toBeGreaterThanOrEqual(0);
    expect(
      (box?.x ?? 0) + (box?.width ?? Infinity),
      `the right edge at ${width} px`,
    ).toBeLessThanOrEqual(width);
  }
  if (viewport !== null) await app.setViewportSize(viewport);

  // Escape closes it from inside, and the keyboard is back on the indicator.
  await detail.getByRole('button', { name: 'Try now' }).focus();
  await app.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(indicator).toBeFocused();
  await indicator.click();
  await expect(detail).toBeVisible();
  await indicator.click();
  await expect(detail).toBeHidden();
});

test('where the relay cannot be reached from here, live mode is used without it once asked', async ({
  app,
}) => {
  await app.getByRole('button', { name: 'Settings' }).click();
  const form = app.getByRole('form', { name: 'Live settings' });
  const withoutRelay = form.getByRole('button', {
    name: 'Use live mode without the relay for now',
  });
  await expect(withoutRelay).toHaveCount(0);
  const unreached = await closedAddress();
  await fillLiveSettings(app, live.profile, `ws://${unreached}/v1/stream`);
  await expect(form.getByRole('alert')).toContainText(
    `Could not reach the relay: ${unreached} refused the connection`,
  );
  await expect(form).toContainText('live mode can be used without it for now');

  await withoutRelay.click();
  await expect(app.locator('.badge-live')).toHaveText('Live mode');
  await expect(app.getByRole('button', { name: /^Events:/ })).toHaveText('Events: Offline');
});

test('the events indicator offers the settings when what is wrong is in them', async ({ app }) => {
  // As main says it when the relay refuses the token (the relay client's own tests make it so),
  // after the window has read the state it starts from.
  await expect(app.getByRole('button', { name: 'Events: Connected' })).toBeVisible();
  await app.evaluate(() =>
    window.__onboardingDeliver?.('relayConnectionChanged', {
      state: 'offline',
      detail:
        'The relay at relay.example.com refused this app’s relay token (HTTP 401). Check the relay token in Settings with whoever runs the relay. Retrying in 4 s.',
      causeInSettings: true,
    }),
  );
  const indicator = app.getByRole('button', { name: 'Events: Offline' });
  await indicator.click();
  await app
    .getByRole('region', { name: 'Events' })
    .getByRole('button', { name: 'Open Settings' })
    .click();
  await expect(app.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await expect(app.getByRole('region', { name: 'Events' })).toBeHidden();
  await app.keyboard.press('Escape');
  await expect(indicator).toBeFocused();
});

test('the demo is started afresh after a confirmation: its customers and accounts gone, the new one working', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkBambooHrUntilActive(app);
  const demoStackOne = harness.backend.simulatorUrl;
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByRole('button', { name: 'Start the demo afresh…' }).click();
  const confirmation = app.getByRole('group', { name: 'Start the demo afresh?' });
  const keep = confirmation.getByRole('button', { name: 'Keep the demo' });
  await expect(keep).toBeFocused();
  await keep.press('Enter');
  await expect(confirmation).toHaveCount(0);
  await expect(app.getByRole('button', { name: 'Start the demo afresh…' })).toBeFocused();
  expect(harness.callsMade).not.toContain('resetDemo');

  await app.getByRole('button', { name: 'Start the demo afresh…' }).click();
  await confirmation.getByRole('button', { name: 'Start afresh' }).click();
  await expect(app.getByText('Create a customer to start linking their systems.')).toBeVisible();
  await expect(app.getByRole('button', { name: 'Acme Ltd' })).toHaveCount(0);
  expect(harness.backend.simulatorUrl).not.toBe(demoStackOne);

  // The fresh demo links accounts, and its events arrive.
  await addCustomer(app, 'Globex', 'globex');
  await linkBambooHrUntilActive(app);
});

test('a saved live profile is used again without typing its secrets', async ({ app }) => {
  await app.getByRole('button', { name: 'Settings' }).click();
  await fillLiveSettings(app, live.profile);
  await expect(app.getByText('Live mode', { exact: true })).toBeVisible();
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByRole('button', { name: 'Use demo mode' }).click();
  await expect(app.locator('.badge-demo')).toHaveText('Demo mode');

  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByRole('button', { name: 'Check and use live mode' }).click();
  await expect(app.getByText('Live mode', { exact: true })).toBeVisible();
});

test('a slow StackOne during the check is said to be slow, and the check goes on', async ({
  app,
}) => {
  const response = await fetch(`${live.simulatorUrl}/_simulator/faults`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${live.profile.apiKey}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ latency_ms: 4_000 }),
  });
  expect(response.ok).toBe(true);
  await app.getByRole('button', { name: 'Settings' }).click();
  await fillLiveSettings(app, live.profile);
  await expect(app.getByRole('button', { name: 'Checking…' })).toBeDisabled();
  await expect(
    app.getByRole('status').filter({ hasText: 'StackOne is slow to answer' }),
  ).toBeVisible();
  await expect(app.getByText('Live mode', { exact: true })).toBeVisible();
});

test('an address that would send the key unencrypted is refused before anything is sent', async ({
  app,
  harness,
}) => {
  await app.getByRole('button', { name: 'Settings' }).click();
  const form = app.getByRole('form', { name: 'Live settings' });
  await form.getByLabel('StackOne API URL').fill('http://api.stackone.com');
  await form.getByLabel('StackOne API key').fill('v1.test.key');
  await form.getByLabel('Relay URL').fill('wss://relay.example.com/v1/stream');
  await form.getByLabel('Relay token').fill('token');
  const sentBefore = harness.sentToRenderer.length;
  await form.getByRole('button', { name: 'Check and use live mode' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'The StackOne API URL must start with https:// (http:// only for this computer).',
  );
  expect(harness.sentToRenderer.length).toBe(sentBefore);
});

test('who links is saved in the settings, and StackOne records it on each account linked after', async ({
  app,
  harness,
}) => {
  await app.getByRole('button', { name: 'Settings' }).click();
  const form = app.getByRole('form', { name: 'Who links' });
  await form.getByLabel('Your name or email').fill('Jo\u0007Implementer');
  await form.getByRole('button', { name: 'Save name' }).click();
  await expect(app.getByRole('alert')).toHaveText('Your name cannot contain control characters.');
  await form.getByLabel('Your name or email').fill(' jo@implementers.example ');
  await form.getByRole('button', { name: 'Save name' }).click();
  await expect(app.getByRole('status').filter({ hasText: 'Saved' })).toHaveText(
    'Saved: StackOne records jo@implementers.example on each account linked from now on.',
  );
  await app.keyboard.press('Escape');
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(form.getByLabel('Your name or email')).toHaveValue('jo@implementers.example');
  await app.keyboard.press('Escape');

  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkBambooHrUntilActive(app);
  const [account] = harness.store.accountsOf('acme');
  const { simulatorUrl, profile } = harness.backend;
  const response = await fetch(`${simulatorUrl}/accounts/${account?.id ?? ''}`, {
    headers: { authorization: `Basic ${Buffer.from(`${profile.apiKey}:`).toString('base64')}` },
  });
  expect(await response.json()).toMatchObject({ origin_username: 'jo@implementers.example' });
  // The account's row says so too, as StackOne has it.
  await expect(accountRows(app).first()).toContainText('Linked by jo@implementers.example');
});

test('Escape closes the settings and gives focus back to the Settings button; with something typed and not saved, it asks first', async ({
  app,
}) => {
  const settingsButton = app.getByRole('button', { name: 'Settings' });
  await settingsButton.click();
  const dialog = app.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByLabel('StackOne API URL')).toHaveValue('https://api.stackone.com');
  await app.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(settingsButton).toBeFocused();

  // A key pasted and a relay typed, then Escape: nothing is lost unasked.
  await settingsButton.click();
  const relayUrl = dialog.getByLabel('Relay URL');
  await dialog.getByLabel('StackOne API key').fill('v1.eu1.pasted-key');
  await relayUrl.fill('wss://relay.example.com/v1/stream');
  await app.keyboard.press('Escape');
  const question = dialog.getByRole('group', { name: 'Close without saving?' });
  await expect(question).toHaveText(
    /^Typed and not saved: the live settings \(Check and use live mode saves them\)\./,
  );
  await expect(question.getByRole('button', { name: 'Keep editing' })).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(relayUrl).toBeFocused();
  await expect(relayUrl).toHaveValue('wss://relay.example.com/v1/stream');

  // Who links too; the second time, Close without saving does.
  await dialog.getByLabel('Your name or email').fill('jo@implementers.example');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(question).toContainText(
    'Typed and not saved: the live settings (Check and use live mode saves them); your name under Who links (Save name saves it).',
  );
  await question.getByRole('button', { name: 'Close without saving' }).click();
  await expect(dialog).toBeHidden();
  await expect(settingsButton).toBeFocused();
  await settingsButton.click();
  await expect(relayUrl).toHaveValue('');
  await expect(dialog.getByLabel('StackOne API key')).toHaveValue('');

  // A proxy sign-in begun.
  await dialog.getByRole('button', { name: 'Enter a proxy sign-in…' }).click();
  await dialog.getByLabel('Password').fill('proxy-pass');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(question).toContainText(
    'Typed and not saved: the proxy sign-in (Save sign-in saves it).',
  );
  await question.getByRole('button', { name: 'Keep editing' }).click();
  await dialog
    .getByRole('form', { name: 'Proxy sign-in' })
    .getByRole('button', { name: 'Cancel' })
    .click();

  // Saved, the name is nothing to ask about; typed back as it was, neither is the relay.
  await dialog.getByLabel('Your name or email').fill('jo@implementers.example');
  await dialog.getByRole('button', { name: 'Save name' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await relayUrl.fill('wss://x');
  await relayUrl.fill('');
  await app.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('a proxy that asks for a sign-in is offered one, and live mode goes through it once given', async ({
  context,
}) => {
  const signIn = { username: 'CORP\\j.doe', password: 'proxy-pass 1:2' };
  const corporate = await startTestProxy({ signIn });
  const harness = await startHarness({
    liveNetwork: createRoutedNetwork({ resolveProxy: async () => `PROXY ${corporate.address}` }),
  });
  try {
    const page = await harness.openApp(context);
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await fillLiveSettings(page, live.profile);
    await expect(dialog.getByRole('alert')).toContainText(
      `the network’s proxy (${corporate.address}) asks for a sign-in. Enter your user name and password for it in Settings, under Proxy sign-in`,
    );

    const section = dialog.getByRole('region', { name: 'Proxy sign-in' });
    await expect(section).toContainText(
      `The network’s proxy ${corporate.address} asks for a sign-in.`,
    );
    const form = section.getByRole('form', { name: 'Proxy sign-in' });
    await expect(form.getByLabel('Proxy')).toHaveValue(corporate.address);
    await form.getByLabel('User name').fill('j:doe');
    await form.getByLabel('Password').fill(signIn.password);
    await form.getByRole('button', { name: 'Save sign-in' }).click();
    await expect(form.getByRole('alert')).toHaveText('A proxy user name cannot contain a colon.');
    await form.getByLabel('User name').fill(signIn.username);
    await form.getByRole('button', { name: 'Save sign-in' }).click();
    await expect(section.getByRole('status')).toHaveText(
      `The sign-in for ${corporate.address} is saved.`,
    );
    // The form goes; the keyboard goes to the button that opens it again, not out of Settings.
    await expect(section.getByRole('button', { name: 'Change it…' })).toBeFocused();
    await expect(section).toContainText(
      `The app signs in to ${corporate.address} as ${signIn.username}.`,
    );
    await expect(section).not.toContainText('asks for a sign-in');

    // The live settings typed before are still there: checked again, through the proxy.
    await dialog.getByRole('button', { name: 'Check and use live mode' }).click();
    await expect(page.locator('.badge-live')).toHaveText('Live mode');
    await expect(page.locator('[data-relay-state=connected]')).toBeVisible();
    const host = (url: string) => new URL(url).host;
    expect(corporate.connects).toContain(host(live.profile.relayStreamUrl));
    for (const sent of harness.sentToRenderer) expect(sent).not.toContain(signIn.password);

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Forget it' }).click();
    await expect(
      page.getByRole('region', { name: 'Proxy sign-in' }).getByRole('status'),
    ).toHaveText('The proxy sign-in is forgotten.');
    await expect(page.getByRole('button', { name: 'Enter a proxy sign-in…' })).toBeVisible();
  } finally {
    await harness.close();
    await corporate.close();
  }
});

test('where secrets can only be obfuscated, the settings say so before anything is saved', async ({
  context,
}) => {
  const harness = await startHarness({ secretStorage: 'obfuscated' });
  try {
    const page = await harness.openApp(context);
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('dialog', { name: 'Settings' })).toContainText(
      'saved only obfuscated: anyone who can read your files can read them',
    );
  } finally {
    await harness.close();
  }
});

test('diagnostics for support are shown and copied, with no secret or customer in them', async ({
  app,
  harness,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await addCustomer(app, 'Acme Widgets', 'acme-7731');
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByRole('button', { name: 'Copy diagnostics' }).click();

  await expect(app.getByRole('status').filter({ hasText: 'Copied' })).toHaveText(
    'Copied: paste it into your message to support.',
  );
  const shown = await app.getByLabel('Diagnostics').innerText();
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(shown);
  expect(shown).toMatch(/^StackOne Onboarding 1\.2\.3-e2e: diagnostics, /);
  expect(shown).toContain('Mode: demo');
  expect(shown).toContain('Customers: 1; accounts linked: 0, to re-link: 0');
  const { apiKey, relayToken } = harness.backend.profile;
  for (const kept of [apiKey, relayToken, 'acme-7731', 'Acme Widgets'])
    expect(shown).not.toContain(kept);
});

test('the log folder is opened from the settings for support, or its path given where it cannot be', async ({
  app,
  harness,
  context,
}) => {
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByRole('button', { name: 'Open the log folder' }).click();
  const support = app.getByRole('region', { name: 'Support' });
  await expect(support.getByRole('status')).toHaveText(
    `Opened ${harness.logFolder.path}: attach main.log (and main.1.log, if there is one).`,
  );
  expect(harness.logFolder.opened).toBe(1);

  const noFileManager = await startHarness({ logFolderWillNotOpen: true });
  try {
    const page = await noFileManager.openApp(context);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Open the log folder' }).click();
    await expect(page.getByRole('region', { name: 'Support' }).getByRole('status')).toHaveText(
      `The log folder could not be opened. It is ${noFileManager.logFolder.path}: open it from your file manager.`,
    );
  } finally {
    await noFileManager.close();
  }
});
