import { addCustomer, expect, linkBambooHrFromAuthLink, test } from './fixtures';

test('a link finished on the customer’s device, an account that breaks and one disconnected elsewhere are told (to screen readers in the window too); a click shows that customer', async ({
  app,
  harness,
  browser,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await addCustomer(app, 'Globex', 'globex');
  const link = await harness.session.handlers.createAuthLink({
    customerId: 'acme',
    validForDays: 1,
  });
  expect(harness.notices).toEqual([]);

  await linkBambooHrFromAuthLink(browser, link.url);
  await expect
    .poll(() => harness.notices)
    .toEqual([
      {
        customerId: 'acme',
        title: 'Acme Ltd: BambooHR linked',
        body: 'The account is active in StackOne.',
      },
    ]);

  // The window says it to screen readers, whichever customer it shows (Globex here).
  const announced = app.getByRole('status').filter({ hasText: 'Acme Ltd:' });
  await expect(announced).toHaveText('Acme Ltd: BambooHR linked');

  // Also while a dialog makes the page behind it inert.
  await app.getByRole('button', { name: 'Settings' }).click();
  const id = harness.store.accountsOf('acme')[0]?.id ?? '';
  await harness.control(`/_simulator/accounts/${id}/status`, { status: 'expired' });
  await expect
    .poll(() => harness.notices.map((notice) => notice.title))
    .toEqual(['Acme Ltd: BambooHR linked', 'Acme Ltd: BambooHR needs re-linking']);
  await expect(announced).toHaveText('Acme Ltd: BambooHR needs re-linking');
  expect(await announced.evaluate((region) => region.closest('[inert]'))).toBeNull();
  await app.keyboard.press('Escape');

  // The user clicks the notification: main brings the window forward and sends this.
  await expect(app.getByRole('heading', { name: 'Globex' })).toBeVisible();
  await app.evaluate(() => window.__onboardingDeliver?.('showCustomer', { customerId: 'acme' }));
  await expect(app.getByRole('heading', { name: 'Acme Ltd' })).toBeVisible();
  await expect(app.getByRole('table', { name: 'Linked accounts' })).toContainText('Expired');

  // Not while a dialog is open: the Hub in it may be linking an account for the customer shown.
  await app.getByRole('button', { name: 'Connect an integration' }).click();
  await app.evaluate(() => window.__onboardingDeliver?.('showCustomer', { customerId: 'globex' }));
  await expect(
    app.getByRole('dialog', { name: 'Connect an integration for Acme Ltd' }),
  ).toBeVisible();
  await app.getByRole('button', { name: 'Done' }).click();
  await expect(app.getByRole('heading', { name: 'Acme Ltd' })).toBeVisible();

  // Disconnected elsewhere (in StackOne, say): told too, as it goes from the list.
  await harness.control(`/_simulator/accounts/${id}/delete`, {});
  await expect
    .poll(() => harness.notices.map((notice) => notice.title))
    .toEqual([
      'Acme Ltd: BambooHR linked',
      'Acme Ltd: BambooHR needs re-linking',
      'Acme Ltd: BambooHR disconnected',
    ]);
  await expect(announced).toHaveText('Acme Ltd: BambooHR disconnected');
  await expect(app.getByRole('table', { name: 'Linked accounts' })).toHaveCount(0);
});

test('a customer shown alone (the screen shared with them): no other is listed, told to screen readers or notified, after a reload too, until all are shown again', async ({
  app,
  harness,
  browser,
}) => {
  await addCustomer(app, 'Globex', 'globex');
  await addCustomer(app, 'Acme Ltd', 'acme');
  const customerList = app.getByRole('list', { name: 'Customers' });
  await expect(customerList.getByRole('button')).toHaveCount(2);

  await app.getByRole('button', { name: 'Show only Acme Ltd' }).click();
  const showAll = app.getByRole('button', { name: 'Show all customers' });
  await expect(showAll).toBeFocused();
  await expect(customerList).toHaveCount(0);
  await expect(app.getByLabel('Name')).toHaveCount(0);
  await expect(app.getByText(/^Only Acme Ltd is shown: no other customer is named/)).toBeVisible();
  await expect(app.locator('body')).not.toContainText('Globex');

  // Globex's customer finishes a link meanwhile: told to nobody; Acme's news still is.
  const globexLink = await harness.session.handlers.createAuthLink({
    customerId: 'globex',
    validForDays: 1,
  });
  await linkBambooHrFromAuthLink(browser, globexLink.url);
  await expect
    .poll(() => harness.store.accountsOf('globex').map((account) => account.status))
    .toEqual(['active']);
  const acmeLink = await harness.session.handlers.createAuthLink({
    customerId: 'acme',
    validForDays: 1,
  });
  await linkBambooHrFromAuthLink(browser, acmeLink.url);
  await expect
    .poll(() => harness.notices.map((notice) => notice.title))
    .toEqual(['Acme Ltd: BambooHR linked']);
  await expect(app.getByRole('status').filter({ hasText: 'Acme Ltd:' })).toHaveText(
    'Acme Ltd: BambooHR linked',
  );
  await expect(app.locator('body')).not.toContainText('Globex');

  // Find Customer (Ctrl+F) finds the way back to all; an old notification's click changes nothing.
  await app.getByRole('button', { name: 'Refresh' }).focus();
  await app.evaluate(() =>
    window.__onboardingDeliver?.('menuCommand', { command: 'findCustomer' }),
  );
  await expect(showAll).toBeFocused();
  await app.evaluate(() => window.__onboardingDeliver?.('showCustomer', { customerId: 'globex' }));
  await expect(app.getByRole('heading', { name: 'Acme Ltd' })).toBeVisible();

  await app.reload();
  await expect(app.getByRole('heading', { name: 'Acme Ltd' })).toBeVisible();
  await expect(showAll).toBeVisible();
  await expect(customerList).toHaveCount(0);
  await expect(app.locator('body')).not.toContainText('Globex');

  await showAll.click();
  await expect(customerList.getByRole('button')).toHaveCount(2);
  await expect(app.getByRole('button', { name: 'Show only Acme Ltd' })).toBeFocused();
  const globexId = harness.store.accountsOf('globex')[0]?.id ?? '';
  await harness.control(`/_simulator/accounts/${globexId}/status`, { status: 'expired' });
  await expect
    .poll(() => harness.notices.map((notice) => notice.title))
    .toEqual(['Acme Ltd: BambooHR linked', 'Globex: BambooHR needs re-linking']);

  // The customer shown alone is not in the list read at the next start (the other mode's, the
  // demo started afresh): none is shown rather than all.
  await harness.session.handlers.showOnlyCustomer({ customerId: 'initech' });
  await app.reload();
  await expect(app.getByText(/^The customer shown alone is not in this list/)).toBeVisible();
  await expect(
    app.getByText('No customer is shown: Show all customers to choose one.'),
  ).toBeVisible();
  await expect(customerList).toHaveCount(0);
  await expect(app.locator('body')).not.toContainText(/Acme|Globex/);
  await showAll.click();
  await expect(customerList.getByRole('button')).toHaveCount(2);
  // No customer shown, so no Show only: the keyboard goes to the list.
  await expect(customerList.getByRole('button').first()).toBeFocused();

  // The customer shown alone removed: all are shown, in the window and to main's notifications.
  await addCustomer(app, 'Hooli', 'hooli');
  await app.getByRole('button', { name: 'Show only Hooli' }).click();
  await expect(showAll).toBeFocused();
  await app.getByRole('button', { name: 'Remove' }).click();
  await app
    .getByRole('group', { name: 'Remove Hooli?' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(customerList.getByRole('button')).toHaveCount(2);
  expect(await harness.session.handlers.getCustomerShownAlone({})).toEqual({ customerId: null });
});
