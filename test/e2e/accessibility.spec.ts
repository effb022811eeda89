import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { windowSize } from '../../src/main/window-bounds';
import { blockFile } from '../support/blocked-file';
import {
  addCustomer,
  expect,
  linkActiveBambooHr,
  linkElsewhere,
  oneColumnSize,
  test,
  withAccountLinkedAndWebhooksHeld,
} from './fixtures';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * What axe-core finds wrong on the page as it is now (WCAG 2 A and AA rules), one line per rule.
 * Evaluated rather than added as a script tag: the app's CSP allows no inline script. The Hub's
 * own markup is left out: it is StackOne's component, not ours to change.
 */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{
            violations: { id: string; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(
      { exclude: [['[data-testid="stackone-hub"]']] },
      {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        // Best practice rather than WCAG, kept on: text outside every landmark is text nothing
        // placed there on purpose (once, a JSX comment drawn as text above the header).
        rules: { region: { enabled: true } },
      },
    );
    return result.violations.map(
      (v) => `${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
  });
}

for (const colorScheme of ['light', 'dark'] as const)
  test(`the main screen, its forms and dialogs pass axe-core’s WCAG 2 AA checks (${colorScheme} appearance)`, async ({
    app,
    harness,
  }) => {
    await app.emulateMedia({ colorScheme });
    await addCustomer(app, 'Acme Ltd', 'acme');
    const id = await linkActiveBambooHr(app, harness, 'acme');
    await addCustomer(app, 'Globex', 'globex');
    await harness.control(`/_simulator/accounts/${id}/status`, { status: 'expired' });
    await expect(app.getByText('1 account to re-link')).toBeVisible();
    // Drawn in that appearance indeed: the page's own background, not only the rules passing.
    expect(
      await app.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
    ).toBe(colorScheme === 'dark' ? 'rgb(18, 21, 28)' : 'rgb(245, 246, 249)');
    expect(await accessibilityViolations(app), 'main screen').toEqual([]);
    // Zoomed in eight times (207%) at the window's smallest size, where each account is a card.
    const viewport = app.viewportSize();
    await app.setViewportSize({
      width: Math.round(windowSize.minimum.width / 1.2 ** 4),
      height: Math.round(windowSize.minimum.height / 1.2 ** 4),
    });
    await app.getByRole('button', { name: /^Acme Ltd/ }).click();
    await expect(app.locator('table.accounts tr').first()).toHaveCSS('display', 'flex');
    expect(await accessibilityViolations(app), 'main screen at 207%').toEqual([]);
    // A maximised window zoomed to 400%: one column.
    await app.setViewportSize(oneColumnSize);
    expect(await accessibilityViolations(app), 'main screen at 320 px').toEqual([]);
    // With a notice held over the page (a failed Refresh).
    await harness.control('/_simulator/faults', { failure_rate: 1 });
    await app.getByRole('button', { name: 'Refresh' }).click();
    await expect(app.getByRole('alert').getByRole('listitem')).toHaveCount(1);
    // And a check that failed, said in the account's row.
    await app.getByRole('button', { name: 'Verify BambooHR' }).click();
    await expect(app.locator('table.accounts .account-check.error')).toContainText('Tried at');
    await harness.control('/_simulator/faults', { failure_rate: 0 });
    expect(await accessibilityViolations(app), 'a notice and a failed check at 320 px').toEqual([]);
    await app.getByRole('button', { name: 'Dismiss' }).click();
    if (viewport !== null) await app.setViewportSize(viewport);
    await app.getByRole('button', { name: /^Globex/ }).click();

    await app.getByRole('button', { name: 'Events: Connected' }).click();
    await expect(app.getByRole('region', { name: 'Events' })).toBeVisible();
    expect(await accessibilityViolations(app), 'events connection').toEqual([]);
    await app.getByRole('button', { name: 'Events: Connected' }).click();

    await app.getByRole('button', { name: 'Rename' }).click();
    expect(await accessibilityViolations(app), 'rename form').toEqual([]);
    await app.getByRole('button', { name: 'Cancel' }).click();

    await app.getByRole('button', { name: 'Settings' }).click();
    expect(await accessibilityViolations(app), 'settings').toEqual([]);
    await app.getByRole('button', { name: 'Start the demo afresh…' }).click();
    expect(await accessibilityViolations(app), 'start the demo afresh?').toEqual([]);
    await app.getByRole('button', { name: 'Keep the demo' }).click();
    await app.getByRole('button', { name: 'Copy diagnostics' }).click();
    await expect(app.getByLabel('Diagnostics')).toBeVisible();
    expect(await accessibilityViolations(app), 'settings with diagnostics').toEqual([]);
    await app.getByRole('button', { name: 'Enter a proxy sign-in…' }).click();
    await app.getByRole('button', { name: 'Save sign-in' }).click();
    await expect(app.getByRole('form', { name: 'Proxy sign-in' }).getByRole('alert')).toBeVisible();
    expect(await accessibilityViolations(app), 'proxy sign-in with an error').toEqual([]);
    await app.getByLabel('Relay URL').fill('wss://relay.example.com/v1/stream');
    await app.keyboard.press('Escape');
    await expect(app.getByRole('button', { name: 'Keep editing' })).toBeFocused();
    expect(await accessibilityViolations(app), 'close the settings without saving?').toEqual([]);
    await app.getByRole('button', { name: 'Close without saving' }).click();

    await linkElsewhere(harness, { id: 'initech', name: 'Initech' });
    await app.getByRole('button', { name: 'Find a customer already in StackOne…' }).click();
    await expect(app.getByRole('button', { name: 'Add Initech' })).toBeVisible();
    expect(await accessibilityViolations(app), 'customers in StackOne').toEqual([]);
    await app.keyboard.press('Escape');

    await app.getByRole('button', { name: 'Import or export customers…' }).click();
    await app.getByLabel('CSV file').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'name,id,emails\nAcme Ltd,acme,it@acme.example\nUmbrella,umbrella,\nBad,bad id,\n',
      ),
    });
    await expect(app.getByRole('button', { name: 'Add 1 customer' })).toBeVisible();
    await expect(
      app.getByRole('button', { name: 'Use the file’s addresses for 1 customer' }),
    ).toBeVisible();
    expect(await accessibilityViolations(app), 'customers from a file').toEqual([]);
    // Lists long enough to scroll in their boxes, each then a tab stop.
    await app.getByLabel('CSV file').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        ['name,id', ...Array.from({ length: 30 }, (_, n) => `C${n},c${n}\nD${n},d ${n}`)].join(
          '\n',
        ),
      ),
    });
    await expect(app.getByRole('button', { name: 'Add 30 customers' })).toBeVisible();
    expect(await accessibilityViolations(app), 'long lists from a file').toEqual([]);
    await app.keyboard.press('Escape');

    await app.getByRole('button', { name: 'Acme Ltd' }).click();
    await app.getByRole('button', { name: 'Send a link' }).click();
    await app.getByRole('button', { name: 'Link a second account…' }).click();
    await app.getByRole('button', { name: 'Use this label' }).click();
    await expect(
      app.getByRole('form', { name: 'A second account' }).getByRole('alert'),
    ).toBeVisible();
    expect(await accessibilityViolations(app), 'a second account’s label').toEqual([]);
    await app.keyboard.press('Escape');
    await app.getByRole('button', { name: 'Create link' }).click();
    await expect(app.getByRole('img', { name: /QR code/ })).toBeVisible();
    expect(await accessibilityViolations(app), 'send a link').toEqual([]);
    await app.getByLabel('Email it to').fill('it at acme');
    await app.getByLabel('Email it to').press('Tab');
    await expect(app.getByRole('alert')).toHaveText(/^“it at acme” is not an email address/);
    expect(await accessibilityViolations(app), 'send a link, not an email address').toEqual([]);
    await app.getByRole('button', { name: 'Done' }).click();
    await expect(app.getByRole('region', { name: 'Links sent' })).toBeVisible();
    // The addresses were not kept, and the notice says so once the dialog has gone.
    const notice = app.getByRole('alert').getByRole('listitem');
    await expect(notice).toContainText('were not kept');
    await expect(notice.getByRole('button', { name: 'Dismiss' })).toHaveAccessibleDescription(
      /^The addresses typed for Acme Ltd’s links were not kept/,
    );
    expect(await accessibilityViolations(app), 'links sent, and a notice').toEqual([]);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await app.getByRole('button', { name: 'Add addresses' }).click();
    await app.getByLabel('Email their links to').fill('it at acme');
    await app.getByLabel('Email their links to').press('Enter');
    await expect(app.getByRole('alert')).toHaveText(/^“it at acme” is not an email address/);
    expect(await accessibilityViolations(app), 'email their links to, not an address').toEqual([]);
    await app.getByRole('button', { name: 'Cancel' }).click();
    await app.getByRole('button', { name: 'Send a link' }).click();
    await app.getByRole('button', { name: 'Copy that link' }).click();
    await expect(app.getByText(/^That link (copied|could not be copied)/)).toBeVisible();
    expect(await accessibilityViolations(app), 'send a link, one for the same working').toEqual([]);
    await app.getByRole('button', { name: 'Done' }).click();
    await app.getByRole('button', { name: 'Show only Acme Ltd' }).click();
    expect(await accessibilityViolations(app), 'a customer shown alone').toEqual([]);
    await app.getByRole('button', { name: 'Show all customers' }).click();

    for (const name of ['Hooli', 'Soylent', 'Umbrella', 'Wonka']) {
      await harness.session.handlers.createCustomer({ id: name.toLowerCase(), name });
    }
    await app.reload();
    await app.getByLabel(/^Only those to follow up/).check();
    await expect(app.getByRole('list', { name: 'Customers' }).getByRole('listitem')).toHaveCount(1);
    expect(await accessibilityViolations(app), 'customers to follow up').toEqual([]);
    await app.getByLabel('Find a customer').fill('nobody');
    await expect(app.getByText('No customer to follow up matches “nobody”.')).toBeVisible();
    expect(await accessibilityViolations(app), 'no customer matches').toEqual([]);

    const blocked = blockFile(join(harness.storeDir, 'onboarding.json'));
    await harness.control(`/_simulator/accounts/${id}/status`, { status: 'active' });
    await expect(app.getByRole('alert').filter({ hasText: 'could not be saved' })).toBeVisible();
    expect(await accessibilityViolations(app), 'the account list not saved').toEqual([]);
    // In one column, held over the page in a bar that scrolls.
    const viewportBefore = app.viewportSize();
    await app.setViewportSize(oneColumnSize);
    expect(await accessibilityViolations(app), 'not saved, at 320 px').toEqual([]);
    if (viewportBefore !== null) await app.setViewportSize(viewportBefore);
    blocked.unblock();
  });

test('the events indicator’s Not arriving state, opened, passes axe-core’s WCAG 2 AA checks in either appearance', async ({
  context,
}) => {
  await withAccountLinkedAndWebhooksHeld(context, async (app) => {
    const indicator = app.getByRole('button', { name: 'Events: Not arriving' });
    await expect(indicator).toBeVisible();
    await app.getByRole('button', { name: 'Done' }).click();
    await indicator.click();
    await expect(app.getByRole('region', { name: 'Events' })).toContainText('/webhooks/stackone');
    for (const colorScheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme });
      expect(await accessibilityViolations(app), `Not arriving (${colorScheme})`).toEqual([]);
    }
  });
});

test('the Hub draws itself in the system’s appearance, and follows it when it changes', async ({
  app,
}) => {
  await app.emulateMedia({ colorScheme: 'dark' });
  await addCustomer(app, 'Acme Ltd', 'acme');
  await app.getByRole('button', { name: 'Connect an integration' }).click();
  const connectorName = app.getByTestId('stackone-hub').getByText('BambooHR', { exact: true });
  await expect(connectorName).toBeVisible();
  // The Hub's own text: light on dark, then, when the system switches back, dark on light.
  const textLightness = () =>
    connectorName.evaluate((element) => {
      const [red = 0, green = 0, blue = 0] = (getComputedStyle(element).color.match(/\d+/g) ?? [])
        .slice(0, 3)
        .map(Number);
      return (red + green + blue) / 3;
    });
  expect(await textLightness()).toBeGreaterThan(200);
  await app.emulateMedia({ colorScheme: 'light' });
  await expect.poll(textLightness).toBeLessThan(60);
});

test('in a contrast theme (forced colours), what a background alone marked out has a border, and link buttons the link colour', async ({
  app,
  harness,
}) => {
  await app.emulateMedia({ forcedColors: 'active' });
  await addCustomer(app, 'Acme Ltd', 'acme');
  await linkActiveBambooHr(app, harness, 'acme');
  await addCustomer(app, 'Globex', 'globex');
  await app.getByRole('button', { name: 'Acme Ltd' }).click();
  const border = (element: HTMLElement | SVGElement) => {
    const style = getComputedStyle(element);
    return `${style.borderTopStyle} ${style.borderTopWidth}`;
  };
  // The customer shown, against another: not by their background alone, which the theme removes.
  const customers = app.getByRole('list', { name: 'Customers' });
  const shown = await customers.getByRole('button', { name: /^Acme Ltd/ }).evaluate(border);
  const other = await customers.getByRole('button', { name: /^Globex/ }).evaluate(border);
  expect(shown).not.toBe(other);
  await expect(app.locator('[data-status="active"]')).toHaveCSS('border-top-style', 'solid');
  await expect(app.locator('.badge-demo')).toHaveCSS('border-top-style', 'solid');
  // A button drawn as a link in the theme's colour for links, not for buttons' text.
  const linkText = await app.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'LinkText';
    document.body.append(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color;
  });
  await expect(app.getByRole('button', { name: 'Copy summary' })).toHaveCSS('color', linkText);
  await expect(app.getByRole('button', { name: 'Refresh' })).not.toHaveCSS('color', linkText);
  // A dialog's edge over the page, as there is no backdrop or shadow to show it.
  await app.getByRole('button', { name: 'Send a link' }).click();
  await expect(app.getByRole('dialog', { name: 'Send Acme Ltd a link' })).toHaveCSS(
    'border-top-style',
    'solid',
  );
});

test('the view shown when the window fails to draw passes axe-core’s WCAG 2 AA checks', async ({
  app,
}) => {
  // Once the window listens for the relay's state (it has drawn the first one).
  await expect(app.getByText('Events: Connected')).toBeVisible();
  await app.evaluate(() => window.__onboardingDeliver?.('relayConnectionChanged', null));
  await app.getByRole('button', { name: 'Copy diagnostics' }).click();
  await expect(app.getByLabel('Diagnostics')).toBeVisible();
  expect(await accessibilityViolations(app)).toEqual([]);
});
