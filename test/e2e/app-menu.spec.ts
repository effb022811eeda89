import type { Page } from '@playwright/test';
import type { MenuCommand } from '../../src/shared/contract';
import { addCustomer, expect, test } from './fixtures';

/** What main sends when one of the window's commands is chosen from the app's menu (app-menu.ts). */
const chooseFromMenu = (app: Page, command: MenuCommand) =>
  app.evaluate(
    (chosen) => window.__onboardingDeliver?.('menuCommand', { command: chosen }),
    command,
  );

test("the menu's New Customer and Settings reach the window", async ({ app }) => {
  await expect(app.getByText('Events: Connected')).toBeVisible();
  const name = app.getByLabel('Name');
  await expect(name).not.toBeFocused();

  await chooseFromMenu(app, 'newCustomer');
  await expect(name).toBeFocused();

  await chooseFromMenu(app, 'openSettings');
  const settings = app.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(settings).toBeHidden();
  await expect(name).toBeFocused();
});

test("the menu's Find Customer puts the keyboard where a customer is found, however many there are", async ({
  app,
  harness,
}) => {
  await expect(app.getByText('Events: Connected')).toBeVisible();
  await chooseFromMenu(app, 'findCustomer');
  await expect(
    app.getByRole('button', { name: 'Find a customer already in StackOne…' }),
  ).toBeFocused();

  await addCustomer(app, 'Acme Ltd', 'acme');
  await addCustomer(app, 'Globex', 'globex');
  await chooseFromMenu(app, 'findCustomer');
  await expect(app.getByRole('button', { name: /^Globex/ })).toBeFocused();

  for (const name of ['Hooli', 'Initech', 'Umbrella', 'Wonka']) {
    await harness.session.handlers.createCustomer({ id: name.toLowerCase(), name });
  }
  await app.reload();
  const search = app.getByLabel('Find a customer');
  await search.fill('glob');
  await app.getByRole('button', { name: 'Settings' }).focus();
  await chooseFromMenu(app, 'findCustomer');
  await expect(search).toBeFocused();
  // What was typed is selected: the next keys replace it.
  await app.keyboard.type('ini');
  await expect(search).toHaveValue('ini');
});

test('a menu command waits while a dialog is open: the Hub being used is not replaced', async ({
  app,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await app.getByRole('button', { name: 'Connect an integration' }).click();
  const hub = app.getByTestId('stackone-hub');
  await expect(hub.getByText('BambooHR', { exact: true })).toBeVisible();

  await chooseFromMenu(app, 'openSettings');
  await chooseFromMenu(app, 'newCustomer');
  await expect(app.getByRole('dialog')).toHaveCount(1);
  await expect(hub.getByText('BambooHR', { exact: true })).toBeVisible();
  await expect(app.getByRole('dialog', { name: 'Settings' })).toHaveCount(0);
  await expect(app.getByLabel('Name')).not.toBeFocused();
});

test("the menu's Show Only This Customer hides the others at once; chosen again, it goes to Show all customers", async ({
  app,
}) => {
  await addCustomer(app, 'Globex', 'globex');
  await addCustomer(app, 'Acme Ltd', 'acme');
  await app.getByRole('button', { name: 'Connect an integration' }).focus();

  await chooseFromMenu(app, 'showOnlyCustomer');
  const showAll = app.getByRole('button', { name: 'Show all customers' });
  await expect(showAll).toBeFocused();
  await expect(app.getByRole('list', { name: 'Customers' })).toHaveCount(0);
  await expect(app.locator('body')).not.toContainText('Globex');

  await app.getByRole('button', { name: 'Connect an integration' }).focus();
  await chooseFromMenu(app, 'showOnlyCustomer');
  await expect(showAll).toBeFocused();
  await expect(app.getByRole('heading', { name: 'Acme Ltd' })).toBeVisible();
  // New Customer too: the new-customer form is hidden with the others.
  await app.getByRole('button', { name: 'Connect an integration' }).focus();
  await chooseFromMenu(app, 'newCustomer');
  await expect(showAll).toBeFocused();
});

test("the menu's Connect an Integration and Send a Link open their dialogs for the customer shown, the keyboard back on their buttons after; with no customer, the new customer's name", async ({
  app,
}) => {
  await expect(app.getByText('Events: Connected')).toBeVisible();
  await chooseFromMenu(app, 'sendLink');
  await expect(app.getByLabel('Name')).toBeFocused();
  await expect(app.getByRole('dialog')).toHaveCount(0);

  await addCustomer(app, 'Globex', 'globex');
  await addCustomer(app, 'Acme Ltd', 'acme');
  await chooseFromMenu(app, 'connectIntegration');
  const connect = app.getByRole('dialog', { name: 'Connect an integration for Acme Ltd' });
  await expect(connect).toBeFocused();
  // Not a second dialog over the first.
  await chooseFromMenu(app, 'sendLink');
  await expect(app.getByRole('dialog')).toHaveCount(1);
  await connect.getByRole('button', { name: 'Done' }).click();
  await expect(app.getByRole('button', { name: 'Connect an integration' })).toBeFocused();

  await chooseFromMenu(app, 'sendLink');
  const sendLink = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await expect(sendLink).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(sendLink).toHaveCount(0);
  await expect(app.getByRole('button', { name: 'Send a link' })).toBeFocused();

  // Shown alone, the customer shown is still the one they are for.
  await app.getByRole('button', { name: 'Show only Acme Ltd' }).click();
  await chooseFromMenu(app, 'sendLink');
  await expect(sendLink).toBeFocused();
});

test("the menu's Import or Export Customers opens that dialog, but not while a customer is shown alone", async ({
  app,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await chooseFromMenu(app, 'importOrExportCustomers');
  const dialog = app.getByRole('dialog', { name: 'Import or export customers' });
  await expect(dialog).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The dialog would name a file's customers already here: the way there is Show all first.
  await addCustomer(app, 'Globex', 'globex');
  await app.getByRole('button', { name: 'Show only Globex' }).click();
  await chooseFromMenu(app, 'importOrExportCustomers');
  await expect(app.getByRole('button', { name: 'Show all customers' })).toBeFocused();
  await expect(dialog).toHaveCount(0);
});
