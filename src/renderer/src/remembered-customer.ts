import type { Customer } from '../../shared/domain';

const storageKey = 'selectedCustomerId';

/**
 * The customer to show when the window loads: the one shown last (kept in the window's own
 * storage, as it is only the view's state: a reload after a crash or a restart comes back to the
 * customer being worked on), else the first.
 */
export function customerToShow(customers: readonly Customer[]): string | null {
  let remembered: string | null = null;
  try {
    remembered = localStorage.getItem(storageKey);
  } catch {
    // Storage refused (a locked-down profile): the first customer, as before.
  }
  return customers.find((customer) => customer.id === remembered)?.id ?? customers[0]?.id ?? null;
}

export function rememberCustomerShown(customerId: string): void {
  try {
    localStorage.setItem(storageKey, customerId);
  } catch {
    // Not remembered: the window then opens on the first customer.
  }
}
