import { Notification, type BrowserWindow } from 'electron';
import { eventChannel } from '../../shared/contract-names';
import type { AccountNotice } from '../account-notices';
import { bringWindowForward } from './main-window';

/**
 * Shows an account notice as a system notification, unless the window has the user's attention
 * (it says the same there). A click brings the window forward, on that customer if it is about
 * one.
 */
export function createAccountNotifier(options: {
  window: () => BrowserWindow | null;
  iconPath: string;
}): (notice: AccountNotice) => void {
  // A notification nothing refers to may be collected before it is clicked, losing the handler.
  const shown = new Set<Notification>();
  return (notice) => {
    const window = options.window();
    if (window !== null && !window.isDestroyed() && window.isFocused()) return;
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: notice.title,
      body: notice.body,
      icon: options.iconPath,
    });
    shown.add(notification);
    notification.on('close', () => shown.delete(notification));
    notification.on('click', () => {
      shown.delete(notification);
      const current = options.window();
      if (current === null || current.isDestroyed()) return;
      bringWindowForward(current);
      if (notice.customerId !== null)
        current.webContents.send(eventChannel('showCustomer'), { customerId: notice.customerId });
    });
    notification.show();
  };
}
