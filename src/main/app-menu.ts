import type { MenuCommand } from '../shared/contract';

/** The roles of Electron's menu items this menu uses (Electron carries each out itself). */
export type AppMenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'windowMenu'
  | 'help';

/** One item of the menu, in the shape `Menu.buildFromTemplate` takes. */
export type AppMenuItem =
  | { type: 'separator' }
  | {
      label?: string;
      role?: AppMenuRole;
      accelerator?: string;
      /** False: not drawn, its shortcut working all the same. */
      visible?: boolean;
      click?: () => void;
      submenu?: AppMenuItem[];
    };

const separator: AppMenuItem = { type: 'separator' };

/**
 * The app's menu bar, in place of Electron's default one (whose Help menu links to Electron's
 * own website and whose View menu opens the developer tools in front of a customer). macOS gets
 * its app menu and Window menu; Windows and Linux a File menu with Settings and Quit, and About
 * under Help. The Edit menu's roles are what make copy and paste work in the window's fields on
 * macOS.
 */
export function appMenuTemplate(options: {
  platform: NodeJS.Platform;
  appName: string;
  /** The developer tools and a forced reload, for an app run from source, not one packaged. */
  developerTools: boolean;
  /** Passes a command on to the window. */
  runCommand: (command: MenuCommand) => void;
  openLogFolder: () => void;
}): AppMenuItem[] {
  const mac = options.platform === 'darwin';
  /** An item that passes its command on to the window. */
  const commandItem = (label: string, accelerator: string, command: MenuCommand): AppMenuItem => ({
    label,
    accelerator,
    click: () => options.runCommand(command),
  });
  const settings = commandItem(mac ? 'Settings…' : 'Settings', 'CmdOrCtrl+,', 'openSettings');
  const newCustomer = commandItem('New Customer', 'CmdOrCtrl+N', 'newCustomer');
  const findCustomer = commandItem('Find Customer', 'CmdOrCtrl+F', 'findCustomer');
  const importOrExportCustomers: AppMenuItem = {
    label: 'Import or Export Customers…',
    click: () => options.runCommand('importOrExportCustomers'),
  };
  const connectIntegration = commandItem(
    'Connect an Integration…',
    'CmdOrCtrl+K',
    'connectIntegration',
  );
  const sendLink = commandItem('Send a Link…', 'CmdOrCtrl+L', 'sendLink');
  // A shortcut, for when the customer comes to the screen: the list of the others goes at once.
  const showOnlyCustomer = commandItem(
    'Show Only This Customer',
    'CmdOrCtrl+Shift+O',
    'showOnlyCustomer',
  );
  /** The File menu's own items, on every platform. */
  const customerItems: AppMenuItem[] = [
    newCustomer,
    findCustomer,
    importOrExportCustomers,
    separator,
    connectIntegration,
    sendLink,
  ];
  const about: AppMenuItem = { label: `About ${options.appName}`, role: 'about' };

  const edit: AppMenuItem = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      separator,
      { role: 'selectAll' },
    ],
  };
  const view: AppMenuItem = {
    label: 'View',
    submenu: [
      showOnlyCustomer,
      separator,
      { role: 'reload', label: 'Reload the Window' },
      ...(options.developerTools
        ? [{ role: 'forceReload' } as const, { role: 'toggleDevTools' } as const]
        : []),
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      // Zoom In's own shortcut is Ctrl and "+", which takes Shift on most keyboards, and neither
      // is the keypad's: Ctrl and "=" as browsers have them, and the keypad's + and -, unseen.
      { role: 'zoomIn', accelerator: 'CmdOrCtrl+=', visible: false },
      { role: 'zoomIn', accelerator: 'CmdOrCtrl+numadd', visible: false },
      { role: 'zoomOut' },
      { role: 'zoomOut', accelerator: 'CmdOrCtrl+numsub', visible: false },
      separator,
      { role: 'togglefullscreen' },
    ],
  };
  const helpItems: AppMenuItem[] = [
    { label: 'Open the Log Folder', click: options.openLogFolder },
    ...(mac ? [] : [separator, about]),
  ];

  if (mac)
    return [
      {
        label: options.appName,
        submenu: [
          about,
          separator,
          settings,
          separator,
          { role: 'services' },
          separator,
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          separator,
          { role: 'quit' },
        ],
      },
      { label: 'File', submenu: [...customerItems, separator, { role: 'close' }] },
      edit,
      view,
      { role: 'windowMenu' },
      { role: 'help', submenu: helpItems },
    ];
  return [
    {
      label: '&File',
      submenu: [...customerItems, separator, settings, separator, { role: 'quit' }],
    },
    { ...edit, label: '&Edit' },
    { ...view, label: '&View' },
    { label: '&Help', submenu: helpItems },
  ];
}
