import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import jsQR from 'jsqr';
import { windowSize } from '../../src/main/window-bounds';
import { blockFile } from '../support/blocked-file';
import { startHarness, type Harness } from './harness';
import {
  accountRows,
  addCustomer,
  expect,
  linkActiveBambooHr,
  linkBambooHrFromAuthLink,
  linkBambooHrOnAuthLinkPage,
  linkBambooHrUntilActive,
  linkElsewhere,
  oneColumnSize,
  openHubOn,
  sendLink,
  submitBambooHr,
  test,
  withAccountLinkedAndWebhooksHeld,
} from './fixtures';

test.describe('linking an account through the embedded StackOne Hub', () => {
  test('API-key connector: the account appears pending and turns active only after its webhook arrives', async ({
    app,
    harness,
  }) => {
    await addCustomer(app, 'Acme Ltd', 'acme');
    await harness.control('/_simulator/webhooks/pause', {});

    await openHubOn(app, 'BambooHR');
    await submitBambooHr(app);

    const row = accountRows(app).first();
    await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'pending');
    await expect(row.getByTitle('bamboohr')).toHaveText('bamboohr');
    // Held by the simulator: nothing has reached the relay, so the account must stay pending.
    await app.waitForTimeout(1_000);
    await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'pending');

    await harness.control('/_simulator/webhooks/resume', {});
    await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'active');
    // StackOne's own answer brings the provider's display name; the key stays as its tooltip.
    await expect(row.getByTitle('bamboohr')).toHaveText('BambooHR');
    const deliveries = (await harness.control('/_simulator/webhooks/deliveries')) as {
      event: string;
      outcome: string;
    }[];
    expect(deliveries).toEqual([
      expect.objectContaining({ event: 'account.created', outcome: 'delivered' }),
    ]);
    expect(harness.store.relayCursor).toBe(1);
  });

  test('an account just linked is named as StackOne names its provider in the others, before StackOne is asked about it', async ({
    app,
    harness,
  }) => {
    await addCustomer(app, 'Acme Ltd', 'acme');
    await linkBambooHrUntilActive(app);
    await addCustomer(app, 'Globex', 'globex');
    await harness.control('/_simulator/webhooks/pause', {});
    await openHubOn(app, 'BambooHR');
    await submitBambooHr(app);

    const row = accountRows(app).first();
    await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'pending');
    await expect(row.getByTitle('bamboohr')).toHaveText('BambooHR');
    await expect(app.getByRole('dialog')).toContainText('(another BambooHR, say)');
  });

  test('a provider error from the form is shown by the Hub and adds no account', async ({
    app,
    harness,
  }) => {
    await addCustomer(app, 'Acme Ltd', 'acme');
    await openHubOn(app, 'BambooHR');
    await submitBambooHr(app, 'too-short');
    const hub = app.getByTestId('stackone-hub');
    const error = hub.getByText('BambooHR rejected the credentials');
    await expect(error).toBeVisible();
    await hub.getByRole('button', { name: 'Expand' }).click();
    await expect(
      hub.getByText('401 Unauthorized (invalid API key)', { exact: false }),
    ).toBeVisible();
    await expect(accountRows(app)).toHaveCount(0);
    expect(harness.store.accountsOf('acme')).toEqual([]);
  });

  test('OAuth connector: the popup opens, Approve links the account, and it turns active via the relay', async ({
    app,
    harness,
    context,
  }) => {
    await addCustomer(app, 'Globex', 'globex');
    await harness.control('/_simulator/webhooks/pause', {});
    await openHubOn(app, 'HubSpot');
    const popupOpened = context.waitForEvent('page');
    await app
      .getByTestId('stackone-hub')
      .getByRole('button', { name: 'Connect', exact: true })
      .click();
    const popup = await popupOpened;
    await expect(popup.getByRole('heading', { name: 'HubSpot' })).toBeVisible();
    expect(await popup.evaluate(() => 'onboarding' in window)).toBe(false);

    await popup.getByRole('button', { name: 'Approve' }).click();
    const row = accountRows(app).first();
    await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'pending');
    await expect(row).toContainText('hubspot');

    await harness.control('/_simulator/webhooks/resume', {});
    await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'active');
  });

  test('OAuth connector: Deny in the popup shows the Hub error and adds no account', async ({
    app,
    harness,
    context,
  }) => {
    await addCustomer(app, 'Initech', 'initech');
    await openHubOn(app, 'HubSpot');
    const popupOpened = context.waitForEvent('page');
    await app
      .getByTestId('stackone-hub')
      .getByRole('button', { name: 'Connect', exact: true })
      .click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: 'Deny' }).click();

    await expect(
      app.getByTestId('stackone-hub').getByText('Access to HubSpot was denied', { exact: false }),
    ).toBeVisible();
    await expect(accountRows(app)).toHaveCount(0);
    expect(harness.store.accountsOf('initech')).toEqual([]);
    const deliveries = (await harness.control('/_simulator/webhooks/deliveries')) as unknown[];
    expect(deliveries).toEqual([]);
  });
});

test('the connect dialog takes keyboard focus, keeps it while open, and gives it back', async ({
  app,
}) => {
  await addCustomer(app, 'Hooli', 'hooli');
  const opener = app.getByRole('button', { name: 'Connect an integration' });
  await opener.focus();
  await app.keyboard.press('Enter');
  const dialog = app.getByRole('dialog', { name: 'Connect an integration for Hooli' });
  await expect(dialog).toBeFocused();
  await expect(
    app.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }),
  ).toBeVisible();

  // Walk the whole tab order more than once round: it never reaches the page behind the dialog.
  const focusedOutside: string[] = [];
  for (let press = 0; press < 40; press++) {
    await app.keyboard.press('Tab');
    const outside = await app.evaluate(() => {
      const focused = document.activeElement;
      if (focused === null || focused === document.body) return null;
      return document.querySelector('[role=dialog]')?.contains(focused) === true
        ? null
        : (focused.textContent ?? focused.tagName).slice(0, 40);
    });
    if (outside !== null) focusedOutside.push(outside);
  }
  expect(focusedOutside).toEqual([]);

  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
});

test("Done asks first while the Hub's form has something typed in it (the customer's credentials), not for a search typed or a form left empty", async ({
  app,
}) => {
  await addCustomer(app, 'Hooli', 'hooli');
  await app.getByRole('button', { name: 'Connect an integration' }).click();
  const dialog = app.getByRole('dialog', { name: 'Connect an integration for Hooli' });
  const hub = app.getByTestId('stackone-hub');
  const done = dialog.getByRole('button', { name: 'Done' });
  const question = dialog.getByRole('group', { name: 'Close without connecting?' });

  // The integrations searched: nothing the customer would have to enter again.
  await hub.getByPlaceholder('Search Integrations').fill('Bamboo');
  await done.click();
  await expect(dialog).toBeHidden();

  await app.getByRole('button', { name: 'Connect an integration' }).click();
  await hub.getByText('BambooHR', { exact: true }).click();
  await hub.getByPlaceholder('acme').fill('hooli');
  await hub.locator('input[type=password]').fill('bamboo-key-0123456789abcdef');
  await done.click();
  await expect(question).toContainText(
    'What is typed in the Hub’s form goes, and would have to be entered again.',
  );
  await expect(question.getByRole('button', { name: 'Keep connecting' })).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(done).toBeFocused();
  await expect(hub.getByPlaceholder('acme')).toHaveValue('hooli');

  // Emptied again, the form is nothing to ask about.
  await hub.getByPlaceholder('acme').fill('');
  await hub.locator('input[type=password]').fill(' ');
  await done.click();
  await expect(dialog).toBeHidden();

  // Typed, and closed all the same.
  await app.getByRole('button', { name: 'Connect an integration' }).click();
  await hub.getByText('BambooHR', { exact: true }).click();
  await hub.getByPlaceholder('acme').fill('hooli');
  await done.click();
  await question.getByRole('button', { name: 'Close without connecting' }).click();
  await expect(dialog).toBeHidden();
  await expect(app.getByRole('button', { name: 'Connect an integration' })).toBeFocused();
});

test('a broken account is re-linked in place, and an account is disconnected once confirmed', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const id = await linkActiveBambooHr(app, harness, 'acme');
  const row = accountRows(app).first();
  const status = row.locator('[data-status]');
  await harness.control(`/_simulator/accounts/${id}/status`, {
    status: 'error',
    status_reasons: [
      { code: 'invalid_credentials', description: 'The API key was revoked in BambooHR.' },
    ],
  });
  await expect(status).toHaveAttribute('data-status', 'error');

  await row.getByRole('button', { name: 'Re-link BambooHR' }).click();
  const dialog = app.getByRole('dialog', { name: 'Re-link BambooHR for Acme Ltd' });
  const hub = dialog.getByTestId('stackone-hub');
  // The Hub opens on this account, with its settings filled in and its key shown redacted:
  // nothing typed, so Done closes at once.
  await expect(hub.getByPlaceholder('acme')).toHaveValue('acme');
  await hub.getByPlaceholder('acme').focus();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await row.getByRole('button', { name: 'Re-link BambooHR' }).click();
  await expect(hub.getByPlaceholder('acme')).toHaveValue('acme');
  await hub.getByRole('button', { name: 'Edit', exact: true }).click();
  await hub.locator('input[type=password]').fill('bamboo-key-renewed-0123456789');
  await hub.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(status).toHaveAttribute('data-status', 'active');
  await expect(accountRows(app)).toHaveCount(1);
  await expect(row).not.toContainText('The API key was revoked');
  // Linked, the form and what was typed in it are gone: nothing to ask.
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();

  // Disconnecting asks first; "Keep it" changes nothing.
  const confirmation = row.getByRole('group', { name: 'Disconnect BambooHR?' });
  await row.getByRole('button', { name: 'Disconnect BambooHR' }).click();
  await confirmation.getByRole('button', { name: 'Keep it' }).click();
  await expect(confirmation).toHaveCount(0);
  await expect(accountRows(app)).toHaveCount(1);
  await row.getByRole('button', { name: 'Disconnect BambooHR' }).click();
  await confirmation.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await expect(accountRows(app)).toHaveCount(0);
  expect(harness.store.isDeleted(id)).toBe(true);
  await expect
    .poll(async () =>
      ((await harness.control('/_simulator/webhooks/deliveries')) as { event: string }[]).map(
        (delivery) => delivery.event,
      ),
    )
    .toContain('account.deleted');
});

