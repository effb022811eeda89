import { test as base, expect, type Page } from '@playwright/test';
import { silentLogger } from '../../src/main/logger';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server';

/**
 * The real Hub (its `<stackone-hub>` web component, as served on the simulator's auth-link page)
 * against the simulator, for every connector shape and outcome.
 */
const apiKey = 'v1.test.hub-shapes';
const basic = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;

const test = base.extend<{ simulator: RunningSimulator }>({
  // eslint-disable-next-line no-empty-pattern
  simulator: async ({}, use) => {
    const simulator = await startSimulator({ apiKey, logger: silentLogger() });
    await use(simulator);
    await simulator.close();
  },
});

async function authLink(
  simulator: RunningSimulator,
  body: Record<string, unknown> = {},
): Promise<string> {
  const response = await fetch(`${simulator.url}/connect_sessions`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: JSON.stringify({ origin_owner_id: 'acme', origin_owner_name: 'Acme Ltd', ...body }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { auth_link_url: string }).auth_link_url;
}

async function control(simulator: RunningSimulator, path: string): Promise<void> {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { authorization: basic },
  });
  expect(response.ok).toBe(true);
}

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });
const connect = (page: Page) => page.getByRole('button', { name: 'Connect', exact: true }).click();
const linked = (page: Page) => expect(page.getByText('Your account is connected.')).toBeVisible();
const only = (simulator: RunningSimulator) => [...simulator.state.accounts.values()];

test('auth link: a customer links an API-key account in a plain browser page', async ({
  page,
  simulator,
}) => {
  await page.goto(await authLink(simulator));
  await expect(page.getByRole('heading', { name: 'Connect your systems' })).toBeVisible();
  await page.getByText('BambooHR', { exact: true }).click();
  await page.getByPlaceholder('acme').fill('acme');
  await page.locator('input[type=password]').fill('bamboo-key-0123456789abcdef');
  await connect(page);
  await linked(page);
  expect(only(simulator)).toMatchObject([
    { provider: 'bamboohr', originOwnerId: 'acme', credentials: { subdomain: 'acme' } },
  ]);
});

test('auth link: an expired link says so and shows no Hub', async ({ page, simulator }) => {
  const link = await authLink(simulator, { expires_in: 300 });
  await control(simulator, '/_simulator/sessions/expire');
  const response = await page.goto(link);
  expect(response?.status()).toBe(410);
  await expect(page.getByRole('heading', { name: 'This link has expired' })).toBeVisible();
});

test('older config shape with select, number and text area fields (Workday)', async ({
  page,
  simulator,
}) => {
  await page.goto(await authLink(simulator));
  await page.getByText('Workday', { exact: true }).click();
  await page.getByPlaceholder('acme_corp').fill('acme_corp');
  await field(page, 'Integration system user').fill('isu_stackone');
  await page.locator('input[type=password]').fill('correct-horse');
  await page.getByText('Select Field').click();
  await page.getByText('Sandbox', { exact: true }).click();
  await page.locator('textarea').fill('https://wd5.example/report-1');
  await connect(page);
  await linked(page);
  expect(only(simulator)[0]?.credentials).toMatchObject({
    tenant: 'acme_corp',
    environment: 'sandbox',
    api_version: '41',
    report_urls: 'https://wd5.example/report-1',
  });
});

test('a notice is shown, and a multi-field form links (HiBob)', async ({ page, simulator }) => {
  await page.goto(await authLink(simulator));
  await page.getByText('HiBob', { exact: true }).click();
  // Text only the notice has (the field below is labelled "Service user id").
  await expect(
    page.getByText('Settings → Integrations → Service users', { exact: false }),
  ).toBeVisible();
  await page.getByPlaceholder('SERVICE-12345').fill('SERVICE-4242');
  await page.locator('input[type=password]').fill('t'.repeat(30));
  await connect(page);
  await linked(page);
});

test('a hidden field is not shown but is submitted (Workable)', async ({ page, simulator }) => {
  await page.goto(await authLink(simulator));
  await page.getByText('Workable', { exact: true }).click();
  await expect(page.getByText('API version')).toHaveCount(0);
  await page.getByPlaceholder('acme').fill('acme');
  await page.locator('input[type=password]').fill('w'.repeat(24));
  await connect(page);
  await linked(page);
  expect(only(simulator)[0]?.credentials).toMatchObject({ api_version: 'v3' });
});

