import {
  accountRows,
  addCustomer,
  expect,
  linkActiveBambooHr,
  linkBambooHrFromAuthLink,
  linkElsewhere,
  sendLink,
  test,
} from './fixtures';
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { createMemoryKeyCipher } from '../support/memory-key-cipher';
import { startHarness } from './harness';

/** Send a link for the customer shown, and a way to open it with a link made in it. */
const sendLinkDialog = (app: Page, customerName: string) => {
  const dialog = app.getByRole('dialog', { name: `Send ${customerName} a link` });
  const openWithLink = async () => {
    await app.getByRole('button', { name: 'Send a link' }).click();
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await expect(dialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
  };
  return { dialog, openWithLink };
};

/** The customer's button in the list, its badges in its name. */
const customerButton = (app: Page, name: string) =>
  app
    .getByRole('list', { name: 'Customers' })
    .getByRole('button', { name: new RegExp(`^${name}`) });

test('a link sent is kept under Links sent: copied again after a reload, forgotten on request', async ({
  app,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await addCustomer(app, 'Acme Ltd', 'acme');
  const sentLinks = app.getByRole('region', { name: 'Links sent' });
  await expect(sentLinks).toHaveCount(0);

  const url = await sendLink(app, 'Acme Ltd');
  await expect(sentLinks.getByRole('listitem')).toHaveCount(1);
  await expect(sentLinks.getByRole('listitem')).toContainText(
    /To link their systems, made .+; works until .+/,
  );

  // The window reloaded (or the app restarted): the link is read back from main.
  await app.reload();
  await expect(sentLinks.getByRole('listitem')).toHaveCount(1);
  await app.evaluate(() => navigator.clipboard.writeText('something else'));
  await sentLinks.getByRole('button', { name: /^Copy link made / }).click();
  await expect(sentLinks.getByRole('status')).toHaveText('Link copied.');
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await app.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
  await sentLinks.getByRole('button', { name: /^Copy link made / }).click();
  await expect(sentLinks.getByRole('status')).toHaveText(
    'The link could not be copied. Make a new one with Send a link.',
  );

  // A second link: forgetting one leaves the keyboard on the list, the last on Send a link.
  expect(await sendLink(app, 'Acme Ltd')).not.toBe(url);
  await expect(sentLinks.getByRole('listitem')).toHaveCount(2);
  await sentLinks
    .getByRole('button', { name: /^Forget link made / })
    .first()
    .focus();
  await app.keyboard.press('Enter');
  await expect(sentLinks.getByRole('listitem')).toHaveCount(1);
  await expect(sentLinks.getByRole('heading', { name: 'Links sent' })).toBeFocused();
  await sentLinks.getByRole('button', { name: /^Forget link made / }).focus();
  await app.keyboard.press('Enter');
  await expect(sentLinks).toHaveCount(0);
  await expect(app.getByRole('button', { name: 'Send a link' })).toBeFocused();
  await app.reload();
  await expect(app.getByRole('heading', { name: 'Acme Ltd' })).toBeVisible();
  await expect(sentLinks).toHaveCount(0);
});

test('a link says which accounts StackOne has made for the customer since it was, and goes on saying so for a week once expired', async ({
  app,
  browser,
}) => {
  await app.clock.install();
  await addCustomer(app, 'Acme Ltd', 'acme');
  const url = await sendLink(app, 'Acme Ltd');
  const link = app.getByRole('region', { name: 'Links sent' }).getByRole('listitem');
  await expect(link).toHaveCount(1);
  await expect(link).not.toContainText('Since then');

  await linkBambooHrFromAuthLink(browser, url);
  await expect(accountRows(app).first().locator('[data-status]')).toHaveAttribute(
    'data-status',
    'active',
  );
  await expect(link).toContainText(/Since then: BambooHR linked \w+/);
  await app.reload();
  await expect(link).toContainText(/Since then: BambooHR linked \w+/);

  // Initech never uses theirs. Three days on (the links' default) it expires while shown, and
  // Acme's is found expired when shown again.
  await addCustomer(app, 'Initech', 'initech');
  const initechUrl = await sendLink(app, 'Initech');
  await expect(link).toContainText(/; works until /);
  // In the demo a working link opens in the browser here; an expired one does not.
  const openInBrowser = link.getByRole('link', { name: /^Open link made .+ in the browser$/ });
  await expect(openInBrowser).toHaveAttribute('href', initechUrl);
  // Apart from Copy link beside it, as the row's buttons are from one another.
  const copyBox = await link.getByRole('button', { name: /^Copy link/ }).boundingBox();
  const openBox = await openInBrowser.boundingBox();
  const copyRight = (copyBox?.x ?? 0) + (copyBox?.width ?? 0);
  expect((openBox?.x ?? 0) - copyRight).toBeGreaterThanOrEqual(4);
  const expiredUnused = 'Link expired, nothing linked';
  await expect(customerButton(app, 'Initech')).not.toContainText(expiredUnused);
  // Its Copy link goes as it expires: the keyboard on it stays in Links sent.
  await link.getByRole('button', { name: /^Copy link/ }).focus();
  await app.clock.fastForward(3 * 24 * 60 * 60 * 1000 + 60_000);
  await expect(link).toContainText(
    /^To link their systems, made .+; expired .+Nothing linked since it was made: send a new link if they still need one\./,
  );
  await expect(app.getByRole('heading', { name: 'Links sent' })).toBeFocused();
  await expect(customerButton(app, 'Initech')).toContainText(expiredUnused);
  await expect(customerButton(app, 'Acme Ltd')).not.toContainText('expired');
  await expect(link.getByRole('button', { name: /^Copy link/ })).toHaveCount(0);
  await expect(openInBrowser).toHaveCount(0);
  await expect(link.getByRole('button', { name: /^Forget link/ })).toHaveCount(1);

  // Another in its place, from the row; the expired one stays until forgotten.
  // (Newest first: the expired one is the last row once the new one is in.)
  const sendAnother = link.last().getByRole('button', { name: /^Send another link, in place of / });
  await sendAnother.click();
  const dialog = app.getByRole('dialog', { name: 'Send Initech a link' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(link).toHaveCount(2);
  // The expired one offers no Send another… once the new one, which outlasts it, is listed: the
  // keyboard, back on that button as the dialog closed, stays in Links sent as it goes.
  await expect(sendAnother).toHaveCount(0);
  await expect(app.getByRole('heading', { name: 'Links sent' })).toBeFocused();

  await app.getByRole('button', { name: /^Acme Ltd/ }).click();
  await expect(link).toContainText(/; expired .+Since then: BambooHR linked \w+/);
  await expect(link.getByRole('button', { name: /^Copy link/ })).toHaveCount(0);
});

test("a customer's links are shown as they stand when the customer is shown, not for a moment as they stood when the last customer was", async ({
  app,
}) => {
  await app.clock.install();
  await addCustomer(app, 'Acme Ltd', 'acme');
  await sendLink(app, 'Acme Ltd');
  // Initech has no links: nothing passes on their page as Acme's link expires.
  await addCustomer(app, 'Initech', 'initech');
  await app.clock.fastForward(3 * 24 * 60 * 60 * 1000 + 60_000);
  // Every text the links' rows ever have, however briefly.
  await app.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { linkRowTexts: string[] }).linkRowTexts = seen;
    new MutationObserver(() => {
      for (const row of document.querySelectorAll('.sent-links li'))
        seen.push(row.textContent ?? '');
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await customerButton(app, 'Acme Ltd').click();
  const link = app.getByRole('region', { name: 'Links sent' }).getByRole('listitem');
  await expect(link).toContainText('; expired ');
  const texts = await app.evaluate(
    () => (window as unknown as { linkRowTexts: string[] }).linkRowTexts,
  );
  expect(texts.length).toBeGreaterThan(0);
  expect(texts.filter((text) => text.includes('works until'))).toEqual([]);
});

test('the customer list says whose links expired with nothing linked since, and counts them to follow up, until forgotten or a week on', async ({
  app,
  harness,
}) => {
  await app.clock.install();
  await addCustomer(app, 'Globex', 'globex');
  // Six customers or more: the list has its search box and its tick.
  for (const name of ['Acme Ltd', 'Hooli', 'Umbrella', 'Wonka Industries']) {
    await harness.session.handlers.createCustomer({ id: name.split(' ')[0] ?? '', name });
  }
  await app.reload();
  await addCustomer(app, 'Initech', 'initech');
  await sendLink(app, 'Initech');
  // Two for different things: one's expiry is not outlasted by the other's (see below).
  await harness.session.handlers.createAuthLink({
    customerId: 'initech',
    secondAccount: { label: 'Payroll' },
    validForDays: 3,
  });
  const initech = customerButton(app, 'Initech');
  const onlyToFollowUp = app.getByLabel(/^Only those to follow up/);
  await expect(initech).not.toContainText('expired');
  await expect(onlyToFollowUp).toHaveAccessibleName('Only those to follow up (0)');

  // Three days on (the links' default), with no reload: the list's clock passed their expiry.
  await app.clock.fastForward(3 * 24 * 60 * 60 * 1000 + 60_000);
  await expect(initech).toContainText('2 links expired, nothing linked');
  await expect(customerButton(app, 'Globex')).not.toContainText('expired');
  await expect(onlyToFollowUp).toHaveAccessibleName('Only those to follow up (1)');
  await onlyToFollowUp.check();
  await expect(app.getByRole('list', { name: 'Customers' }).getByRole('button')).toHaveCount(1);
  await app.reload();
  await expect(initech).toContainText('2 links expired, nothing linked');

  const forget = app
    .getByRole('region', { name: 'Links sent' })
    .getByRole('button', { name: /^Forget link made / });
  await forget.first().click();
  await expect(initech).toContainText('Link expired, nothing linked');

  // A week after its expiry the link is no longer listed, nor followed up.
  await app.clock.fastForward(7 * 24 * 60 * 60 * 1000);
  await expect(initech).not.toContainText('expired');
  await expect(app.getByRole('region', { name: 'Links sent' })).toHaveCount(0);
  await expect(onlyToFollowUp).toHaveAccessibleName('Only those to follow up (0)');
});

test('an expired link that another for the same outlasts says until when that one works, and once that one has expired too, it is the one followed up', async ({
  app,
}) => {
  await app.clock.install();
  await addCustomer(app, 'Initech', 'initech');
  await sendLink(app, 'Initech', { validFor: '1 day' });
  await sendLink(app, 'Initech');
  const links = app.getByRole('region', { name: 'Links sent' }).getByRole('listitem');
  await expect(links).toHaveCount(2);
  const [later, first] = [links.first(), links.last()];
  const sendAnother = first.getByRole('button', { name: /^Send another link, in place of / });
  const initech = customerButton(app, 'Initech');

  // A day on, the first has expired but the customer has the second.
  await app.clock.fastForward(24 * 60 * 60 * 1000 + 60_000);
  await expect(first).toContainText(
    /; expired .+Nothing linked since it was made; another link for the same works until .+\./,
  );
  const secondWorksUntil = /works until (.+? [AP]M)/.exec((await later.textContent()) ?? '')?.[1];
  expect(secondWorksUntil).toBeDefined();
  await expect(first).toContainText(`works until ${secondWorksUntil ?? ''}.`);
  await expect(sendAnother).toHaveCount(0);
  await expect(initech).not.toContainText('expired');

  // Two days more: the second has expired too, with nothing linked. It is the one to follow up;
  // the first says so rather than offer another beside it.
  await app.clock.fastForward(2 * 24 * 60 * 60 * 1000);
  await expect(later).toContainText(
    'Nothing linked since it was made: send a new link if they still need one.',
  );
  await expect(later.getByRole('button', { name: /^Send another link, in place of / })).toHaveCount(
    1,
  );
  await expect(first).toContainText(
    `Nothing linked since it was made; another link for the same expired ${secondWorksUntil ?? ''}.`,
  );
  await expect(sendAnother).toHaveCount(0);
  await expect(initech).toContainText('Link expired, nothing linked');
});

test("a link to re-link an account, or for a second account, says so, and another for the same is offered once it has expired; another customer's list has none of it", async ({
  app,
  harness,
}) => {
  await app.clock.install();
  await addCustomer(app, 'Acme Ltd', 'acme');
  const accountId = await linkActiveBambooHr(app, harness, 'acme');
  await accountRows(app).first().getByRole('button', { name: 'Re-link BambooHR' }).click();
  await app.getByRole('button', { name: 'Send them a link to re-link it' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link to re-link BambooHR' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
  await dialog.getByRole('button', { name: 'Done' }).click();
  const sentLinks = app.getByRole('region', { name: 'Links sent' });
  await expect(sentLinks.getByRole('listitem')).toContainText('To re-link BambooHR, made');
  await app.clock.fastForward(3 * 24 * 60 * 60 * 1000 + 60_000);
  await expect(sentLinks.getByRole('listitem')).not.toContainText('Nothing linked since');
  await expect(sentLinks.getByRole('listitem')).not.toContainText('still needs re-linking');
  // Once the account needs re-linking, the expired link is said to have been no help.
  await harness.control(`/_simulator/accounts/${accountId}/status`, { status: 'expired' });
  await expect(sentLinks.getByRole('listitem')).toContainText(
    'BambooHR still needs re-linking: send a new link if they still need one.',
  );
  await sentLinks.getByRole('button', { name: /^Send another link, in place of / }).click();
  await expect(
    app.getByRole('dialog', { name: 'Send Acme Ltd a link to re-link BambooHR' }),
  ).toBeVisible();
  await expect(app.getByRole('dialog')).not.toContainText('disconnected since');
  await app.keyboard.press('Escape');

  // A second account's: another in its place asks for a second account with the same label.
  await app.getByRole('button', { name: 'Send a link' }).click();
  const sendDialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await sendDialog.getByRole('button', { name: 'Link a second account…' }).click();
  await sendDialog.getByLabel('Label for the new account').fill('Payroll');
  await sendDialog.getByRole('button', { name: 'Use this label' }).click();
  await sendDialog.getByRole('button', { name: 'Create link' }).click();
  await expect(sendDialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
  await sendDialog.getByRole('button', { name: 'Done' }).click();
  await app.clock.fastForward(3 * 24 * 60 * 60 * 1000 + 60_000);
  const payrollLinks = sentLinks
    .getByRole('listitem')
    .filter({ hasText: 'To link a second account, labelled “Payroll”' });
  await expect(payrollLinks).toContainText('; expired ');
  await payrollLinks.getByRole('button', { name: /^Send another link, in place of / }).click();
  await expect(sendDialog).toContainText('A second account, labelled “Payroll”');
  await sendDialog.getByRole('button', { name: 'Create link' }).click();
  await expect(sendDialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
  await sendDialog.getByRole('button', { name: 'Done' }).click();
  await expect(payrollLinks).toHaveCount(2);
  // With a Payroll account linked since, another in place of the expired link warns of the label.
  await linkElsewhere(harness, { id: 'acme', name: 'Acme Ltd' }, { label: 'Payroll' });
  await expect(
    payrollLinks.filter({ hasText: 'Since then: BambooHR (Payroll) linked' }),
  ).toHaveCount(2);
  // (Both have expired by the window's clock, run six days ahead of main's.)
  await payrollLinks
    .getByRole('button', { name: /^Send another link, in place of / })
    .first()
    .click();
  await expect(sendDialog).toContainText(
    'Their BambooHR (Payroll) has this label already: choose another if the new account may be of the same system.',
  );
  await expect(sendDialog.getByRole('button', { name: 'Choose another label' })).toBeVisible();
  await app.keyboard.press('Escape');

  // The account to re-link is disconnected: another in place of that link is to link it anew.
  const bambooHr = accountRows(app).filter({ hasNotText: 'Payroll' });
  await bambooHr.getByRole('button', { name: 'Disconnect BambooHR' }).click();
  await bambooHr
    .getByRole('group', { name: 'Disconnect BambooHR?' })
    .getByRole('button', { name: 'Disconnect', exact: true })
    .click();
  const relinkLink = sentLinks
    .getByRole('listitem')
    .filter({ hasText: 'To re-link an account since disconnected' });
  await relinkLink.getByRole('button', { name: /^Send another link, in place of / }).click();
  await expect(sendDialog).toContainText(
    'The account the expired link was to re-link has been disconnected since, so there is nothing to re-link: this link is for the customer to link the system anew.',
  );
  await app.keyboard.press('Escape');
  await app.getByRole('button', { name: 'Send a link' }).click();
  await expect(sendDialog).not.toContainText('disconnected since');
  await app.keyboard.press('Escape');

  await addCustomer(app, 'Initech', 'initech');
  await expect(app.getByRole('heading', { name: 'Initech' })).toBeVisible();
  await expect(sentLinks).toHaveCount(0);
});

test('Send a link says when a link for the same still works, and copies that one instead; not for another purpose, nor once it has expired', async ({
  app,
  context,
  harness,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.clock.install();
  await addCustomer(app, 'Acme Ltd', 'acme');
  // An account already, so that a second one can be asked for.
  await linkActiveBambooHr(app, harness, 'acme');
  const url = await sendLink(app, 'Acme Ltd');
  const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  const notice = dialog.getByText(/^A link for the same, made /);

  await app.getByRole('button', { name: 'Send a link' }).click();
  await expect(notice).toHaveText(
    /^A link for the same, made .+, works until .+: if they lost it, copy it again rather than make another\.$/,
  );
  await app.evaluate(() => navigator.clipboard.writeText('something else'));
  await dialog.getByRole('button', { name: 'Copy that link' }).click();
  await expect(dialog.getByRole('status').first()).toHaveText('That link copied.');
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(url);
  // In the demo it opens here too, as the link just made does (in live mode: settings.spec).
  const openThatLink = dialog.getByRole('link', { name: 'Open that link in the browser' });
  // Before a link is made the dialog does not say why the demo opens links here; its tooltip does.
  await expect(openThatLink).toHaveAccessibleDescription(
    'In the demo a link opens on this computer only: play the customer’s part here',
  );
  const opened = context.waitForEvent('page');
  await openThatLink.click();
  const customerPage = await opened;
  expect(customerPage.url()).toBe(url);
  await customerPage.close();
  // A second account's link is for something else.
  await dialog.getByRole('button', { name: 'Link a second account…' }).click();
  await dialog.getByLabel('Label for the new account').fill('Payroll');
  await dialog.getByRole('button', { name: 'Use this label' }).click();
  await expect(notice).toHaveCount(0);
  await app.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // Open as the link expires, three days on (its default): the notice goes with it.
  await app.getByRole('button', { name: 'Send a link' }).click();
  await expect(notice).toBeVisible();
  await app.clock.fastForward(3 * 24 * 60 * 60 * 1000 + 60_000);
  await expect(notice).toHaveCount(0);
});

test("a link for the customer's HR system alone offers only HR systems, says so in its email and under Links sent, and Send another… keeps to it", async ({
  app,
  browser,
}) => {
  await app.clock.install();
  await addCustomer(app, 'Acme Ltd', 'acme');
  await app.getByRole('button', { name: 'Send a link' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await expect(dialog.getByRole('combobox', { name: 'For', exact: true })).toHaveValue('any');
  await dialog
    .getByRole('combobox', { name: 'For', exact: true })
    .selectOption({ label: 'Their HR system' });
  await dialog.getByLabel('Valid for').selectOption({ label: '1 day' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const url = await dialog.getByLabel('Link', { exact: true }).inputValue();
  const draft = new URL(
    (await dialog.getByRole('link', { name: 'Email it…' }).getAttribute('href')) ?? '',
  );
  expect(draft.searchParams.get('subject')).toBe("Connect Acme Ltd's HR system");
  expect(draft.searchParams.get('body')).toContain('connect your HR system:');

  // The customer's page (the real Hub) offers HR systems, and none of another kind.
  const customerDevice = await browser.newContext();
  try {
    const page = await customerDevice.newPage();
    await page.goto(url);
    await expect(page.getByText('BambooHR', { exact: true })).toBeVisible();
    await expect(page.getByText('HiBob', { exact: true })).toBeVisible();
    for (const other of ['Greenhouse', 'Pipedrive', 'Jira'])
      await expect(page.getByText(other, { exact: true })).toHaveCount(0);
  } finally {
    await customerDevice.close();
  }
  await dialog.getByRole('button', { name: 'Done' }).click();
  const sent = app.getByRole('region', { name: 'Links sent' }).getByRole('listitem');
  await expect(sent).toContainText(/^To link their HR system, made /);

  // A link for any system is another purpose: no notice of the HR one; for HR, the notice.
  await app.getByRole('button', { name: 'Send a link' }).click();
  const notice = dialog.getByText(/^A link for the same, made /);
  await expect(dialog.getByRole('button', { name: 'Create link' })).toBeVisible();
  await expect(notice).toHaveCount(0);
  await dialog
    .getByRole('combobox', { name: 'For', exact: true })
    .selectOption({ label: 'Their HR system' });
  await expect(notice).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();

  await app.clock.fastForward(24 * 60 * 60 * 1000 + 60_000);
  await sent.getByRole('button', { name: /^Send another link, in place of / }).click();
  await expect(dialog.getByRole('combobox', { name: 'For', exact: true })).toHaveValue('hris');
});

test('where the computer has no secret storage, the app says that links are not kept', async ({
  browser,
}) => {
  const harness = await startHarness({ secretStorage: 'unavailable' });
  const context = await browser.newContext();
  try {
    const app = await harness.openApp(context);
    await addCustomer(app, 'Acme Ltd', 'acme');
    await expect(
      app.getByText('This computer has no secret storage, so the links you send are not kept'),
    ).toBeVisible();
  } finally {
    await context.close();
    await harness.close();
  }
});

/**
 * An account list with Acme Ltd and a link kept for them that works 6 days more, encrypted by a
 * keyring not this app's.
 */
async function storeWithLinkOfAnotherKeyring(): Promise<string> {
  const now = Date.now();
  return JSON.stringify({
    schemaVersion: 1,
    customers: [{ id: 'acme', name: 'Acme Ltd', createdAt: new Date(now).toISOString() }],
    accounts: [],
    relayCursor: null,
    sentLinks: [
      {
        id: randomUUID(),
        customerId: 'acme',
        urlCiphertext: await createMemoryKeyCipher().encrypt('https://hub.stackone.com/link'),
        createdAt: new Date(now - 60_000).toISOString(),
        expiresAt: new Date(now + 6 * 24 * 60 * 60 * 1000).toISOString(),
        relinkAccountId: null,
      },
    ],
  });
}

test('a link kept whose address the keyring cannot decrypt now is said to be kept, with what to do, and as working in Remove’s question, Send a link and the summary', async ({
  browser,
}) => {
  const storeFileContents = await storeWithLinkOfAnotherKeyring();
  const cases = [
    {
      secretStorage: 'encrypted',
      said: /^A link made before cannot be shown: .*Unlock it and restart/,
    },
    {
      secretStorage: 'unavailable',
      said: /The link kept before is shown again once the system keyring is unlocked/,
    },
  ] as const;
  for (const { secretStorage, said } of cases) {
    const harness = await startHarness({ storeFileContents, secretStorage });
    const context = await browser.newContext();
    try {
      const app = await harness.openApp(context);
      await customerButton(app, 'Acme Ltd').click();
      await expect(app.getByText(said)).toBeVisible();
      // The summary gives no link's address: it has this one as any other.
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await app.getByRole('button', { name: 'Copy summary' }).click();
      await expect
        .poll(() => app.evaluate(() => navigator.clipboard.readText()))
        .toMatch(/\nLinks sent:\n- To link their systems, made [^\n]+; works until [^\n]+\n$/);
      // Not shown, it works all the same: removing the customer says so, as does Send a link.
      await app.getByRole('button', { name: 'Remove' }).click();
      const question = app.getByRole('group', { name: 'Remove Acme Ltd?' });
      await expect(question).toContainText('The link sent to them works until');
      await question.getByRole('button', { name: 'Keep it' }).click();
      await app.getByRole('button', { name: 'Send a link' }).click();
      const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
      await expect(
        dialog.getByText(
          /^A link for the same, made .+, works until .+, but its address cannot be shown: .+ If they lost it, make another\.$/,
        ),
      ).toBeVisible();
      await expect(dialog.getByRole('button', { name: 'Copy that link' })).toHaveCount(0);
      if (secretStorage === 'encrypted') {
        // One made now, working a shorter time, can be copied: that one is offered.
        await dialog.getByLabel('Valid for').selectOption({ label: '1 day' });
        await dialog.getByRole('button', { name: 'Create link' }).click();
        await expect(dialog.getByLabel('Link', { exact: true })).toHaveValue(/token=/);
        await dialog.getByRole('button', { name: 'Done' }).click();
        await app.getByRole('button', { name: 'Send a link' }).click();
        await expect(dialog.getByRole('button', { name: 'Copy that link' })).toBeVisible();
        await expect(dialog.getByText(/its address cannot be shown/)).toHaveCount(0);
      }
    } finally {
      await context.close();
      await harness.close();
    }
  }
});

test('an expired link that one whose address cannot be decrypted now outlasts says until when that one works, and offers another once that one has expired too', async ({
  browser,
}) => {
  const harness = await startHarness({
    storeFileContents: await storeWithLinkOfAnotherKeyring(),
    secretStorage: 'encrypted',
  });
  const context = await browser.newContext();
  try {
    await context.clock.install();
    const app = await harness.openApp(context);
    await customerButton(app, 'Acme Ltd').click();
    await sendLink(app, 'Acme Ltd', { validFor: '1 day' });
    const link = app.getByRole('region', { name: 'Links sent' }).getByRole('listitem');
    await expect(link).toHaveCount(1);

    await context.clock.fastForward(2 * 24 * 60 * 60 * 1000);
    await expect(link).toContainText(
      /; expired .+Nothing linked since it was made; another link for the same works until .+\./,
    );
    await expect(
      link.getByRole('button', { name: /^Send another link, in place of / }),
    ).toHaveCount(0);
    await expect(customerButton(app, 'Acme Ltd')).not.toContainText('expired');

    // Five days more, that one has expired too: not shown, it leaves the follow-up to this one.
    await context.clock.fastForward(5 * 24 * 60 * 60 * 1000);
    await expect(link).toContainText(
      /Nothing linked since it was made; another link for the same expired .+\./,
    );
    await expect(
      link.getByRole('button', { name: /^Send another link, in place of / }),
    ).toHaveCount(1);
  } finally {
    await context.close();
    await harness.close();
  }
});

test("the addresses a customer's links are emailed to are changed on their page before any link is made, and the next link's draft goes to them", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const addresses = app.getByLabel('Email their links to');
  await expect(app.getByText('Links are emailed to whom you choose in the mail app')).toBeVisible();
  await app.getByRole('button', { name: 'Add addresses' }).click();
  await expect(addresses).toBeFocused();

  // One that is not an address: said so, nothing kept, the field keeps what was typed.
  await addresses.fill('it@acme.example, hr at acme');
  await addresses.press('Enter');
  await expect(app.getByRole('alert')).toHaveText(/^“hr at acme” is not an email address/);
  await expect(addresses).toHaveAttribute('aria-invalid', 'true');
  await expect(addresses).toHaveValue('it@acme.example, hr at acme');
  expect(harness.store.getCustomer('acme')).not.toHaveProperty('contactEmails');

  await addresses.fill('it@acme.example; hr@acme.example');
  await addresses.press('Enter');
  await expect(addresses).toHaveCount(0);
  await expect(
    app.getByText('Links are emailed to it@acme.example, hr@acme.example'),
  ).toBeVisible();
  const change = app.getByRole('button', { name: 'Change addresses' });
  await expect(change).toBeFocused();
  expect(harness.store.getCustomer('acme')?.contactEmails).toEqual([
    'it@acme.example',
    'hr@acme.example',
  ]);

  // Escape leaves them as they were.
  await change.click();
  await expect(addresses).toHaveValue('it@acme.example, hr@acme.example');
  await addresses.fill('someone@else.example');
  await addresses.press('Escape');
  await expect(change).toBeFocused();
  expect(harness.store.getCustomer('acme')?.contactEmails).toEqual([
    'it@acme.example',
    'hr@acme.example',
  ]);

  // The next link's draft goes to them; changed there, the page says so.
  await app.getByRole('button', { name: 'Send a link' }).click();
  const dialog = app.getByRole('dialog', { name: 'Send Acme Ltd a link' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const emailTo = dialog.getByLabel('Email it to');
  await expect(emailTo).toHaveValue('it@acme.example, hr@acme.example');
  const draft = new URL(
    (await dialog.getByRole('link', { name: 'Email it…' }).getAttribute('href')) ?? '',
  );
  expect(decodeURIComponent(draft.pathname)).toBe('it@acme.example,hr@acme.example');
  await emailTo.fill('it@acme.example');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(
    app.getByText(/^Links are emailed to it@acme\.example · Change addresses$/),
  ).toBeVisible();

  // Emptied: nobody kept, and the mail app asks whom.
  await change.click();
  await addresses.fill('');
  await app.getByRole('button', { name: 'Save' }).click();
  await expect(app.getByText('Links are emailed to whom you choose in the mail app')).toBeVisible();
  await expect(app.getByRole('button', { name: 'Add addresses' })).toBeFocused();
  expect(harness.store.getCustomer('acme')).not.toHaveProperty('contactEmails');
});

test("the addresses a link is emailed to are the draft's recipients and are kept for the customer's next link, after a reload too; one that is not an address is said so", async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const { dialog, openWithLink } = sendLinkDialog(app, 'Acme Ltd');
  const emailTo = dialog.getByLabel('Email it to');
  const emailIt = dialog.getByRole('link', { name: 'Email it…' });
  const draft = async () => new URL((await emailIt.getAttribute('href')) ?? '');

  await openWithLink();
  await expect(emailTo).toHaveValue('');
  await expect(dialog).toContainText('Kept for Acme Ltd’s next link.');
  expect((await draft()).pathname).toBe('');

  await emailTo.fill('it at acme');
  await emailTo.press('Tab');
  await expect(dialog.getByRole('alert')).toHaveText(/^“it at acme” is not an email address/);
  await expect(emailTo).toHaveAttribute('aria-invalid', 'true');
  // Emailed as it is, the draft would go nowhere: the mail app is not opened, and the field has
  // the keyboard.
  const clickPrevented = app.evaluate(
    () =>
      new Promise<boolean>((resolve) =>
        document.addEventListener('click', (event) => resolve(event.defaultPrevented), {
          once: true,
        }),
      ),
  );
  await emailIt.click();
  expect(await clickPrevented).toBe(true);
  await expect(emailTo).toBeFocused();
  expect(harness.store.getCustomer('acme')).not.toHaveProperty('contactEmails');

  await emailTo.fill(' it+links@acme.example ');
  await emailTo.press('Tab');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await expect(emailTo).toHaveAttribute('aria-invalid', 'false');
  const addressed = await draft();
  expect(addressed.protocol).toBe('mailto:');
  expect(decodeURIComponent(addressed.pathname)).toBe('it+links@acme.example');
  expect(addressed.searchParams.get('subject')).toBe("Connect Acme Ltd's systems");
  await expect
    .poll(() => harness.store.getCustomer('acme')?.contactEmails)
    .toEqual(['it+links@acme.example']);
  await dialog.getByRole('button', { name: 'Done' }).click();

  await openWithLink();
  await expect(emailTo).toHaveValue('it+links@acme.example');
  // Changed, and the dialog closed with Escape from the field: kept all the same.
  await emailTo.fill('it@acme.example');
  await emailTo.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect
    .poll(() => harness.store.getCustomer('acme')?.contactEmails)
    .toEqual(['it@acme.example']);
  await app.reload();
  await openWithLink();
  await expect(emailTo).toHaveValue('it@acme.example');
  // Several, as mail apps take them: each once, commas between.
  await emailTo.fill('it@acme.example; hr@acme.example, hr at acme');
  await emailTo.press('Tab');
  await expect(dialog.getByRole('alert')).toHaveText(/^“hr at acme” is not an email address/);
  await emailTo.fill('it@acme.example; hr@acme.example, IT@acme.example,');
  await emailTo.press('Tab');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await expect(emailTo).toHaveValue('it@acme.example, hr@acme.example');
  // Nor does the browser's own check call the list invalid (as it would an email-type field's).
  expect(await emailTo.evaluate((field) => (field as HTMLInputElement).validity.valid)).toBe(true);
  expect(decodeURIComponent((await draft()).pathname)).toBe('it@acme.example,hr@acme.example');
  await expect
    .poll(() => harness.store.getCustomer('acme')?.contactEmails)
    .toEqual(['it@acme.example', 'hr@acme.example']);
  await dialog.getByRole('button', { name: 'Done' }).click();

  // A list long enough for the search finds the customer by where their links go.
  for (const name of ['Globex', 'Hooli', 'Initech', 'Soylent', 'Umbrella']) {
    await harness.session.handlers.createCustomer({ id: name.toLowerCase(), name });
  }
  await app.reload();
  await app.getByLabel('Find a customer').fill('acme.example');
  const found = app.getByRole('list', { name: 'Customers' }).getByRole('button');
  await expect(found).toHaveCount(1);
  await expect(found).toHaveText(/^Acme Ltd/);
  await found.click();

  // Emptied: nobody kept, and the mail app asks whom.
  await openWithLink();
  await emailTo.fill('');
  await emailTo.press('Tab');
  await expect.poll(() => harness.store.getCustomer('acme')).not.toHaveProperty('contactEmails');
  expect((await draft()).pathname).toBe('');
});

test('addresses that cannot be kept as Send a link closes are said so once it has: not addresses, or not saved', async ({
  app,
  harness,
}) => {
  await addCustomer(app, 'Acme Ltd', 'acme');
  const { dialog, openWithLink } = sendLinkDialog(app, 'Acme Ltd');
  const emailTo = dialog.getByLabel('Email it to');
  const notice = app.getByRole('alert').getByRole('listitem');

  // Typed, and the dialog closed without leaving the field: the typing was not lost unsaid.
  await openWithLink();
  await emailTo.fill('it@acme.example, it at acme');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(notice).toHaveText(
    /^The addresses typed for Acme Ltd’s links were not kept: “it at acme” is not an email address\. Set them with Add addresses, under Acme Ltd’s id\.Dismiss$/,
  );
  expect(harness.store.getCustomer('acme')).not.toHaveProperty('contactEmails');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);

  // Told already, under the field, and closed with Escape: told again, as the field is gone.
  await openWithLink();
  await emailTo.fill('hr@');
  await emailTo.press('Tab');
  await expect(dialog.getByRole('alert')).toHaveText(/^“hr@” is not an email address/);
  await emailTo.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(notice).toHaveText(/^The addresses typed for Acme Ltd’s links were not kept: “hr@”/);
  await notice.getByRole('button', { name: 'Dismiss' }).click();

  // Addresses main cannot keep (the customer gone from under the dialog): its reason, once closed
  // (the save began as Done took the keyboard from the field, and failed after).
  await openWithLink();
  await emailTo.fill('it@acme.example');
  await harness.session.handlers.removeCustomer({ id: 'acme' });
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(notice.filter({ hasText: 'The addresses typed' })).toHaveText(
    /^The addresses typed for Acme Ltd’s links were not kept: There is no customer with id "acme" \(it may have been removed\)\..*Dismiss$/,
  );
});

test('removing a customer whose links still work says until when, as what they link with them would not be shown; not once they have expired', async ({
  app,
}) => {
  await app.clock.install();
  await addCustomer(app, 'Acme Ltd', 'acme');
  const question = app.getByRole('group', { name: 'Remove Acme Ltd?' });
  const askRemove = async () => {
    await app.getByRole('button', { name: 'Remove' }).click();
    await expect(question).toContainText('Nothing changes in StackOne');
  };
  await askRemove();
  await expect(question).not.toContainText('links sent');
  await expect(question).not.toContainText('link sent');
  await question.getByRole('button', { name: 'Keep it' }).click();

  await sendLink(app, 'Acme Ltd', { validFor: '1 day' });
  const links = app.getByRole('region', { name: 'Links sent' }).getByRole('listitem');
  const untilOf = async (index: number) =>
    /works until (.+? [AP]M)/.exec((await links.nth(index).textContent()) ?? '')?.[1] ?? '?';
  const oneDay = await untilOf(0);
  await askRemove();
  await expect(question).toContainText(
    `The link sent to them works until ${oneDay}: what they link with it is linked in StackOne all the same, and shown here once you add them again.`,
  );
  await question.getByRole('button', { name: 'Keep it' }).click();

  await sendLink(app, 'Acme Ltd');
  await expect(links).toHaveCount(2);
  const threeDays = await untilOf(0);
  await askRemove();
  await expect(question).toContainText(
    `The 2 links sent to them work until ${threeDays}: what they link with them`,
  );
  await question.getByRole('button', { name: 'Keep it' }).click();

  // Four days on, both have expired: nothing more to say.
  await app.clock.fastForward(4 * 24 * 60 * 60 * 1000);
  await expect(links.first()).toContainText('expired');
  await askRemove();
  await expect(question).not.toContainText('sent to them');
});
