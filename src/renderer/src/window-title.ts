/**
 * The window's title, as the taskbar, the window switcher and a shared screen show it: the customer
 * shown first, and the demo said, so a demo is never taken for real accounts.
 */
export function windowTitle(customerName: string | null, mode: 'demo' | 'live' | null): string {
  const app = mode === 'demo' ? 'StackOne Onboarding (demo)' : 'StackOne Onboarding';
  return customerName === null ? app : `${customerName} – ${app}`;
}
