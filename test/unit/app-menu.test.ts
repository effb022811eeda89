import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate, type AppMenuItem } from '../../src/main/app-menu';
import type { MenuCommand } from '../../src/shared/contract';

type Item = Exclude<AppMenuItem, { type: 'separator' }>;

function menuFor(platform: NodeJS.Platform, developerTools = false) {
  const commands: MenuCommand[] = [];
  const openLogFolder = vi.fn();
  const template = appMenuTemplate({
    platform,
    appName: 'StackOne Onboarding',
    developerTools,
    runCommand: (command) => commands.push(command),
    openLogFolder,
  });
  return { template, commands, openLogFolder };
}

function itemsOf(items: AppMenuItem[]): Item[] {
  return items.flatMap((item) => ('type' in item ? [] : [item, ...itemsOf(item.submenu ?? [])]));
}

const menuLabelled = (template: AppMenuItem[], label: string): Item[] => {
  const menu = itemsOf(template).find((item) => item.label === label);
  if (menu?.submenu === undefined) throw new Error(`no menu ${label}`);
  return itemsOf(menu.submenu);
};

const roles = (items: Item[]) => items.flatMap((item) => (item.role ? [item.role] : []));
const labelled = (items: Item[], label: string): Item => {
  const found = items.find((item) => item.label === label);
  if (found === undefined) throw new Error(`no item ${label}`);
  return found;
};

describe("the app's menu", () => {
  it('on macOS: the app menu with About, Settings… and Quit, a Window menu, and Edit with every editing role', () => {
    const { template } = menuFor('darwin');
    expect(
      template.map((menu) => ('type' in menu ? 'separator' : (menu.label ?? menu.role))),
    ).toEqual(['StackOne Onboarding', 'File', 'Edit', 'View', 'windowMenu', 'help']);
    const appMenu = menuLabelled(template, 'StackOne Onboarding');
    expect(roles(appMenu)).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(labelled(appMenu, 'Settings…').accelerator).toBe('CmdOrCtrl+,');
    expect(menuLabelled(template, 'File').map((item) => item.label ?? item.role)).toEqual([
      'New Customer',
      'Find Customer',
      'Import or Export Customers…',
      'Connect an Integration…',
      'Send a Link…',
      'close',
    ]);
    expect(roles(menuLabelled(template, 'Edit'))).toEqual([
      'undo',
      'redo',
      'cut',
      'copy',
      'paste',
      'pasteAndMatchStyle',
      'delete',
      'selectAll',
    ]);
    const help = template.find((menu) => !('type' in menu) && menu.role === 'help') as Item;
    expect(itemsOf(help.submenu ?? []).map((item) => item.label)).toEqual(['Open the Log Folder']);
  });

  it.each(['win32', 'linux'] as const)(
    'on %s: File with New Customer, Settings and Quit, and About under Help',
    (platform) => {
      const { template } = menuFor(platform);
      expect(template.map((menu) => ('type' in menu ? 'separator' : menu.label))).toEqual([
        '&File',
        '&Edit',
        '&View',
        '&Help',
      ]);
      const file = menuLabelled(template, '&File');
      expect(file.map((item) => item.label ?? item.role)).toEqual([
        'New Customer',
        'Find Customer',
        'Import or Export Customers…',
        'Connect an Integration…',
        'Send a Link…',
        'Settings',
        'quit',
      ]);
      expect(roles(menuLabelled(template, '&Edit'))).not.toContain('pasteAndMatchStyle');
      expect(roles(menuLabelled(template, '&Help'))).toEqual(['about']);
      expect(roles(itemsOf(template))).not.toContain('services');
    },
  );

  it.each(['darwin', 'win32', 'linux'] as const)(
    'on %s: the developer tools only for an app run from source',
    (platform) => {
      expect(roles(itemsOf(menuFor(platform).template))).not.toContain('toggleDevTools');
      expect(roles(itemsOf(menuFor(platform).template))).not.toContain('forceReload');
      expect(roles(itemsOf(menuFor(platform, true).template))).toEqual(
        expect.arrayContaining(['toggleDevTools', 'forceReload']),
      );
      expect(roles(itemsOf(menuFor(platform).template))).toContain('reload');
    },
  );

  it.each(['darwin', 'win32', 'linux'] as const)(
    'on %s: zoom in by Ctrl and "=" (no Shift) or the keypad\'s +, out by the keypad\'s - too, none of them drawn twice',
    (platform) => {
      const view = menuLabelled(
        menuFor(platform).template,
        platform === 'darwin' ? 'View' : '&View',
      );
      const zoom = (role: 'zoomIn' | 'zoomOut') =>
        view
          .filter((item) => item.role === role)
          .map(
            (item) =>
              `${item.accelerator ?? 'its own'} ${item.visible === false ? 'hidden' : 'shown'}`,
          );
      expect(zoom('zoomIn')).toEqual([
        'its own shown',
        'CmdOrCtrl+= hidden',
        'CmdOrCtrl+numadd hidden',
      ]);
      expect(zoom('zoomOut')).toEqual(['its own shown', 'CmdOrCtrl+numsub hidden']);
    },
  );

  it.each(['darwin', 'win32', 'linux'] as const)(
    'on %s: Settings, New Customer, Find Customer, Import or Export Customers, Connect an Integration, Send a Link and Show Only This Customer go to the window, the log folder to main; no shortcut twice',
    (platform) => {
      const { template, commands, openLogFolder } = menuFor(platform);
      const items = itemsOf(template);
      const settings = items.find((item) => item.label?.startsWith('Settings'));
      settings?.click?.();
      labelled(items, 'New Customer').click?.();
      labelled(items, 'Find Customer').click?.();
      labelled(items, 'Import or Export Customers…').click?.();
      labelled(items, 'Connect an Integration…').click?.();
      labelled(items, 'Send a Link…').click?.();
      labelled(
        menuLabelled(template, platform === 'darwin' ? 'View' : '&View'),
        'Show Only This Customer',
      ).click?.();
      expect(commands).toEqual([
        'openSettings',
        'newCustomer',
        'findCustomer',
        'importOrExportCustomers',
        'connectIntegration',
        'sendLink',
        'showOnlyCustomer',
      ]);
      expect(labelled(items, 'Connect an Integration…').accelerator).toBe('CmdOrCtrl+K');
      expect(labelled(items, 'Send a Link…').accelerator).toBe('CmdOrCtrl+L');
      expect(labelled(items, 'New Customer').accelerator).toBe('CmdOrCtrl+N');
      expect(labelled(items, 'Find Customer').accelerator).toBe('CmdOrCtrl+F');
      expect(labelled(items, 'Show Only This Customer').accelerator).toBe('CmdOrCtrl+Shift+O');

      expect(openLogFolder).not.toHaveBeenCalled();
      labelled(items, 'Open the Log Folder').click?.();
      expect(openLogFolder).toHaveBeenCalledOnce();

      const shortcuts = items.flatMap((item) => (item.accelerator ? [item.accelerator] : []));
      expect(new Set(shortcuts).size).toBe(shortcuts.length);
    },
  );
});