test("a second account of a system the customer has is linked beside it, labelled; the Hub's ordinary way says it took the first", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const first = await linkActiveBambooHr(app, harness, 'acme');

  // The ordinary way, StackOne takes a second BambooHR as the first one's credentials: said.
  await openHubOn(app, 'BambooHR');
  await submitBambooHr(app, 'bamboo-key-other-0123456789');
  const dialog = app.getByRole('dialog', { name: 'Connect an integration for Acme Ltd' });
  await expect(dialog.getByRole('status').filter({ hasText: 'StackOne already had' })).toHaveText(
    /this customer’s BambooHR account, so it took what was entered as that account’s credentials/,
  );
  await expect(accountRows(app)).toHaveCount(1);

  await dialog.getByRole('button', { name: 'Link a second account…' }).click();
  await expect(dialog.getByTestId('stackone-hub')).toHaveCount(0);
  const label = dialog.getByLabel('Label for the new account');
  await dialog.getByRole('button', { name: 'Use this label' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/Give the new account a label/);
  await expect(label).toHaveAttribute('aria-invalid', 'true');
  await label.fill('  UK entity ');
  await dialog.getByRole('button', { name: 'Use this label' }).click();
  const secondDialog = app.getByRole('dialog', { name: 'Connect a second account for Acme Ltd' });
  await expect(secondDialog).toContainText('A second account, labelled “UK entity”');
  await expect(
    secondDialog.getByRole('button', { name: 'Link an ordinary account instead' }),
  ).toBeFocused();
  await secondDialog.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }).click();
  // Held webhooks: the pending row already has the label asked for.
  await harness.control('/_simulator/webhooks/pause', {});
  await submitBambooHr(app, 'bamboo-key-uk-0123456789abc');
  await expect(accountRows(app)).toHaveCount(2);
  const pendingRow = accountRows(app).filter({ hasText: '(UK entity)' });
  await expect(pendingRow.locator('[data-status]')).toHaveAttribute('data-status', 'pending');
  await harness.control('/_simulator/webhooks/resume', {});
  const secondRow = accountRows(app).filter({ hasText: 'BambooHR (UK entity)' });
  await expect(secondRow.locator('[data-status]')).toHaveAttribute('data-status', 'active');
  await expect(
    secondRow.getByRole('button', { name: 'Re-link BambooHR (UK entity)' }),
  ).toBeVisible();
  // The account just linked with the label is not warned of as having it already; the line says
  // instead that the Hub's session would give the label to another linked from it...
  await expect(secondDialog).toContainText('A second account, labelled “UK entity”');
  await expect(secondDialog).not.toContainText('has this label already');
  await expect(secondDialog).toContainText(
    'BambooHR (UK entity) is linked: another account linked from here would be labelled “UK entity” too.',
  );
  await secondDialog.getByRole('button', { name: 'Choose another label' }).click();
  const labelAgain = secondDialog.getByLabel('Label for the new account');
  await expect(labelAgain).toHaveValue('UK entity');
  await labelAgain.fill('US entity');
  await secondDialog.getByRole('button', { name: 'Use this label' }).click();
  await expect(secondDialog).toContainText('A second account, labelled “US entity”');
  await expect(secondDialog).not.toContainText(/is linked:|has this label already/);
  // ... and a new session for a third with the same label warns of it as the customer's.
  await secondDialog.getByRole('button', { name: 'Link an ordinary account instead' }).click();
  await dialog.getByRole('button', { name: 'Link a second account…' }).click();
  await label.fill('UK entity');
  await dialog.getByRole('button', { name: 'Use this label' }).click();
  await expect(secondDialog).toContainText(
    'Their BambooHR (UK entity) has this label already: choose another if the new account may be of the same system.',
  );
  await secondDialog.getByRole('button', { name: 'Done' }).click();
  const [firstAccount, secondAccount] = harness.store.accountsOf('acme');
  expect(firstAccount).toMatchObject({ id: first });
  expect(firstAccount).not.toHaveProperty('label');
  expect(secondAccount).toMatchObject({ label: 'UK entity' });

  // A link can ask for one too, and the links sent say which.
  await app.getByRole('button', { name: 'Send a link' }).click();
  const sendDialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  const secondAccountButton = sendDialog.getByRole('button', { name: 'Link a second account…' });
  await secondAccountButton.click();
  await expect(sendDialog.getByRole('button', { name: 'Create link' })).toBeDisabled();
  // Escape takes back the form, not the dialog, and the keyboard is where it was.
  await app.keyboard.press('Escape');
  await expect(sendDialog.getByLabel('Label for the new account')).toHaveCount(0);
  await expect(secondAccountButton).toBeFocused();
  await app.keyboard.press('Enter');
  await sendDialog.getByLabel('Label for the new account').fill('Payroll');
  await sendDialog.getByRole('button', { name: 'Use this label' }).click();
  await sendDialog.getByRole('button', { name: 'Create link' }).click();
  await expect(sendDialog.getByRole('img', { name: /QR code/ })).toBeVisible();
  await sendDialog.getByRole('button', { name: 'Done' }).click();
  await expect(app.getByRole('region', { name: 'Links sent' })).toContainText(
    'To link a second account, labelled “Payroll”',
  );
});

test("a second account's label the customer has already is warned of as it is typed and once chosen, and can be changed", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkActiveBambooHr(app, harness, 'acme');
  await linkElsewhere(harness, { id: 'acme', name: 'Acme Ltd' }, { label: 'Payroll' });
  await expect(accountRows(app).filter({ hasText: 'BambooHR (Payroll)' })).toHaveCount(1);

  await app.getByRole('button', { name: 'Send a link' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await dialog.getByRole('button', { name: 'Link a second account…' }).click();
  const label = dialog.getByLabel('Label for the new account');
  const inUse =
    'Their BambooHR (Payroll) has this label already: choose another if the new account may be of the same system.';
  await label.fill('Pay');
  await expect(dialog.getByRole('status').filter({ hasText: 'has this label' })).toHaveCount(0);
  // Case and spaces aside, it is the same label to whoever reads it.
  await label.fill(' payroll ');
  await expect(dialog.getByRole('status').filter({ hasText: inUse })).toHaveCount(1);
  await expect(label).toHaveAccessibleDescription(
    `${inUse} Shown beside the system’s name, here and in StackOne, to tell the accounts apart.`,
  );

  // A warning, not a refusal: an account of another system may share the label.
  await dialog.getByRole('button', { name: 'Use this label' }).click();
  await expect(dialog).toContainText(`A second account, labelled “payroll”`);
  await expect(dialog).toContainText(inUse);
  const another = dialog.getByRole('button', { name: 'Choose another label' });
  await expect(another).toBeFocused();
  await another.click();
  await expect(label).toHaveValue('payroll');
  await expect(dialog.getByRole('button', { name: 'Create link' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toContainText(`A second account, labelled “payroll”`);
  await expect(another).toBeFocused();

  await another.click();
  await label.fill('Payroll Leeds');
  await dialog.getByRole('button', { name: 'Use this label' }).click();
  await expect(dialog).toContainText(`A second account, labelled “Payroll Leeds”`);
  await expect(dialog).not.toContainText('has this label already');
  await expect(another).toHaveCount(0);
  await expect(
    dialog.getByRole('button', { name: 'Link an ordinary account instead' }),
  ).toBeFocused();
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(app.getByRole('region', { name: 'Links sent' })).toContainText(
    'To link a second account, labelled “Payroll Leeds”',
  );
});

test("an account disconnected elsewhere while a second account is asked for: the label's form goes and what it held back comes back; a label chosen is still said", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const disconnectElsewhere = async (accountId: string) => {
    await harness.control(`/_simulator/accounts/${accountId}/delete`, {});
    await expect(accountRows(app)).toHaveCount(0);
  };

  // The connect dialog hides the Hub while the label is typed: it is back, not an empty dialog.
  const first = await linkActiveBambooHr(app, harness, 'acme');
  await app.getByRole('button', { name: 'Connect an integration' }).click();
  const dialog = app.getByRole('dialog', { name: 'Connect an integration for Acme Ltd' });
  await dialog.getByRole('button', { name: 'Link a second account…' }).click();
  await dialog.getByLabel('Label for the new account').fill('UK entity');
  await expect(dialog.getByTestId('stackone-hub')).toHaveCount(0);
  await disconnectElsewhere(first);
  await expect(dialog.getByLabel('Label for the new account')).toHaveCount(0);
  await expect(
    dialog.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }),
  ).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();

  // Send a link holds back Create link while it is typed: it can be pressed again.
  const second = await linkActiveBambooHr(app, harness, 'acme');
  await app.getByRole('button', { name: 'Send a link' }).click();
  const sendDialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await sendDialog.getByRole('button', { name: 'Link a second account…' }).click();
  await expect(sendDialog.getByRole('button', { name: 'Create link' })).toBeDisabled();
  await expect(sendDialog.getByLabel('Label for the new account')).toBeFocused();
  await disconnectElsewhere(second);
  await expect(sendDialog.getByLabel('Label for the new account')).toHaveCount(0);
  // The keyboard stays in the dialog, where Tab and Escape work.
  await expect(sendDialog).toBeFocused();
  await expect(sendDialog.getByRole('button', { name: 'Create link' })).toBeEnabled();
  // Linked again meanwhile, the customer has the system again: the form is not back by itself.
  await linkElsewhere(harness, { id: 'acme', name: 'Acme Ltd' });
  await expect(accountRows(app)).toHaveCount(1);
  await expect(sendDialog.getByRole('button', { name: 'Link a second account…' })).toBeVisible();
  await expect(sendDialog.getByRole('button', { name: 'Create link' })).toBeEnabled();

  // A label chosen stays said, with the way back to an ordinary account, once none is left.
  await sendDialog.getByRole('button', { name: 'Link a second account…' }).click();
  await sendDialog.getByLabel('Label for the new account').fill('Payroll');
  await sendDialog.getByRole('button', { name: 'Use this label' }).click();
  await disconnectElsewhere(harness.store.accountsOf('acme')[0]?.id ?? '');
  await expect(sendDialog).toContainText('A second account, labelled “Payroll”');
  await sendDialog.getByRole('button', { name: 'Link an ordinary account instead' }).click();
  await expect(sendDialog).not.toContainText('second account');
  await sendDialog.getByRole('button', { name: 'Create link' }).click();
  await expect(sendDialog.getByRole('img', { name: /QR code/ })).toBeVisible();
  await sendDialog.getByRole('button', { name: 'Done' }).click();
  await expect(app.getByRole('region', { name: 'Links sent' })).not.toContainText('second account');
});

test('an account disconnected elsewhere while it is being re-linked is said to be gone, and the dialog offers to link it anew', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const gone =
    'BambooHR has been disconnected meanwhile (in StackOne, or from another app): there is nothing left to re-link.';

  // In the Hub: it goes, where what it would do is update an account no longer there.
  const first = await linkActiveBambooHr(app, harness, 'acme');
  await app.getByRole('button', { name: 'Re-link BambooHR' }).click();
  const relinkDialog = app.getByRole('dialog', { name: 'Re-link BambooHR for Acme Ltd' });
  const subdomain = relinkDialog.getByTestId('stackone-hub').getByRole('textbox').first();
  await subdomain.focus();
  await expect(subdomain).toBeFocused();
  await harness.control(`/_simulator/accounts/${first}/delete`, {});
  await expect(relinkDialog.getByRole('status')).toHaveText(gone);
  await expect(relinkDialog.getByTestId('stackone-hub')).toHaveCount(0);
  await expect(relinkDialog).toBeFocused();
  await relinkDialog.getByRole('button', { name: 'Connect an integration instead' }).click();
  const connectDialog = app.getByRole('dialog', { name: 'Connect an integration for Acme Ltd' });
  await connectDialog.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }).click();
  await submitBambooHr(app);
  await expect(accountRows(app).locator('[data-status]')).toHaveAttribute('data-status', 'active');
  const second = harness.store.accountsOf('acme')[0]?.id ?? '';
  expect(second).not.toBe(first);
  await connectDialog.getByRole('button', { name: 'Done' }).click();

  // In Send a link: no link to re-link it is made; one to link it anew is.
  await app.getByRole('button', { name: 'Re-link BambooHR' }).click();
  await relinkDialog.getByRole('button', { name: 'Send them a link to re-link it' }).click();
  const relinkLinkDialog = app.getByRole('dialog', {
    name: 'Send Acme Ltd a link to re-link BambooHR',
  });
  await expect(relinkLinkDialog.getByRole('button', { name: 'Create link' })).toBeEnabled();
  await harness.control(`/_simulator/accounts/${second}/delete`, {});
  await expect(relinkLinkDialog.getByRole('status').filter({ hasText: gone })).toHaveCount(1);
  await expect(relinkLinkDialog.getByRole('button', { name: 'Create link' })).toBeDisabled();
  await relinkLinkDialog.getByRole('button', { name: 'Send a link to link it anew' }).click();
  const linkDialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await linkDialog.getByRole('button', { name: 'Create link' }).click();
  await expect(linkDialog.getByRole('img', { name: /QR code/ })).toBeVisible();
  await linkDialog.getByRole('button', { name: 'Done' }).click();
  await expect(app.getByRole('region', { name: 'Links sent' })).toContainText(
    'To link their systems',
  );
  await expect(app.getByRole('region', { name: 'Links sent' })).not.toContainText('re-link');
});

