import type { RefObject } from 'react';
import type { Customer } from '../../../shared/domain';

/**
 * In place of the customer list (and the forms to add one) while one customer is shown alone, as
 * when the implementer shares their screen with that customer.
 */
export function CustomersHidden({
  customersRead,
  customer,
  onShowAll,
  showAllRef,
}: {
  customersRead: boolean;
  /** The customer shown alone; null where the list read has no such customer. */
  customer: Customer | null;
  onShowAll: () => void;
  showAllRef: RefObject<HTMLButtonElement | null>;
}) {
  // Nothing while the customers are read: the list is not shown meanwhile either.
  if (!customersRead) return null;
  return (
    <div className="customers-hidden">
      <p className="muted">
        {customer === null
          ? 'The customer shown alone is not in this list (the demo was started afresh, or it is the other mode’s)'
          : `Only ${customer.name} is shown`}
        : no other customer is named in this window, or in a notification, until you show them all.
      </p>
      <button type="button" ref={showAllRef} onClick={onShowAll}>
        Show all customers
      </button>
    </div>
  );
}
