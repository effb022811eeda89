import type { Page } from '@playwright/test';
import { addCustomer, expect, test } from './fixtures';

const reports = (calls: string[]) => calls.filter((name) => name === 'reportWindowError').length;

/** The window's diagnostics report as main makes it, read from the page that shows it. */
async function diagnosticsShown(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Copy diagnostics' }).click();
  return (await page.getByLabel('Diagnostics').textContent()) ?? '';
}

test('a window that fails to draw says nothing was lost, tells main, and reloads to the same customers', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Corp', 'acme');
  // A defect's stand-in: main pushes a relay state the window cannot draw.
  await app.evaluate(() => window.__onboardingDeliver?.('relayConnectionChanged', null));

  await expect(
    app.getByRole('heading', { name: 'Something went wrong in this window' }),
  ).toBeVisible();
  await expect(app.getByText('so nothing was lost')).toBeVisible();
  await expect.poll(() => reports(harness.callsMade)).toBe(1);
  expect(await diagnosticsShown(app)).toMatch(/\nWindow errors: 1, the last at \d{4}-[\d-]+T/);

  await app.getByRole('button', { name: 'Reload the window' }).click();
  await expect(app.getByRole('heading', { name: 'Acme Corp' })).toBeVisible();
  await expect(app.getByText('Events: Connected')).toBeVisible();
});

test('a Hub that cannot be shown is said in the dialog, told to main, and a new try shows it', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Corp', 'acme');
  // The Hub's code could not be loaded once (a file held by a virus scanner, say). A Chromium that
  // keeps a failed module fetch for the page's life (150 does) is asked for it under a new URL.
  let hubLoads = 0;
  await app.route(/\/HubPanel-[\w-]+\.js(?:\?try=\d+)?$/, (route) =>
    hubLoads++ === 0 ? route.fulfill({ status: 404, body: '' }) : route.continue(),
  );
  await app.getByRole('button', { name: 'Connect an integration' }).click();

  const dialog = app.getByRole('dialog', { name: 'Connect an integration for Acme Corp' });
  await expect(dialog.getByRole('alert')).toHaveText(
    'The StackOne Hub could not be shown. Try again; if it keeps failing, close this and use Send a link, and copy the diagnostics in Settings for support.',
  );
  await expect.poll(() => reports(harness.callsMade)).toBe(1);
  // The rest of the window is unharmed.
  await expect(app.getByRole('heading', { name: 'Acme Corp', exact: true })).toBeAttached();

  await dialog.getByRole('button', { name: 'Try again' }).click();
  await expect(
    dialog.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }),
  ).toBeVisible();
  expect(hubLoads).toBe(2);
  expect(harness.callsMade.filter((name) => name === 'createConnectSession')).toHaveLength(2);
});

test("a link's QR code whose library cannot be loaded says so, the link is there to copy or email, and the next link's QR code asks for the library anew", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Corp', 'acme');
  // The QR code library's chunk (qrcode's browser build) could not be loaded, nor at once again
  // under a new URL; then it can.
  const qrLibraryLoads: string[] = [];
  await app.route(/\/assets\/browser-[\w-]+\.js(?:\?try=\d+)?$/, (route) => {
    qrLibraryLoads.push(new URL(route.request().url()).search);
    return qrLibraryLoads.length <= 2 ? route.fulfill({ status: 404, body: '' }) : route.continue();
  });
  await app.getByRole('button', { name: 'Send a link' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Corp a link' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
  await expect(
    dialog.getByText(
      'The QR code could not be made: part of the app could not be loaded. Copy the link or email it instead.',
    ),
  ).toBeVisible();
  await expect(dialog.getByRole('img', { name: /QR code/ })).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Copy link' })).toBeEnabled();
  expect(qrLibraryLoads).toEqual(['', '?try=1']);
  // Said in the dialog, not a failure nothing handled.
  expect(reports(harness.callsMade)).toBe(0);
  await dialog.getByRole('button', { name: 'Done' }).click();

  await app.getByRole('button', { name: 'Send a link' }).click();
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.getByRole('img', { name: /QR code/ })).toBeVisible();
  expect(qrLibraryLoads).toEqual(['', '?try=1', '?try=2']);
});

test("a link's QR code is shown when its library's first fetch fails and the one at once after it does not", async ({
  app,
}) => {
  await addCustomer(app, 'Acme Corp', 'acme');
  let qrLibraryLoads = 0;
  await app.route(/\/assets\/browser-[\w-]+\.js(?:\?try=\d+)?$/, (route) =>
    qrLibraryLoads++ === 0 ? route.fulfill({ status: 404, body: '' }) : route.continue(),
  );
  await app.getByRole('button', { name: 'Send a link' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Corp a link' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.getByRole('img', { name: /QR code/ })).toBeVisible();
  expect(qrLibraryLoads).toBe(2);
});

test('an error outside drawing (a timer, a promise nothing waited for) reaches main, and the window carries on', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Corp', 'acme');
  await app.evaluate(() => {
    setTimeout(() => {
      throw new Error('a timer failed');
    });
    void Promise.reject(new Error('a promise failed'));
  });
  await expect.poll(() => reports(harness.callsMade)).toBe(2);
  await expect(app.getByRole('heading', { name: 'Acme Corp' })).toBeVisible();
  await app.getByRole('button', { name: 'Settings' }).click();
  expect(await diagnosticsShown(app)).toContain('\nWindow errors: 2, the last at ');
});