test('an expired OAuth account is re-linked through a new provider window', async ({
  app,
  harness,
  context,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await openHubOn(app, 'HubSpot');
  const hub = app.getByTestId('stackone-hub');
  let popupOpened = context.waitForEvent('page');
  await hub.getByRole('button', { name: 'Connect', exact: true }).click();
  let popup = await popupOpened;
  await popup.getByRole('button', { name: 'Approve' }).click();
  await popup.waitForEvent('close');
  const row = accountRows(app).first();
  const status = row.locator('[data-status]');
  await expect(status).toHaveAttribute('data-status', 'active');
  await app.getByRole('button', { name: 'Done' }).click();
  const id = harness.store.accountsOf('acme')[0]?.id ?? '';
  await harness.control(`/_simulator/accounts/${id}/status`, { status: 'expired' });
  await expect(status).toHaveAttribute('data-status', 'expired');

  await row.getByRole('button', { name: 'Re-link HubSpot' }).click();
  popupOpened = context.waitForEvent('page');
  await hub.getByRole('button', { name: 'Connect', exact: true }).click();
  popup = await popupOpened;
  await popup.getByRole('button', { name: 'Approve' }).click();
  await expect(status).toHaveAttribute('data-status', 'active');
  await expect(accountRows(app)).toHaveCount(1);
  expect(harness.store.accountsOf('acme').map((account) => account.id)).toEqual([id]);
});

test('a customer not in the room re-links their account from a link', async ({
  app,
  harness,
  browser,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const id = await linkActiveBambooHr(app, harness, 'acme');
  const row = accountRows(app).first();
  const status = row.locator('[data-status]');
  await harness.control(`/_simulator/accounts/${id}/status`, { status: 'expired' });
  await expect(status).toHaveAttribute('data-status', 'expired');

  await row.getByRole('button', { name: 'Re-link BambooHR' }).click();
  await app.getByRole('button', { name: 'Send them a link to re-link it' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link to re-link BambooHR' });
  await expect(dialog).toBeFocused();
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const url = await dialog.getByLabel('Link', { exact: true }).inputValue();
  const draft = new URL(
    (await dialog.getByRole('link', { name: 'Email it…' }).getAttribute('href')) ?? '',
  );
  expect(draft.searchParams.get('subject')).toBe("Reconnect Acme Ltd's BambooHR");
  await dialog.getByRole('button', { name: 'Done' }).click();
  // From one dialog to the next, focus still finds its way back to where it started.
  await expect(row.getByRole('button', { name: 'Re-link BambooHR' })).toBeFocused();

  const customerDevice = await browser.newContext();
  try {
    const page = await customerDevice.newPage();
    await page.goto(url);
    // The link opens on this account, its settings filled in and its key redacted.
    await expect(page.getByPlaceholder('acme')).toHaveValue('acme');
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.locator('input[type=password]').fill('bamboo-key-renewed-0123456789');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(page.getByText('Your account is connected.')).toBeVisible();
  } finally {
    await customerDevice.close();
  }
  await expect(status).toHaveAttribute('data-status', 'active');
  expect(harness.store.accountsOf('acme').map((account) => account.id)).toEqual([id]);
});

test('a link for the customer: copied, emailed or scanned, and the account it links arrives', async ({
  app,
  harness,
  context,
  browser,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await addCustomer(app, 'Acme Ltd', 'acme');
  const opener = app.getByRole('button', { name: 'Send a link' });
  await opener.click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await expect(dialog).toBeFocused();
  await dialog.getByLabel('Valid for').selectOption({ label: '7 days (StackOne’s longest)' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const linkField = dialog.getByLabel('Link', { exact: true });
  await expect(linkField).toHaveValue(/\/embedded\/integrations\?token=/);
  const url = await linkField.inputValue();
  expect(new URL(url).origin).toBe(harness.backend.simulatorUrl);
  await expect(dialog).toContainText('Valid until');
  const created = harness.sentToRenderer
    .map((sent) => JSON.parse(sent) as { value?: { url?: string; expiresAt?: string } })
    .find((result) => result.value?.url === url);
  const sevenDaysMs = 7 * 24 * 60 * 60 * 1000;
  const lifetimeMs = Date.parse(created?.value?.expiresAt ?? '') - Date.now();
  expect(lifetimeMs).toBeLessThanOrEqual(sevenDaysMs);
  expect(lifetimeMs).toBeGreaterThan(sevenDaysMs - 60_000);

  await dialog.getByRole('button', { name: 'Copy link' }).click();
  await expect(dialog.getByText('Link copied.')).toBeVisible();
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(url);

  const draft = new URL(
    (await dialog.getByRole('link', { name: 'Email it…' }).getAttribute('href')) ?? '',
  );
  expect(draft.protocol).toBe('mailto:');
  expect(draft.searchParams.get('subject')).toBe("Connect Acme Ltd's systems");
  expect(draft.searchParams.get('body')).toContain(`\n${url}\n`);
  // Read where the customer is: the time comes with its zone.
  expect(draft.searchParams.get('body')).toMatch(
    /The link works until \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M (UTC|GMT[+-]\d+|[A-Z]{3,4})\./,
  );

  // The QR code, read back from the pixels shown, is exactly the link.
  const pixels = await dialog
    .getByRole('img', { name: 'The link as a QR code, to scan with a phone' })
    .evaluate((image: HTMLImageElement) => {
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const drawing = canvas.getContext('2d');
      drawing?.drawImage(image, 0, 0);
      const data = drawing?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      return { width: canvas.width, height: canvas.height, data: Array.from(data) };
    });
  expect(jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height)?.data).toBe(url);

  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(opener).toBeFocused();

  await linkBambooHrFromAuthLink(browser, url);
  const row = accountRows(app).first();
  await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'active');
  await expect(row.getByTitle('bamboohr')).toHaveText('BambooHR');
});

test('in the demo a link opens on this computer only: the dialog says so, and opens it here for the implementer to play the customer', async ({
  app,
  context,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await app.getByRole('button', { name: 'Send a link' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  const notice = dialog.getByText('In the demo this link opens on this computer only');
  await expect(dialog.getByRole('button', { name: 'Create link' })).toBeVisible();
  await expect(notice).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Create link' }).click();
  const url = await dialog.getByLabel('Link', { exact: true }).inputValue();
  await expect(notice).toContainText('a phone or another computer cannot reach it');
  // In the app the page opens in the system browser (the window-open policy's unit test); here
  // Chromium opens it as a page of its own.
  const customerPageOpened = context.waitForEvent('page');
  await dialog.getByRole('link', { name: 'Open it in the browser' }).click();
  const customerPage = await customerPageOpened;
  expect(customerPage.url()).toBe(url);
  await linkBambooHrOnAuthLinkPage(customerPage);
  await customerPage.close();

  await expect(accountRows(app).first().locator('[data-status]')).toHaveAttribute(
    'data-status',
    'active',
  );

  // Links sent opens it again, as long as it works.
  await dialog.getByRole('button', { name: 'Done' }).click();
  const openAgain = app
    .getByRole('region', { name: 'Links sent' })
    .getByRole('link', { name: /^Open link made .+ in the browser$/ });
  await expect(openAgain).toHaveAccessibleDescription(/opens on this computer only/);
  const openedAgain = context.waitForEvent('page');
  await openAgain.click();
  expect((await openedAgain).url()).toBe(url);
});

test("Copy summary puts where the customer's linking stands on the clipboard", async ({
  app,
  harness,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await addCustomer(app, 'Acme Ltd', 'acme');
  const id = await linkActiveBambooHr(app, harness, 'acme');
  await harness.control(`/_simulator/accounts/${id}/status`, { status: 'expired' });
  await expect(accountRows(app).first().locator('[data-status]')).toHaveAttribute(
    'data-status',
    'expired',
  );
  await app.getByRole('button', { name: 'Copy summary' }).click();
  await expect(app.getByText('Summary copied.')).toBeVisible();
  const summary = await app.evaluate(() => navigator.clipboard.readText());
  expect(summary).toMatch(
    /^Acme Ltd \(customer id acme\), as of .+: 1 linked account, 1 to re-link\.\n/,
  );
  expect(summary).toMatch(
    new RegExp(`\\n- BambooHR: Expired, to re-link, linked [^\\n]+ \\[account ${id}\\]\\n`),
  );

  // A link out for the customer is said, without the link itself.
  const url = await sendLink(app, 'Acme Ltd');
  await app.getByRole('button', { name: 'Copy summary' }).click();
  await expect
    .poll(() => app.evaluate(() => navigator.clipboard.readText()))
    .toMatch(/\nLinks sent:\n- To link their systems, made [^\n]+; works until [^\n]+\n$/);
  expect(await app.evaluate(() => navigator.clipboard.readText())).not.toContain(url);
});

test('Copy link says so when the link cannot be copied, and the link stays there to copy by hand', async ({
  app,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await app.getByRole('button', { name: 'Send a link' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
  await app.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
  await dialog.getByRole('button', { name: 'Copy link' }).click();
  await expect(dialog.getByRole('status')).toHaveText(
    'The link could not be copied: select it above and copy it by hand.',
  );
});

test('a Hub menu opened from the dialog (outside it in the page) can be used', async ({ app }) => {
  await addCustomer(app, 'Pied Piper', 'pied-piper');
  await openHubOn(app, 'Workday');
  const hub = app.getByTestId('stackone-hub');
  await hub.getByText('Select Field').click();
  // The Hub renders the menu at the end of the page, beside the dialog, not in the inert app.
  await app.getByText('Sandbox', { exact: true }).click();
  await expect(hub.getByText('Sandbox', { exact: true })).toBeVisible();
});

test('secrets of the demo profile never reach the renderer', async ({ app, harness, context }) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await openHubOn(app, 'BambooHR');
  await submitBambooHr(app);
  await expect(accountRows(app).first().locator('[data-status]')).toHaveAttribute(
    'data-status',
    'active',
  );

  const { apiKey, relayToken } = harness.backend.profile;
  const basicAuth = Buffer.from(`${apiKey}:`).toString('base64');
  expect(harness.sentToRenderer.length).toBeGreaterThan(3);
  for (const secret of [apiKey, relayToken, basicAuth]) {
    expect(harness.sentToRenderer.join('\n')).not.toContain(secret);
    expect(await app.content()).not.toContain(secret);
    const storage = await context.storageState();
    expect(JSON.stringify(storage)).not.toContain(secret);
  }
});

test('Refresh shows StackOne’s current state when an event never arrived', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const id = await linkActiveBambooHr(app, harness, 'acme');
  const status = accountRows(app).first().locator('[data-status]');

  await harness.control('/_simulator/webhooks/pause', {});
  await harness.control(`/_simulator/accounts/${id}/status`, {
    status: 'error',
    status_reasons: [
      { code: 'invalid_credentials', description: 'The API key was revoked in BambooHR.' },
    ],
  });
  await app.waitForTimeout(500);
  await expect(status).toHaveAttribute('data-status', 'active');

  await app.getByRole('button', { name: 'Refresh' }).click();
  await expect(status).toHaveAttribute('data-status', 'error');
  await expect(accountRows(app).first()).toContainText('The API key was revoked in BambooHR.');
});

test('a connect session StackOne could not create can be tried again from the dialog', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await harness.control('/_simulator/faults', { failure_rate: 1 });
  await app.getByRole('button', { name: 'Connect an integration' }).click();
  const dialog = app.getByRole('dialog');
  await expect(dialog.getByRole('alert')).toContainText(
    'StackOne had a problem (HTTP 503) while trying to create a connect session',
  );
  await expect(app.getByTestId('stackone-hub')).toHaveCount(0);

  await harness.control('/_simulator/faults', { failure_rate: 0 });
  await dialog.getByRole('button', { name: 'Try again' }).click();
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expect(dialog).toBeFocused();
  await app.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }).click();
  await submitBambooHr(app);
  await expect(accountRows(app)).toHaveCount(1);
});

test('a connect session left open until it expires says so, and a new one links', async ({
  app,
  harness,
}) => {
  await app.clock.install();
  await addCustomer(app, 'Acme Ltd', 'acme');
  await openHubOn(app, 'BambooHR');
  const dialog = app.getByRole('dialog', { name: 'Connect an integration for Acme Ltd' });
  await expect(dialog.getByRole('alert')).toHaveCount(0);

  // Half an hour later, in StackOne and in the window alike.
  await harness.control('/_simulator/sessions/expire', {});
  await app.clock.fastForward('29:00');
  await expect(app.getByTestId('stackone-hub')).toHaveCount(1);
  await app.clock.fastForward('01:00');
  await expect(dialog.getByRole('alert')).toHaveText(
    'This connect session has expired, so the Hub can no longer link an account with it. Start a new one; what was entered in the Hub has to be entered again.',
  );
  await expect(app.getByTestId('stackone-hub')).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Start a new session' }).click();
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await app.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }).click();
  await submitBambooHr(app);
  await expect(accountRows(app).first().locator('[data-status]')).toHaveAttribute(
    'data-status',
    'active',
  );
  // Linked: the session's end no longer matters.
  await app.clock.fastForward('31:00');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
});

test('a failed Refresh says what happened once, however often it is pressed', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  // The latency makes each Refresh's wait long enough to see start and end.
  await harness.control('/_simulator/faults', { failure_rate: 1, latency_ms: 500 });
  const refresh = app.getByRole('button', { name: 'Refresh' });
  const notices = app.getByRole('alert').getByRole('listitem');
  await refresh.click();
  await expect(notices).toHaveCount(1);
  await expect(refresh).toBeEnabled();
  await refresh.click();
  await expect(refresh).toBeDisabled();
  await expect(refresh).toBeEnabled();
  await expect(notices).toHaveCount(1);
  // Unavailable while it waits, yet never dropping the keyboard: pressed again from where it is.
  await refresh.focus();
  await app.keyboard.press('Enter');
  await expect(refresh).toHaveText('Refreshing…');
  await app.keyboard.press('Enter');
  await expect(refresh).toHaveText('Refresh');
  await expect(refresh).toBeFocused();
  await expect(notices).toHaveCount(1);
  await expect(notices).toContainText(
    'StackOne had a problem (HTTP 503) while trying to list linked accounts',
  );

  await notices.getByRole('button', { name: 'Dismiss' }).click();
  await refresh.click();
  await expect(notices).toHaveCount(1);
});

test('a slow StackOne is said to be slow while the app waits, and the notice goes once it answers', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const slowNotice = app.getByRole('status').filter({ hasText: 'StackOne is slow to answer' });
  await harness.control('/_simulator/faults', { latency_ms: 6_000 });

  await app.getByRole('button', { name: 'Connect an integration' }).click();
  await expect(app.getByText('Opening a secure connect session…')).toBeVisible();
  // Not at once: a normal wait shows only what is being done.
  await expect(slowNotice).toBeHidden();
  await expect(slowNotice).toBeVisible();
  await harness.control('/_simulator/faults', { latency_ms: 0 });
  await expect(
    app.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }),
  ).toBeVisible();
  await expect(slowNotice).toBeHidden();
  await app.getByRole('button', { name: 'Done' }).click();

  await harness.control('/_simulator/faults', { latency_ms: 6_000 });
  await app.getByRole('button', { name: 'Refresh' }).click();
  await expect(app.getByRole('button', { name: 'Refreshing…' })).toBeDisabled();
  await expect(slowNotice).toBeVisible();
  await expect(app.getByRole('button', { name: 'Refresh', exact: true })).toBeEnabled();
  await expect(slowNotice).toBeHidden();

  // The next wait starts afresh: no notice at its start.
  await harness.control('/_simulator/faults', { latency_ms: 1_000 });
  await app.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(app.getByRole('button', { name: 'Refreshing…' })).toBeDisabled();
  expect(await slowNotice.isVisible()).toBe(false);
  await expect(app.getByRole('button', { name: 'Refresh', exact: true })).toBeEnabled();
});

test("the window's title names the customer shown, and the demo, as a shared screen shows it", async ({
  app,
}) => {
  await expect(app).toHaveTitle('StackOne Onboarding (demo)');
  await addCustomer(app, 'Acme Ltd', 'acme');
  await expect(app).toHaveTitle('Acme Ltd – StackOne Onboarding (demo)');
  await addCustomer(app, 'Globex', 'globex');
  await expect(app).toHaveTitle('Globex – StackOne Onboarding (demo)');
  await app.getByRole('button', { name: 'Rename' }).click();
  await app.getByLabel('Customer name').fill('Globex Corporation');
  await app.getByRole('button', { name: 'Save' }).click();
  await expect(app).toHaveTitle('Globex Corporation – StackOne Onboarding (demo)');
  await app.reload();
  await expect(app).toHaveTitle('Globex Corporation – StackOne Onboarding (demo)');
});

test('the customer id is explained; a long customer list is in name order, searched by name, id or system, and narrowed to those to re-link', async ({
  app,
  harness,
}) => {
  await expect(app.getByLabel('Customer id')).toHaveAccessibleDescription(
    /The id your product knows this customer by/,
  );
  await addCustomer(app, 'Umbrella', 'umb-1');
  await expect(app.getByLabel('Find a customer')).toHaveCount(0);
  const others = {
    'ini-7': 'Initech',
    acme: 'Acme Ltd',
    hooli: 'Hooli',
    globex: 'Globex',
    'wonka-9': 'Wonka Industries',
  };
  for (const [id, name] of Object.entries(others)) {
    await harness.session.handlers.createCustomer({ id, name });
  }
  await app.reload();
  const names = app.getByRole('list', { name: 'Customers' }).locator('.customer-name');
  await expect(names).toHaveText([
    'Acme Ltd',
    'Globex',
    'Hooli',
    'Initech',
    'Umbrella',
    'Wonka Industries',
  ]);

  const search = app.getByLabel('Find a customer');
  await search.fill('  INI ');
  await expect(names).toHaveText(['Initech']);
  await search.fill('wonka-9');
  await expect(names).toHaveText(['Wonka Industries']);
  await names.first().click();
  await expect(app.getByRole('heading', { name: 'Wonka Industries' })).toBeVisible();
  await search.fill('nobody');
  await expect(app.getByText('No customer matches “nobody”.')).toBeVisible();
  await search.fill('');
  await expect(names).toHaveCount(6);

  // By the systems linked for them: Initech's BambooHR arrives through the relay.
  const initechAccount = await linkElsewhere(harness, { id: 'ini-7', name: 'Initech' });
  await search.fill('bamboo');
  await expect(names).toHaveText(['Initech']);
  await search.fill('');

  // Only those to follow up (here, to re-link), counted as their accounts change.
  const onlyToFollowUp = app.getByLabel(/^Only those to follow up/);
  await expect(onlyToFollowUp).toHaveAccessibleName('Only those to follow up (0)');
  await harness.control(`/_simulator/accounts/${initechAccount}/status`, { status: 'expired' });
  await expect(onlyToFollowUp).toHaveAccessibleName('Only those to follow up (1)');
  await onlyToFollowUp.focus();
  await app.keyboard.press('Space');
  await expect(names).toHaveText(['Initech']);
  await search.fill('acme');
  await expect(app.getByText('No customer to follow up matches “acme”.')).toBeVisible();
  await search.fill('');
  await onlyToFollowUp.focus();
  await harness.control(`/_simulator/accounts/${initechAccount}/status`, { status: 'active' });
  await expect(onlyToFollowUp).toHaveAccessibleName('Only those to follow up (0)');
  await expect(app.getByText('No customer to follow up.')).toBeVisible();
  await expect(onlyToFollowUp).toBeFocused();
  await app.keyboard.press('Space');
  await expect(names).toHaveCount(6);
});

/**
 * The first account's row laid out as four columns where they fit, else as a card: either way no
 * cell's text runs out of it (under the status beside it).
 */
async function expectFirstAccountRowWhole(app: Page): Promise<void> {
  for (const cell of await accountRows(app).first().getByRole('cell').all())
    expect(await cell.evaluate((td) => td.scrollWidth - td.clientWidth), 'cell overflows').toBe(0);
}

/** How far what the box holds reaches past its edge, in CSS px. */
const pastItsEdge = (box: Locator) =>
  box.evaluate((shown) => shown.scrollWidth - shown.clientWidth);

const accountTablePastItsFrame = (app: Page) => pastItsEdge(app.locator('.accounts-frame'));

/** The lines the element's text is drawn on. */
const linesOf = (element: Locator) =>
  element.evaluate((shown) => {
    const text = document.createRange();
    text.selectNodeContents(shown);
    const drawn = [...text.getClientRects()].filter((line) => line.width > 0);
    return new Set(drawn.map((line) => Math.round(line.top))).size;
  });

/**
 * Whether what is drawn at the middle of the element is it, not something over it (a sticky
 * header, a notice). The page behind an open dialog is inert, which hit testing passes through:
 * it is tested as if it were not.
 */
function drawnOnTop(element: Locator): Promise<boolean> {
  return element.evaluate((shown) => {
    const inertPage = document.querySelector<HTMLElement>('.app[inert]');
    if (inertPage !== null) inertPage.inert = false;
    const box = shown.getBoundingClientRect();
    const drawn = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    if (inertPage !== null) inertPage.inert = true;
    return drawn !== null && shown.contains(drawn);
  });
}

test("at the window's smallest size, and zoomed in there twice, three, four and eight times (120%, 131%, 144%, 207%), a customer's page fits in it: nothing cut off at the right, nothing in an account's row cut off or overlapped, the window not scrolling", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const accountId = await linkActiveBambooHr(app, harness, 'acme');
  // The widest status there is.
  await harness.control(`/_simulator/accounts/${accountId}/status`, { status: 'pending' });
  await expect(accountRows(app).first()).toContainText('Pending verification');
  await sendLink(app, 'Acme Ltd');
  await addCustomer(app, 'Globex', 'globex');
  await app.getByRole('button', { name: /^Acme Ltd/ }).click();
  const { width, height } = windowSize.minimum;
  // Electron's Zoom In adds half a zoom level, and a level is 20%: twice is 120%, the same window
  // in fewer CSS pixels; three times about 131%, four 144%, eight 207% (twice the text's size).
  const zoomedIn = (times: number) => ({
    width: Math.round(width / 1.2 ** (times * 0.5)),
    height: Math.round(height / 1.2 ** (times * 0.5)),
  });
  for (const size of [windowSize.minimum, zoomedIn(2), zoomedIn(3), zoomedIn(4), zoomedIn(8)]) {
    await app.setViewportSize(size);
    expect(await app.evaluate(() => document.documentElement.scrollWidth)).toBe(size.width);
    // Nor does the window scroll down: the customer list and the page scroll on their own.
    expect(await app.evaluate(() => document.documentElement.scrollHeight)).toBe(size.height);
    const page = app.getByRole('main');
    expect(await page.evaluate((main) => main.scrollWidth - main.clientWidth), 'page cut off').toBe(
      0,
    );
    for (const control of [
      app.getByRole('button', { name: 'Settings' }),
      app.getByRole('button', { name: 'Connect an integration' }),
      accountRows(app).first().getByRole('button', { name: 'Disconnect' }),
      app.getByRole('button', { name: 'Forget' }),
    ]) {
      const box = await control.boundingBox();
      expect((box?.x ?? Infinity) + (box?.width ?? 0)).toBeLessThanOrEqual(size.width);
    }
    await expectFirstAccountRowWhole(app);
    // A short list keeps its customers in view; the sidebar scrolls to the form below instead.
    const customers = app.getByRole('list', { name: 'Customers' }).getByRole('button');
    for (const customer of await customers.all()) await expect(customer).toBeInViewport();
  }
});

