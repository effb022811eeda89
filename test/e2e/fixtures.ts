import {
  test as base,
  expect,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import { linkBambooHrThroughHub } from '../support/simulator-hub';
import { startHarness, type Harness } from './harness';

export const test = base.extend<{ harness: Harness; app: Page }>({
  // eslint-disable-next-line no-empty-pattern
  harness: async ({}, use) => {
    const harness = await startHarness();
    await use(harness);
    await harness.close();
  },
  app: async ({ harness, context }, use) => {
    await use(await harness.openApp(context));
  },
});
export { expect };

/** A maximised window zoomed to 400% (CSS px): one column. */
export const oneColumnSize = { width: 320, height: 200 };

export async function addCustomer(page: Page, name: string, id: string): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Customer id').fill(id);
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

export async function openHubOn(page: Page, connectorName: string): Promise<void> {
  await page.getByRole('button', { name: 'Connect an integration' }).click();
  await page.getByTestId('stackone-hub').getByText(connectorName, { exact: true }).click();
}

export const accountRows = (page: Page) =>
  page.getByRole('table', { name: 'Linked accounts' }).locator('tbody tr');

/** Fills the BambooHR form in the open Hub and submits it. */
export async function submitBambooHr(
  page: Page,
  apiKey = 'bamboo-key-0123456789abcdef',
): Promise<void> {
  const hub = page.getByTestId('stackone-hub');
  await hub.getByPlaceholder('acme').fill('acme');
  await hub.locator('input[type=password]').fill(apiKey);
  await hub.getByRole('button', { name: 'Connect', exact: true }).click();
}

/**
 * Links a BambooHR account for the customer shown through the app's own Hub, waits for it to turn
 * active (its webhook has come through the relay) and closes the dialog.
 */
export async function linkBambooHrUntilActive(page: Page): Promise<void> {
  await openHubOn(page, 'BambooHR');
  await submitBambooHr(page);
  await expect(accountRows(page).first().locator('[data-status]')).toHaveAttribute(
    'data-status',
    'active',
  );
  await page.getByRole('button', { name: 'Done' }).click();
}

/**
 * Links a BambooHR account for a customer in the demo's StackOne, as another implementer's app
 * would (a second account, labelled, where a label is given); resolves to the account's id.
 */
export async function linkElsewhere(
  harness: Harness,
  owner: { id: string; name: string },
  secondAccount?: { label: string },
) {
  const session = (await harness.control('/connect_sessions', {
    origin_owner_id: owner.id,
    origin_owner_name: owner.name,
    ...(secondAccount !== undefined && { multiple: true, label: secondAccount.label }),
  })) as { token: string };
  return linkBambooHrThroughHub(harness.backend.simulatorUrl, session.token);
}

/** linkBambooHrUntilActive in demo mode, resolving to the new account's id. */
export async function linkActiveBambooHr(page: Page, harness: Harness, customerId: string) {
  await linkBambooHrUntilActive(page);
  return harness.store.accountsOf(customerId)[0]?.id ?? '';
}

/** Makes an auth link for the customer shown (Send a link, Create link, Done); resolves to it. */
export async function sendLink(
  page: Page,
  customerName: string,
  options: { validFor?: string } = {},
): Promise<string> {
  await page.getByRole('button', { name: 'Send a link' }).click();
  const dialog = page.getByRole('dialog', { name: `Send ${customerName} a link` });
  if (options.validFor !== undefined)
    await dialog.getByLabel('Valid for').selectOption({ label: options.validFor });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const url = await dialog.getByLabel('Link', { exact: true }).inputValue();
  expect(url).toMatch(/token=/);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
  return url;
}

/**
 * The customer, on a device of their own (a browser context of its own), opens the auth link and
 * links BambooHR through StackOne's page.
 */
export async function linkBambooHrFromAuthLink(browser: Browser, url: string): Promise<void> {
  const customerDevice = await browser.newContext();
  try {
    const page = await customerDevice.newPage();
    await page.goto(url);
    await linkBambooHrOnAuthLinkPage(page);
  } finally {
    await customerDevice.close();
  }
}

/** Links BambooHR on an auth link's page, open in `page`, as the customer would. */
export async function linkBambooHrOnAuthLinkPage(page: Page): Promise<void> {
  await page.getByText('BambooHR', { exact: true }).click();
  await page.getByPlaceholder('acme').fill('acme');
  await page.locator('input[type=password]').fill('bamboo-key-0123456789abcdef');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByText('Your account is connected.')).toBeVisible();
}

/**
 * Runs `use` in an app of its own whose account, linked through the Hub with the demo's webhooks
 * held, is read from StackOne half a second on (not the app's 30 s): the Hub's dialog still open.
 */
export async function withAccountLinkedAndWebhooksHeld(
  context: BrowserContext,
  use: (app: Page, harness: Harness) => Promise<void>,
): Promise<void> {
  const harness = await startHarness({ hubLinkEventWaitMs: 500 });
  try {
    const app = await harness.openApp(context);
    await addCustomer(app, 'Acme Ltd', 'acme');
    await harness.control('/_simulator/webhooks/pause', {});
    await openHubOn(app, 'BambooHR');
    await submitBambooHr(app);
    await use(app, harness);
  } finally {
    await harness.close();
  }
}