test('html-pattern validation stops the form before anything is sent (BambooHR)', async ({
  page,
  simulator,
}) => {
  await page.goto(await authLink(simulator));
  await page.getByText('BambooHR', { exact: true }).click();
  await page.getByPlaceholder('acme').fill('Acme Corp!');
  await page.locator('input[type=password]').fill('bamboo-key-0123456789abcdef');
  await expect(page.getByText('Use lower-case letters, digits and dashes only.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeDisabled();
  await page.getByPlaceholder('acme').fill('acme-corp');
  await expect(page.getByText('Use lower-case letters, digits and dashes only.')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeEnabled();
  expect(only(simulator)).toEqual([]);
});

test('OAuth client-credentials connector is a form, not a popup (Docebo)', async ({
  page,
  simulator,
  context,
}) => {
  await page.goto(await authLink(simulator));
  await page.getByText('Docebo', { exact: true }).click();
  await page.getByPlaceholder('acme.docebosaas.com').fill('acme.docebosaas.com');
  await field(page, 'Client id').fill('client-1');
  await page.locator('input[type=password]').fill('s'.repeat(20));
  await connect(page);
  await linked(page);
  expect(context.pages()).toHaveLength(1);
});

test('OAuth: Cancel in the provider window returns the Hub to its form', async ({
  page,
  simulator,
  context,
}) => {
  await page.goto(await authLink(simulator));
  await page.getByText('Lever', { exact: true }).click();
  const popupOpened = context.waitForEvent('page');
  await connect(page);
  const popup = await popupOpened;
  await popup.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeEnabled();
  await expect(page.getByText('Your account is connected.')).toBeHidden();
  expect(only(simulator)).toEqual([]);
  expect([...simulator.state.attempts.values()].map((a) => a.status)).toEqual(['cancelled']);
});

test('OAuth: an attempt that expires returns the Hub to its form', async ({
  page,
  simulator,
  context,
}) => {
  await page.goto(await authLink(simulator));
  await page.getByText('Salesforce', { exact: true }).click();
  const popupOpened = context.waitForEvent('page');
  await connect(page);
  const popup = await popupOpened;
  await control(simulator, '/_simulator/connection_attempts/expire');
  // The Hub sees `expired` on its next poll, closes the provider window and offers Connect again.
  await popup.waitForEvent('close', { timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeEnabled();
  expect(only(simulator)).toEqual([]);
});

test('OAuth: Approve links the account from a plain browser page (Google Drive)', async ({
  page,
  simulator,
  context,
}) => {
  await page.goto(await authLink(simulator, { categories: ['documents'] }));
  await expect(page.getByText('HubSpot')).toHaveCount(0);
  await page.getByText('Google Drive', { exact: true }).click();
  const popupOpened = context.waitForEvent('page');
  await connect(page);
  const popup = await popupOpened;
  await popup.getByRole('button', { name: 'Approve' }).click();
  await linked(page);
  expect(only(simulator)).toMatchObject([{ provider: 'google_drive' }]);
});

test('edit mode: secrets come back redacted and stay unchanged unless retyped', async ({
  page,
  simulator,
}) => {
  await page.goto(await authLink(simulator));
  await page.getByText('BambooHR', { exact: true }).click();
  await page.getByPlaceholder('acme').fill('acme');
  await page.locator('input[type=password]').fill('bamboo-key-0123456789abcdef');
  await connect(page);
  await linked(page);
  const account = only(simulator)[0];
  expect(account).toBeDefined();

  await page.goto(await authLink(simulator, { account_id: account?.id }));
  const subdomain = page.getByPlaceholder('acme');
  await expect(subdomain).toHaveValue('acme');
  await subdomain.fill('acme-hr');
  await page
    .getByRole('button', { name: /Connect|Save|Update/ })
    .last()
    .click();
  await linked(page);
  expect(only(simulator)).toHaveLength(1);
  expect(only(simulator)[0]?.credentials).toEqual({
    subdomain: 'acme-hr',
    api_key: 'bamboo-key-0123456789abcdef',
  });
});

test('an expired token shows the Hub’s own empty state', async ({ page, simulator }) => {
  const link = await authLink(simulator);
  const token = new URL(link).searchParams.get('token') ?? '';
  await control(simulator, '/_simulator/sessions/expire');
  // Host the component directly: the auth-link page itself refuses expired tokens (410).
  await page.goto(`${simulator.url}/embedded/accounts/callback`);
  await page.setContent(
    `<stackone-hub token="${token}" base-url="${simulator.url}" app-url="${simulator.url}"></stackone-hub>
     <script src="${simulator.url}/embedded/hub-webcomponent.js"></script>`,
  );
  await expect(page.getByText('No configured integrations available.')).toBeVisible();
});