test("a maximised window zoomed to 400% (320 × 200 CSS px) is one column, the window scrolling as a page: the header, the customers in a box of their own, then the customer's page, nothing cut off at the right", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkActiveBambooHr(app, harness, 'acme');
  await sendLink(app, 'Acme Ltd');
  for (let n = 1; n <= 12; n++)
    await harness.session.handlers.createCustomer({ id: `c${n}`, name: `Customer ${n}` });
  await app.reload();
  await app.getByRole('button', { name: /^Acme Ltd/ }).click();
  await app.setViewportSize(oneColumnSize);
  expect(await app.evaluate(() => document.documentElement.scrollWidth)).toBe(oneColumnSize.width);
  // The window scrolls as a page; the customer's page does not scroll on its own.
  expect(await app.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(
    oneColumnSize.height,
  );
  expect(
    await app.getByRole('main').evaluate((main) => main.scrollHeight - main.clientHeight),
  ).toBe(0);
  // One column: the customer's page under the customers, not beside them.
  const sidebar = await app.getByRole('complementary').boundingBox();
  const page = await app.getByRole('main').boundingBox();
  expect(page?.y).toBeGreaterThanOrEqual((sidebar?.y ?? Infinity) + (sidebar?.height ?? 0));
  const customers = app.getByRole('list', { name: 'Customers' });
  expect(await customers.evaluate((list) => list.scrollHeight > list.clientHeight)).toBe(true);
  for (const control of [
    app.getByRole('button', { name: 'Settings' }),
    app.getByRole('button', { name: 'Add customer' }),
    app.getByRole('button', { name: 'Connect an integration' }),
    accountRows(app).first().getByRole('button', { name: 'Disconnect' }),
    app.getByRole('button', { name: 'Forget' }),
  ]) {
    // Reached by scrolling the window, as a page's reader does.
    await control.scrollIntoViewIfNeeded();
    await expect(control).toBeInViewport();
    const box = await control.boundingBox();
    expect((box?.x ?? Infinity) + (box?.width ?? 0)).toBeLessThanOrEqual(oneColumnSize.width);
  }
  await expectFirstAccountRowWhole(app);
});

/** Twelve customers, in a window of one column. */
async function twelveCustomersInOneColumn(app: Page, harness: Harness): Promise<void> {
  for (let n = 1; n <= 12; n++)
    await harness.session.handlers.createCustomer({ id: `c${n}`, name: `Customer ${n}` });
  await app.reload();
  await app.setViewportSize(oneColumnSize);
}

const customerInList = (app: Page, name: string) =>
  app.getByRole('list', { name: 'Customers' }).getByRole('button', { name });

test("in one column, a customer picked, or added, is brought into view: their page at the window's top, the keyboard on their name; beside the list, the keyboard stays in the list", async ({
  app,
  harness,
}) => {
  await twelveCustomersInOneColumn(app, harness);
  const expectBroughtIntoView = async (name: string) => {
    const heading = app.getByRole('heading', { name, exact: true });
    await expect(heading).toBeFocused();
    await expect(heading).toBeInViewport();
    const page = await app.getByRole('main').boundingBox();
    expect(Math.abs(page?.y ?? Infinity)).toBeLessThan(1);
  };
  const backToTop = () => app.evaluate(() => window.scrollTo({ top: 0 }));

  await customerInList(app, 'Customer 7 c7').click();
  await expectBroughtIntoView('Customer 7');
  // The customer shown, picked again once scrolled away: their page again.
  await backToTop();
  await customerInList(app, 'Customer 7 c7').click();
  await expectBroughtIntoView('Customer 7');
  await backToTop();
  await app.getByLabel('Find a customer').fill('Customer 3');
  await app.getByLabel('Find a customer').press('Enter');
  await expectBroughtIntoView('Customer 3');
  await app.getByLabel('Find a customer').fill('');
  await addCustomer(app, 'Acme Ltd', 'acme');
  await expectBroughtIntoView('Acme Ltd');
  await backToTop();
  await app.evaluate(() => window.__onboardingDeliver?.('showCustomer', { customerId: 'c5' }));
  await expectBroughtIntoView('Customer 5');
  // Added from a dialog opened from under the list: the first of them, rather than the opener.
  await backToTop();
  await linkElsewhere(harness, { id: 'globex', name: 'Globex Corporation' });
  await app.getByRole('button', { name: 'Find a customer already in StackOne…' }).click();
  await app.getByRole('button', { name: 'Add Globex Corporation' }).click();
  await expectBroughtIntoView('Globex Corporation');
  await backToTop();
  await app.getByRole('button', { name: 'Import or export customers…' }).click();
  await app.getByLabel('CSV file').setInputFiles({
    name: 'customers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('Name,Customer id\r\nInitech,initech\r\nHooli,hooli'),
  });
  await app.getByRole('button', { name: 'Add 2 customers' }).click();
  await expectBroughtIntoView('Initech');

  const { width, height } = windowSize.preferred;
  await app.setViewportSize({ width, height });
  await customerInList(app, 'Customer 9 c9').click();
  await expect(app.getByRole('heading', { name: 'Customer 9', exact: true })).toBeVisible();
  await expect(customerInList(app, 'Customer 9 c9')).toBeFocused();
});

test("in one column, a notice, or that the account list is not saved, stays in view over the page the window is scrolled to, and the keyboard's place comes out from under it", async ({
  app,
  harness,
}) => {
  await twelveCustomersInOneColumn(app, harness);
  await customerInList(app, 'Customer 7 c7').click();
  await expect(app.getByRole('heading', { name: 'Customer 7', exact: true })).toBeFocused();
  await harness.control('/_simulator/faults', { failure_rate: 1 });
  await app.getByRole('button', { name: 'Refresh' }).click();
  const notice = app.getByRole('alert').getByRole('listitem');
  await expect(notice).toContainText('StackOne had a problem');
  expect(await app.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  await expect(notice.getByRole('button', { name: 'Dismiss' })).toBeInViewport({ ratio: 1 });

  // Back from Refresh through the customer's heading's controls, each scrolled into view.
  for (let step = 0; step < 4; step++) {
    await app.keyboard.press('Shift+Tab');
    expect(await drawnOnTop(app.locator(':focus')), `step ${step}`).toBe(true);
  }
  // A dialog opened meanwhile is drawn over it, its title and Done uncovered.
  await app.getByRole('button', { name: 'Send a link' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Customer 7 a link' });
  for (const part of [
    dialog.getByRole('heading', { name: 'Send Customer 7 a link' }),
    dialog.getByRole('button', { name: 'Done' }),
  ])
    expect(await drawnOnTop(part)).toBe(true);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  // Dismissed, it leaves no room behind: a customer picked again is brought to the very top.
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
  await customerInList(app, 'Customer 7 c7').click();
  await expect(app.getByRole('heading', { name: 'Customer 7', exact: true })).toBeFocused();
  expect(Math.abs((await app.getByRole('main').boundingBox())?.y ?? Infinity)).toBeLessThan(1);

  // That the account list is not saved is held in view the same way.
  const blocked = blockFile(join(harness.storeDir, 'onboarding.json'));
  try {
    await app.getByRole('button', { name: 'Rename' }).click();
    await app.getByLabel('Customer name').fill('Customer 7 Ltd');
    await app.getByRole('button', { name: 'Save' }).click();
    await expect(app.getByRole('heading', { name: 'Customer 7 Ltd' })).toBeVisible();
    const problem = app.getByRole('alert').filter({ hasText: 'could not be saved' });
    await expect(problem).toBeVisible();
    expect(await app.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await expect(problem).toBeInViewport();
  } finally {
    blocked.unblock();
  }
});

test('the window does not scroll: a customer low in a long list is shown with the header and the new-customer form still in view, their page at its top', async ({
  app,
  harness,
}) => {
  const { width, height } = windowSize.preferred;
  await app.setViewportSize({ width, height });
  for (let n = 1; n <= 30; n++)
    await harness.session.handlers.createCustomer({ id: `c${n}`, name: `Customer ${n}` });
  await app.reload();
  await customerInList(app, 'Customer 29 c29').click();
  await expect(app.getByRole('heading', { name: 'Customer 29' })).toBeInViewport();
  await expect(app.getByRole('banner')).toBeInViewport();
  await expect(app.getByLabel('Name', { exact: true })).toBeInViewport();
  expect(await app.evaluate(() => document.documentElement.scrollHeight)).toBe(height);

  // In a window too short for a customer's page, it scrolls on its own, and the next starts at
  // its top.
  await customerInList(app, 'Customer 30 c30').click();
  await sendLink(app, 'Customer 30');
  await customerInList(app, 'Customer 29 c29').click();
  await sendLink(app, 'Customer 29');
  await app.setViewportSize({ width, height: 260 });
  const page = app.getByRole('main');
  expect(await page.evaluate((main) => main.scrollHeight > main.clientHeight)).toBe(true);
  await page.evaluate((main) => main.scrollTo({ top: main.scrollHeight }));
  await expect(app.getByRole('heading', { name: 'Customer 29' })).not.toBeInViewport();
  await customerInList(app, 'Customer 30 c30').click();
  await expect(app.getByRole('heading', { name: 'Customer 30' })).toBeInViewport();
  expect(await app.evaluate(() => document.documentElement.scrollHeight)).toBe(260);
});

test("in a long customer list, the customer shown comes into the list's view: added, shown again at the app's start, or found and the search cleared", async ({
  app,
  harness,
}) => {
  await app.setViewportSize(windowSize.preferred);
  for (let n = 1; n <= 30; n++)
    await harness.session.handlers.createCustomer({ id: `c${n}`, name: `Customer ${n}` });
  await app.reload();
  const wholeInView = { ratio: 1 };

  // Last in name order, far below the list's fold.
  await addCustomer(app, 'Zeta Corp', 'zeta');
  const zeta = customerInList(app, 'Zeta Corp zeta');
  await expect(zeta).toHaveAttribute('aria-current', 'true');
  await expect(zeta).toBeInViewport(wholeInView);

  await app.reload();
  await expect(app.getByRole('heading', { name: 'Zeta Corp' })).toBeVisible();
  await expect(zeta).toBeInViewport(wholeInView);

  const search = app.getByLabel('Find a customer');
  await search.fill('Customer 7');
  await search.press('Enter');
  await expect(app.getByRole('heading', { name: 'Customer 7' })).toBeVisible();
  await search.fill('');
  await expect(zeta).toHaveCount(1);
  await expect(customerInList(app, 'Customer 7 c7')).toBeInViewport(wholeInView);
});

test("at the window's smallest size, the Hub fits its dialog: its Connect button in view without scrolling", async ({
  app,
  harness,
}) => {
  await app.setViewportSize(windowSize.minimum);
  await addCustomer(app, 'Acme Ltd', 'acme');
  // With an account, the dialog has its second-account line above the Hub too.
  await linkActiveBambooHr(app, harness, 'acme');
  await openHubOn(app, 'BambooHR');
  const dialog = app.getByRole('dialog', { name: 'Connect an integration for Acme Ltd' });
  await expect(dialog.getByRole('button', { name: 'Link a second account…' })).toBeVisible();
  const connect = app
    .getByTestId('stackone-hub')
    .getByRole('button', { name: 'Connect', exact: true });
  await expect(connect).toBeInViewport();
  expect(await dialog.evaluate((box) => box.scrollHeight <= box.clientHeight)).toBe(true);
});

test("a long dialog scrolls under its header: the title and Done stay in view, and the keyboard's place is never hidden under them", async ({
  app,
}) => {
  await app.setViewportSize(windowSize.minimum);
  await app.getByRole('button', { name: 'Settings' }).click();
  const dialog = app.getByRole('dialog', { name: 'Settings' });
  const done = dialog.getByRole('button', { name: 'Done' });
  await dialog.evaluate((box) => box.scrollTo({ top: box.scrollHeight }));
  await expect(dialog.getByRole('button', { name: 'Copy diagnostics' })).toBeInViewport();
  await expect(dialog.getByRole('heading', { name: 'Settings' })).toBeInViewport();
  await expect(done).toBeInViewport();
  const uncovered = (label: string) => drawnOnTop(dialog.getByLabel(label, { exact: true }));
  // Back up through the fields from the end, as Shift+Tab scrolls each to the dialog's top edge.
  await dialog.getByLabel('Your name or email').focus();
  for (const label of ['Relay token', 'Relay URL', 'StackOne API key']) {
    do await app.keyboard.press('Shift+Tab');
    while (
      !(await dialog
        .getByLabel(label, { exact: true })
        .evaluate((f) => f === document.activeElement))
    );
    expect(await uncovered(label), label).toBe(true);
  }
  await done.click();
  await expect(dialog).toBeHidden();
});

test("an account's buttons keep to the right of its row, at the window's usual size too", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkActiveBambooHr(app, harness, 'acme');
  for (const size of [windowSize.minimum, windowSize.preferred]) {
    await app.setViewportSize(size);
    const row = accountRows(app).first();
    const rowBox = await row.boundingBox();
    const last = await row.getByRole('button', { name: /^Disconnect/ }).boundingBox();
    const rowRight = (rowBox?.x ?? 0) + (rowBox?.width ?? 0);
    const gap = rowRight - ((last?.x ?? 0) + (last?.width ?? 0));
    // The cell's padding (0.8rem) and no more: not the column's leftover width.
    expect(gap, `the gap at ${size.width} px`).toBeLessThan(20);
  }
});

test("an account's buttons stay side by side from the window's smallest size up, and from half a wide screen (960 px wide) its row is on one line, its id whole", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkActiveBambooHr(app, harness, 'acme');
  const row = accountRows(app).first();
  // The smallest size; half a 1920 px screen; each side of the narrower customer list's
  // breakpoint; the usual size.
  for (const width of [
    windowSize.minimum.width,
    960,
    1040,
    1041,
    1100,
    windowSize.preferred.width,
  ]) {
    await app.setViewportSize({ width, height: windowSize.minimum.height });
    const tops = await row
      .getByRole('button')
      .evaluateAll((buttons) => buttons.map((button) => button.getBoundingClientRect().top));
    expect(tops, `the buttons at ${width} px`).toHaveLength(3);
    expect(new Set(tops).size, `the buttons' rows at ${width} px`).toBe(1);
    if (width >= 960)
      expect(await linesOf(row.locator('.account-id')), `the id's lines at ${width} px`).toBe(1);
    await expectFirstAccountRowWhole(app);
  }

  // A name of one long word breaks rather than push the table past its frame.
  await row
    .locator('.account-name')
    .evaluate((name) => (name.textContent = 'SmartRecruitersWorkforce'));
  for (const width of [windowSize.minimum.width, 960]) {
    await app.setViewportSize({ width, height: windowSize.minimum.height });
    expect(await accountTablePastItsFrame(app), `past the frame at ${width} px`).toBe(0);
    await expectFirstAccountRowWhole(app);
  }
});

test("beside a check's long outcome an account's name stays whole, its id from half a wide screen (960 px wide) up, and when it was updated from the window's usual size; nothing past the table's frame from the smallest size up", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const id = await linkActiveBambooHr(app, harness, 'acme');
  await harness.control(`/_simulator/accounts/${id}/status`, { status: 'expired' });
  const row = accountRows(app).first();
  await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'expired');
  await row.getByRole('button', { name: /^Verify/ }).click();
  await expect(row.getByRole('status')).toContainText('StackOne cannot read data');
  // The smallest size; half a 1920 px screen; each side of the narrower customer list's
  // breakpoint, and of the frame's width where the cells' padding widens; the usual size.
  const widths = [windowSize.minimum.width, 960, 1000, 1040, 1041, 1055, 1075];
  for (const width of [...widths, windowSize.preferred.width]) {
    await app.setViewportSize({ width, height: windowSize.minimum.height });
    expect(await accountTablePastItsFrame(app), `past the frame at ${width} px`).toBe(0);
    await expectFirstAccountRowWhole(app);
    // A name may break anywhere (one long word), yet the table keeps the system's name whole.
    expect(await linesOf(row.locator('.account-name')), `the name's lines at ${width} px`).toBe(1);
    if (width >= 960)
      expect(await linesOf(row.locator('.account-id')), `the id's lines at ${width} px`).toBe(1);
    if (width >= windowSize.preferred.width)
      expect(await linesOf(row.locator('td.updated')), `the date's lines at ${width} px`).toBe(1);
  }

  // What went wrong naming a host, beside the longest status: the host breaks, not the frame.
  await row
    .getByRole('status')
    .evaluate(
      (outcome) =>
        (outcome.textContent =
          'Tried at 10:00:00: Could not reach api.stackone.com: it refused the connection.'),
    );
  await row
    .locator('[data-status]')
    .evaluate((status) => (status.textContent = 'Pending verification'));
  for (const width of widths) {
    await app.setViewportSize({ width, height: windowSize.minimum.height });
    expect(await accountTablePastItsFrame(app), `past the frame at ${width} px`).toBe(0);
    await expectFirstAccountRowWhole(app);
    if (width >= 960)
      expect(await linesOf(row.locator('.account-id')), `the id's lines at ${width} px`).toBe(1);
  }
});

test('the window comes back to the customer it showed, after a reload (a crash) or a restart', async ({
  app,
  harness,
  context,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await addCustomer(app, 'Globex', 'globex');
  const globex = app.getByRole('heading', { name: 'Globex' });
  await expect(globex).toBeVisible();
  // Acme Ltd comes first in the list, and is what a window that remembered nothing would show.
  await app.reload();
  await expect(globex).toBeVisible();

  await app.getByRole('button', { name: 'Acme Ltd' }).click();
  await app.getByRole('button', { name: 'Globex' }).click();
  const restarted = await harness.openApp(context);
  await expect(restarted.getByRole('heading', { name: 'Globex' })).toBeVisible();

  // A customer removed since: the first one instead.
  await restarted.getByRole('button', { name: 'Remove' }).click();
  await restarted
    .getByRole('group', { name: 'Remove Globex?' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await restarted.reload();
  await expect(restarted.getByRole('heading', { name: 'Acme Ltd' })).toBeVisible();
});

test('an unreadable saved list is kept aside and the user is told where', async ({ context }) => {
  const damaged = '{"schemaVersion":1,"customers":[{"id":"acme"';
  const harness = await startHarness({ storeFileContents: damaged });
  try {
    const page = await harness.openApp(context);
    const notice = page.getByRole('alert');
    await expect(notice).toContainText('could not be used (it is not readable JSON)');
    await expect(notice).toContainText('.corrupt-');
    const storeDir = dirname(harness.store.warning?.match(/in (\S+onboarding\.json)/)?.[1] ?? '');
    const aside = readdirSync(storeDir).find((name) => name.includes('.corrupt-'));
    expect(readFileSync(`${storeDir}/${aside}`, 'utf8')).toBe(damaged);

    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toBeHidden();
    await addCustomer(page, 'Acme Ltd', 'acme');
  } finally {
    await harness.close();
  }
});

test('while the account list cannot be saved, the window says so and why, work goes on, and the message goes once it is saved', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const file = join(harness.storeDir, 'onboarding.json');
  const blocked = blockFile(file);

  await linkBambooHrUntilActive(app);
  const problem = app.getByRole('alert').filter({ hasText: 'could not be saved' });
  await expect(problem).toHaveText(
    `The account list could not be saved to ${file} (the system said EISDIR). What the window shows is kept while the app runs and saved as soon as that works. Check the disk, and keep the app open until this message goes: closing it before would lose the changes made since.`,
  );
  // Said while it lasts: there is nothing to dismiss.
  await expect(problem.getByRole('button')).toHaveCount(0);
  // A reload (a crash of the window's process) still shows it.
  await app.reload();
  await expect(problem).toBeVisible();
  await expect(accountRows(app)).toHaveCount(1);

  blocked.unblock();
  // The store tries again every few seconds by itself.
  await expect(problem).toBeHidden({ timeout: 15_000 });
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
    accounts: [{ customerId: 'acme', status: 'active' }],
  });
});

test('a customer is renamed in place, and removed only once no account of theirs is linked', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Globex', 'globex');
  await addCustomer(app, 'Acme', 'acme');
  await app.getByRole('button', { name: 'Rename' }).click();
  const form = app.getByRole('form', { name: 'Rename customer' });
  await expect(form.getByLabel('Customer name')).toBeFocused();
  await form.getByLabel('Customer name').fill('Acme Ltd');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(app.getByRole('heading', { name: 'Acme Ltd' })).toBeVisible();
  const customers = app.getByRole('list', { name: 'Customers' }).getByRole('button');
  await expect(customers).toHaveText([/^Acme Ltd/, /^Globex/]);

  await linkActiveBambooHr(app, harness, 'acme');
  await app.getByRole('button', { name: 'Remove' }).click();
  await app
    .getByRole('group', { name: 'Remove Acme Ltd?' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(app.getByRole('alert')).toHaveText(
    'Acme Ltd still has a linked account. Disconnect it first: removing the customer from this app would leave it linked in StackOne with no one watching.',
  );
  await expect(customers).toHaveCount(2);
  await app.getByRole('button', { name: 'Keep it' }).click();
  await expect(app.getByRole('alert')).toBeHidden();

  await app.getByRole('button', { name: 'Disconnect BambooHR' }).click();
  await app
    .getByRole('group', { name: 'Disconnect BambooHR?' })
    .getByRole('button', { name: 'Disconnect' })
    .click();
  await expect(accountRows(app)).toHaveCount(0);
  await app.getByRole('button', { name: 'Remove' }).click();
  await app
    .getByRole('group', { name: 'Remove Acme Ltd?' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(customers).toHaveText([/^Globex/]);
  await expect(app.getByRole('heading', { name: 'Globex' })).toBeVisible();
});

test('a question or form opened in place has the keyboard, and Escape or Keep it puts it back on the button that opened it', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkActiveBambooHr(app, harness, 'acme');

  const disconnect = accountRows(app).first().getByRole('button', { name: 'Disconnect BambooHR' });
  await disconnect.focus();
  await app.keyboard.press('Enter');
  const question = app.getByRole('group', { name: 'Disconnect BambooHR?' });
  await expect(question.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(disconnect).toBeFocused();
  await app.keyboard.press('Enter');
  await app.keyboard.press('Enter');
  await expect(disconnect).toBeFocused();
  await expect(accountRows(app)).toHaveCount(1);

  const remove = app.getByRole('button', { name: 'Remove', exact: true });
  await remove.focus();
  await app.keyboard.press('Enter');
  await expect(
    app.getByRole('group', { name: 'Remove Acme Ltd?' }).getByRole('button', { name: 'Keep it' }),
  ).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(remove).toBeFocused();

  const rename = app.getByRole('button', { name: 'Rename' });
  await rename.focus();
  await app.keyboard.press('Enter');
  await expect(app.getByLabel('Customer name')).toBeFocused();
  await app.keyboard.type(' (changed)');
  await app.keyboard.press('Escape');
  await expect(rename).toBeFocused();
  await expect(app.getByRole('heading', { name: 'Acme Ltd', exact: true })).toBeVisible();
  await app.keyboard.press('Enter');
  await app.getByLabel('Customer name').fill('Acme Group');
  await app.keyboard.press('Enter');
  await expect(app.getByRole('heading', { name: 'Acme Group' })).toBeVisible();
  await expect(rename).toBeFocused();

  // Disconnected, the row goes: the keyboard stays with the list rather than the page's start.
  await disconnect.focus();
  await app.keyboard.press('Enter');
  await app.keyboard.press('Shift+Tab');
  await app.keyboard.press('Enter');
  await expect(accountRows(app)).toHaveCount(0);
  await expect(app.getByText('No linked accounts yet.')).toBeFocused();
});

test('an account disconnected in StackOne while the keyboard is on its row leaves the keyboard with the list', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const id = await linkActiveBambooHr(app, harness, 'acme');
  await accountRows(app).first().getByRole('button', { name: 'Verify BambooHR' }).focus();
  await harness.control(`/_simulator/accounts/${id}/delete`, {});
  await expect(accountRows(app)).toHaveCount(0);
  await expect(app.getByText('No linked accounts yet.')).toBeFocused();
});

test('Escape closes Send a link (no Hub in it), but not the connect dialog', async ({ app }) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const sendLink = app.getByRole('button', { name: 'Send a link' });
  await sendLink.click();
  await expect(app.getByRole('dialog')).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(app.getByRole('dialog')).toBeHidden();
  await expect(sendLink).toBeFocused();

  // The Hub's menus take Escape without marking it, so the connect dialog keeps what was typed.
  await app.getByRole('button', { name: 'Connect an integration' }).click();
  await app.keyboard.press('Escape');
  await expect(app.getByRole('dialog')).toBeVisible();
});

test('a long customer list is used from the keyboard: Enter in the search shows the first found, the arrow keys move through the list', async ({
  app,
  harness,
}) => {
  for (const [id, name] of Object.entries({
    acme: 'Acme Ltd',
    globex: 'Globex',
    gloria: 'Gloria Foods',
    hooli: 'Hooli',
    'ini-7': 'Initech',
    'wonka-9': 'Wonka Industries',
  }))
    await harness.session.handlers.createCustomer({ id, name });
  await app.reload();
  const search = app.getByLabel('Find a customer');
  await expect(search).toHaveAccessibleDescription(/Enter shows the first customer found/);
  const customer = (name: string) =>
    app.getByRole('list', { name: 'Customers' }).getByRole('button', { name });
  const shown = (name: string) => app.getByRole('heading', { name, level: 2 });

  await search.fill('glo');
  await search.press('Enter');
  await expect(shown('Globex')).toBeVisible();
  await expect(customer('Globex globex')).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(customer('Gloria Foods')).toBeFocused();
  await app.keyboard.press('ArrowDown'); // the last found: stays
  await expect(customer('Gloria Foods')).toBeFocused();
  await app.keyboard.press('ArrowUp');
  await app.keyboard.press('ArrowUp');
  await expect(search).toBeFocused();

  await search.fill('');
  await search.press('ArrowDown');
  await expect(customer('Acme Ltd acme')).toBeFocused();
  await expect(shown('Globex')).toBeVisible(); // moving is not choosing
  await app.keyboard.press('End');
  await expect(customer('Wonka Industries')).toBeFocused();
  await app.keyboard.press('ArrowUp');
  await expect(customer('Initech')).toBeFocused();
  await app.keyboard.press('Enter');
  await expect(shown('Initech')).toBeVisible();
  await app.keyboard.press('Home');
  await expect(customer('Acme Ltd acme')).toBeFocused();

  await search.fill('nobody');
  await search.press('Enter');
  await expect(search).toBeFocused();
  await expect(shown('Initech')).toBeVisible();
});

test('the customer list says which customers have accounts to re-link, whoever is selected', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const id = await linkActiveBambooHr(app, harness, 'acme');
  await addCustomer(app, 'Globex', 'globex');
  const customers = app.getByRole('list', { name: 'Customers' }).getByRole('button');
  await expect(customers).toHaveText([/^Acme Ltd\s*acme$/, /^Globex\s*globex$/]);

  // Acme's account expires while Globex is shown: its webhook reaches the list.
  await harness.control(`/_simulator/accounts/${id}/status`, { status: 'expired' });
  await expect(customers.first()).toContainText('1 account to re-link');
  await expect(customers.last()).not.toContainText('to re-link');
  // And from the main process's summary when the window loads again.
  await app.reload();
  await expect(
    app.getByRole('list', { name: 'Customers' }).getByRole('button').first(),
  ).toContainText('1 account to re-link');
});

test('a customer already in StackOne is found, added, and brings their accounts and events', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  // A colleague linked Globex's BambooHR on another laptop.
  const globexAccount = await linkElsewhere(harness, { id: 'globex', name: 'Globex Corporation' });

  await app.getByRole('button', { name: 'Find a customer already in StackOne…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Customers in StackOne' });
  const found = dialog.getByRole('list', { name: 'Customers in StackOne' }).getByRole('listitem');
  await expect(found).toHaveCount(1);
  await expect(found).toContainText('Globex Corporation');
  await expect(found).toContainText('globex · 1 account');
  await found.getByRole('button', { name: 'Add Globex Corporation' }).click();

  await expect(dialog).toBeHidden();
  await expect(app.getByRole('heading', { name: 'Globex Corporation' })).toBeVisible();
  const status = accountRows(app).first().locator('[data-status]');
  await expect(status).toHaveAttribute('data-status', 'active');
  // Its events now reach this app.
  await harness.control(`/_simulator/accounts/${globexAccount}/status`, { status: 'error' });
  await expect(status).toHaveAttribute('data-status', 'error');

  await app.getByRole('button', { name: 'Find a customer already in StackOne…' }).click();
  await expect(dialog).toContainText(
    'Every customer StackOne has accounts for is in this app already.',
  );
  await app.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test("customers are added from a spreadsheet's CSV file: what it would add shown first, its bad lines named, those here left alone", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkElsewhere(harness, { id: 'globex', name: 'Globex Corporation' });
  await app.getByRole('button', { name: 'Import or export customers…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Import or export customers' });
  const csvFile = (name: string, lines: string[], encoding: BufferEncoding = 'utf8') => ({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(lines.join('\r\n'), encoding),
  });
  const chooser = dialog.getByLabel('CSV file');
  await chooser.setInputFiles(csvFile('contacts.csv', ['Company,Phone', 'Acme,555']));
  await expect(dialog.getByRole('region', { name: 'What contacts.csv holds' })).toContainText(
    'No customer to add from contacts.csv.Not added (mend these in the file and choose it again):Line 1: The first row must name the columns',
  );
  await expect(dialog.getByRole('button', { name: /^Add \d/ })).toHaveCount(0);
  // The chooser is emptied, so that the same file, mended, is read again when chosen again.
  await expect(chooser).toHaveValue('');

  // As Excel's plain "CSV" saves it on Windows: semicolons (a comma decimal mark), Windows-1252.
  await chooser.setInputFiles(
    csvFile(
      'onboarding.csv',
      [
        'Name;Customer id;Emails',
        'Acme Renamed;acme;',
        'Globex Corporation;globex;it@globex.example, hr@globex.example',
        'Initech;initech;',
        'Müller AG;mueller;',
        'Umbrella;umbrella corp;',
      ],
      'latin1',
    ),
  );
  const holds = dialog.getByRole('region', { name: 'What onboarding.csv holds' });
  // The file is named, as the chooser, emptied, names none.
  await expect(holds.getByText('3 customers to add from onboarding.csv:')).toBeVisible();
  await expect(holds.getByRole('listitem')).toHaveText([
    'Globex Corporation globex',
    'Initech initech',
    'Müller AG mueller',
    'Line 6: A customer id may contain only letters, digits and . _ : @ - (no spaces).',
  ]);
  await expect(holds).toContainText('Already here, left as they are: Acme Renamed (acme).');
  // Nothing is added before it is asked for.
  expect(harness.store.listCustomers().map((c) => c.id)).toEqual(['acme']);
  await holds.getByRole('button', { name: 'Add 3 customers' }).click();

  await expect(dialog).toBeHidden();
  await expect(app.getByRole('heading', { name: 'Globex Corporation' })).toBeVisible();
  await expect(app.getByText('it@globex.example, hr@globex.example')).toBeVisible();
  // Their account linked on another laptop is read from StackOne at once.
  await expect(accountRows(app).first().locator('[data-status]')).toHaveAttribute(
    'data-status',
    'active',
  );
  await expect(app.getByRole('list', { name: 'Customers' }).locator('.customer-name')).toHaveText([
    'Acme Ltd',
    'Globex Corporation',
    'Initech',
    'Müller AG',
  ]);
  // The keyboard is back where the dialog was opened from.
  await expect(app.getByRole('button', { name: 'Import or export customers…' })).toBeFocused();
});

test("a long word of the user's, a file's name or a customer's, breaks rather than run past the edge of a dialog, the customer list or the customer's page", async ({
  app,
}) => {
  await app.setViewportSize(windowSize.minimum);
  await app.getByRole('button', { name: 'Import or export customers…' }).click();
  const fileDialog = app.getByRole('dialog', { name: 'Import or export customers' });
  const fileName = `${'customers_exported_from_the_crm_'.repeat(4)}.csv`;
  await fileDialog.getByLabel('CSV file').setInputFiles({
    name: fileName,
    mimeType: 'text/csv',
    buffer: Buffer.from('name,id\r\nUmbrella Corp,umbrella'),
  });
  await expect(fileDialog.getByText(`1 customer to add from ${fileName}:`)).toBeVisible();
  expect(await pastItsEdge(fileDialog)).toBe(0);
  await app.keyboard.press('Escape');

  // A second customer, so that the list offers to show this one alone.
  await addCustomer(app, 'Acme Ltd', 'acme');
  const name = 'Aktiengesellschaftsverwaltungsgesellschaftsbeteiligungsholdingverwaltung';
  await addCustomer(app, name, 'holding');
  const customers = app.getByRole('complementary');
  await expect(customers.getByRole('button', { name: `Show only ${name}` })).toBeVisible();
  expect(await pastItsEdge(customers)).toBe(0);
  expect(await pastItsEdge(app.getByRole('list', { name: 'Customers' }))).toBe(0);
  expect(await pastItsEdge(app.getByRole('main'))).toBe(0);
  await customers.getByRole('button', { name: `Show only ${name}` }).click();
  await expect(customers).toContainText(`Only ${name} is shown`);
  expect(await pastItsEdge(customers)).toBe(0);
  await customers.getByRole('button', { name: 'Show all customers' }).click();
  await app.getByRole('button', { name: 'Send a link' }).click();
  const sendDialog = app.getByRole('dialog', { name: `Send ${name} a link` });
  await expect(sendDialog.getByRole('button', { name: 'Create link' })).toBeVisible();
  expect(await pastItsEdge(sendDialog)).toBe(0);
});

test("a file's other addresses for customers already here are shown, and taken only when asked", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await harness.session.handlers.saveCustomerContactEmails({
    id: 'acme',
    contactEmails: ['old@acme.example'],
  });
  await addCustomer(app, 'Globex', 'globex');
  await app.getByRole('button', { name: 'Import or export customers…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Import or export customers' });
  await dialog.getByLabel('CSV file').setInputFiles({
    name: 'customers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'name,id,emails\nAcme Ltd,acme,it@acme.example; hr@acme.example\nGlobex,globex,\nInitech,initech,\n',
    ),
  });
  const holds = dialog.getByRole('region', { name: 'What customers.csv holds' });
  const otherAddresses = holds.getByRole('list', {
    name: 'The file has other addresses for 1 of them:',
  });
  await expect(otherAddresses.getByRole('listitem')).toHaveText([
    'Acme Ltd: it@acme.example, hr@acme.example (now old@acme.example)',
  ]);
  const acmeAddresses = () =>
    harness.store.listCustomers().find((customer) => customer.id === 'acme')?.contactEmails;
  // Nothing is changed before it is asked for.
  expect(acmeAddresses()).toEqual(['old@acme.example']);

  await holds.getByRole('button', { name: 'Use the file’s addresses for 1 customer' }).click();
  await expect(holds.getByRole('status')).toHaveText(
    '1 customer’s links are now emailed to the file’s addresses.',
  );
  await expect(otherAddresses).toHaveCount(0);
  // The button gone, the keyboard stays in the dialog (not on the page behind it).
  await expect(dialog).toBeFocused();
  expect(acmeAddresses()).toEqual(['it@acme.example', 'hr@acme.example']);
  // Initech is still there to add.
  await expect(holds.getByRole('button', { name: 'Add 1 customer' })).toBeVisible();

  // The window has them too, without a reload.
  await app.keyboard.press('Escape');
  await app.getByRole('button', { name: /^Acme Ltd/ }).click();
  await expect(app.getByText('it@acme.example, hr@acme.example')).toBeVisible();
});

test("a file's lists are tab stops only while they scroll: the keyboard passes over a short one and can scroll a long one", async ({
  app,
}) => {
  await app.getByRole('button', { name: 'Import or export customers…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Import or export customers' });
  const chooser = dialog.getByLabel('CSV file');
  const choose = async (rows: number, badRows: number) => {
    const lines = ['name,id'];
    for (let n = 1; n <= rows; n++) lines.push(`Customer ${n},customer-${n}`);
    for (let n = 1; n <= badRows; n++) lines.push(`Bad ${n},bad id ${n}`);
    await chooser.setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n')),
    });
    await expect(dialog.getByRole('button', { name: `Add ${rows} customers` })).toBeVisible();
  };
  const toAdd = dialog.getByRole('list', { name: /customers to add/ });
  const notAdded = dialog.getByRole('list', { name: /^Not added/ });

  await choose(3, 2);
  await chooser.focus();
  await app.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Add 3 customers' })).toBeFocused();

  await choose(40, 30);
  await chooser.focus();
  await app.keyboard.press('Tab');
  await expect(toAdd).toBeFocused();
  await expect(toAdd.getByRole('listitem').last()).not.toBeInViewport();
  await app.keyboard.press('End');
  await expect(toAdd.getByRole('listitem').last()).toBeInViewport();
  await app.keyboard.press('Tab');
  await expect(notAdded).toBeFocused();
  await app.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Add 40 customers' })).toBeFocused();

  // Shorter again, in the same dialog: passed over again.
  await choose(2, 1);
  await chooser.focus();
  await app.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Add 2 customers' })).toBeFocused();
});

test('the customers are saved to a CSV file that another computer imports, their addresses with them', async ({
  app,
  harness,
  browser,
}) => {
  await addCustomer(app, 'München GmbH', 'muc');
  await harness.session.handlers.saveCustomerContactEmails({
    id: 'muc',
    contactEmails: ['it@muc.example', 'hr@muc.example'],
  });
  await addCustomer(app, 'Acme, Ltd', 'acme');
  await app.getByRole('button', { name: 'Import or export customers…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Import or export customers' });
  const downloading = app.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Save the customers to a file' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
  await expect(dialog.getByRole('status').last()).toHaveText(
    `2 customers in ${download.suggestedFilename()}.`,
  );
  const saved = readFileSync(await download.path(), 'utf8');
  expect(saved).toBe(
    '\uFEFFname,id,emails\r\n"Acme, Ltd",acme,\r\nMünchen GmbH,muc,it@muc.example; hr@muc.example\r\n',
  );

  // Another computer (its accounts would come from StackOne, as for customers added by hand).
  const elsewhere = await startHarness();
  try {
    const context = await browser.newContext();
    const page = await elsewhere.openApp(context);
    await page.getByRole('button', { name: 'Import or export customers…' }).click();
    await page.getByLabel('CSV file').setInputFiles({
      name: download.suggestedFilename(),
      mimeType: 'text/csv',
      buffer: Buffer.from(saved),
    });
    await page.getByRole('button', { name: 'Add 2 customers' }).click();
    await page.getByRole('button', { name: /^München GmbH/ }).click();
    await expect(page.getByText('it@muc.example, hr@muc.example')).toBeVisible();
    expect(elsewhere.store.listCustomers().map((c) => [c.id, c.name])).toEqual([
      ['acme', 'Acme, Ltd'],
      ['muc', 'München GmbH'],
    ]);
    await context.close();
  } finally {
    await elsewhere.close();
  }
});

test('finding customers in StackOne says what went wrong and can be tried again', async ({
  app,
  harness,
}) => {
  await linkElsewhere(harness, { id: 'globex', name: 'Globex Corporation' });
  await harness.control('/_simulator/faults', { failure_rate: 1 });

  await app.getByRole('button', { name: 'Find a customer already in StackOne…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Customers in StackOne' });
  await expect(dialog.getByRole('alert')).toContainText(
    'StackOne had a problem (HTTP 503) while trying to list linked accounts',
  );
  await harness.control('/_simulator/faults', { failure_rate: 0 });
  await dialog.getByRole('button', { name: 'Try again' }).click();
  await expect(dialog.getByRole('alert')).toBeHidden();
  await expect(dialog.getByRole('listitem')).toContainText('Globex Corporation');
});

test('finding customers in a project with more accounts than it reads says so', async ({
  context,
}) => {
  // 5,100 accounts of 51 owners in the demo StackOne; the app reads at most 5,000.
  const at = new Date('2026-12-01T09:00:00.000Z').toISOString();
  const accounts = Array.from({ length: 5_100 }, (_, i) => ({
    id: `acc-${i}`,
    provider: 'bamboohr',
    providerName: 'BambooHR',
    integrationId: 'int_bamboohr_api_key',
    originOwnerId: `owner-${i % 51}`,
    originOwnerName: `Owner ${i % 51}`,
    originUsername: null,
    label: null,
    type: 'production',
    status: 'active',
    statusReasons: [],
    setupInformation: {},
    createdAt: at,
    updatedAt: at,
  }));
  const harness = await startHarness({
    simulatorAccountsFileContents: JSON.stringify({
      schemaVersion: 1,
      accounts,
      deletedAccounts: [],
    }),
  });
  try {
    const app = await harness.openApp(context);
    await app.getByRole('button', { name: 'Find a customer already in StackOne…' }).click();
    const dialog = app.getByRole('dialog', { name: 'Customers in StackOne' });
    await expect(dialog).toContainText(
      'Only the first 5,000 accounts were read. A customer not listed can still be added by id.',
    );
    await expect(dialog.getByRole('listitem')).toHaveCount(51);
  } finally {
    await harness.close();
  }
});

test('back on a network, the window has the relay connection checked at once', async ({
  app,
  harness,
  context,
}) => {
  await expect(app.getByText('Events: Connected')).toBeVisible();
  const checks = () => harness.callsMade.filter((name) => name === 'checkRelayConnection').length;
  await context.setOffline(true);
  expect(checks()).toBe(0);
  await context.setOffline(false);
  await expect.poll(checks).toBe(1);
  // The relay answered the check: the connection stays as it was.
  await expect(app.getByText('Events: Connected')).toBeVisible();
});

test('where StackOne’s webhook does not reach the relay, the window says so after a link, with what to check, until an event comes', async ({
  context,
}) => {
  await withAccountLinkedAndWebhooksHeld(context, async (app, harness) => {
    // Read from StackOne in the end, the account does not stay pending.
    const row = accountRows(app).first();
    await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'active');
    const indicator = app.getByRole('button', { name: 'Events: Not arriving' });
    await expect(indicator).toHaveAttribute('data-relay-state', 'connected');
    await app.getByRole('button', { name: 'Done' }).click();
    await indicator.click();
    const detail = app.getByRole('region', { name: 'Events' });
    await expect(detail).toContainText(
      /StackOne’s events are not reaching the relay: an account linked here, or through a link sent from here, was in StackOne at .+ with no event for it\./,
    );
    await expect(detail).toContainText('ending in /webhooks/stackone');
    await expect(detail).toContainText('Meanwhile the app reads the customers’ accounts');
    await app.keyboard.press('Escape');

    await harness.control('/_simulator/webhooks/resume', {});
    await expect(app.getByRole('button', { name: 'Events: Connected' })).toBeVisible();
    await expect(app.locator('[data-stackone-events]')).toHaveCount(0);
  });
});

test('Verify asks StackOne about an account now and says what data it offers', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const id = await linkActiveBambooHr(app, harness, 'acme');
  const row = accountRows(app).first();
  const outcome = row.getByRole('status');

  await row.getByRole('button', { name: 'Verify BambooHR' }).click();
  await expect(outcome).toHaveText(
    /^Checked at .+: StackOne reads employees, time off and locations through it \(HRIS\)\.$/,
  );

  // The account expired in StackOne and its webhook never came: Verify finds out.
  await harness.control('/_simulator/webhooks/pause', {});
  await harness.control(`/_simulator/accounts/${id}/status`, { status: 'expired' });
  await row.getByRole('button', { name: 'Verify BambooHR' }).click();
  await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'expired');
  await expect(outcome).toContainText(
    'StackOne cannot read data through this account while it is expired. Re-link it',
  );
});

test("what StackOne could not do for an account (Verify, Disconnect) is said in that account's row, which stays", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkActiveBambooHr(app, harness, 'acme');
  await linkElsewhere(harness, { id: 'acme', name: 'Acme Ltd' }, { label: 'Payroll' });
  const second = accountRows(app).filter({ hasText: 'BambooHR (Payroll)' });
  await expect(second).toHaveCount(1);
  const first = accountRows(app).filter({ hasNotText: 'BambooHR (Payroll)' });
  const firstOutcome = first.getByRole('status');

  await harness.control('/_simulator/faults', { failure_rate: 1 });
  const verify = first.getByRole('button', { name: 'Verify BambooHR', exact: true });
  await verify.click();
  await expect(firstOutcome).toHaveText(
    /^Tried at .+: StackOne had a problem \(HTTP 503\) while trying to check the linked account\. Try again in a few minutes\.$/,
  );
  await expect(firstOutcome).toHaveClass(/\berror\b/);
  await expect(verify).toBeFocused();
  // Said of that account alone, not at the window's top where it could be any of them.
  await expect(second.getByRole('status')).toHaveText('');
  await expect(app.getByRole('region', { name: 'Notices' })).toHaveCount(0);

  const disconnect = first.getByRole('button', { name: 'Disconnect BambooHR', exact: true });
  await disconnect.click();
  await first.getByRole('group').getByRole('button', { name: 'Disconnect', exact: true }).click();
  await expect(firstOutcome).toHaveText(
    /^Tried at .+: StackOne had a problem \(HTTP 503\) while trying to disconnect the account\. Try again in a few minutes\.$/,
  );
  await expect(accountRows(app)).toHaveCount(2);
  await expect(disconnect).toBeFocused();
  await expect(app.getByRole('region', { name: 'Notices' })).toHaveCount(0);
  // At the window's smallest size the row holds it, its name whole.
  await app.setViewportSize(windowSize.minimum);
  expect(await accountTablePastItsFrame(app)).toBe(0);
  expect(await linesOf(first.locator('.account-name'))).toBe(1);

  // Tried again once StackOne answers, the outcome takes the failure's place.
  await harness.control('/_simulator/faults', { failure_rate: 0 });
  await verify.click();
  await expect(firstOutcome).toHaveText(/^Checked at .+: StackOne reads /);
  await expect(firstOutcome).not.toHaveClass(/\berror\b/);
});

test('Verify of an account StackOne no longer has says so at the window’s top, as its row goes', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const id = await linkActiveBambooHr(app, harness, 'acme');
  // Deleted in StackOne with no webhook to tell the app.
  await harness.control('/_simulator/webhooks/pause', {});
  await harness.control(`/_simulator/accounts/${id}/delete`, {});
  await accountRows(app).first().getByRole('button', { name: 'Verify BambooHR' }).click();
  await expect(accountRows(app)).toHaveCount(0);
  await expect(app.getByRole('region', { name: 'Notices' })).toContainText(
    'StackOne no longer has this BambooHR account: it was disconnected there, so it is gone from the list.',
  );
});
