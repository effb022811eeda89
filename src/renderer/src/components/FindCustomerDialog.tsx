import { useEffect, useState } from 'react';
import type { Customer, StackOneCustomer, StackOneCustomers } from '../../../shared/domain';
import { messageOf, onboarding, unwrap } from '../bridge';
import { countText } from '../count-text';
import { matchesCustomerSearch, searchBoxFrom } from '../customer-search';
import { CustomerSearchBox } from './CustomerSearchBox';
import { ModalDialog } from './ModalDialog';
import { SlowAnswerNotice } from './SlowAnswerNotice';
import { BusyButton } from './BusyButton';

/**
 * The customers StackOne already has accounts for that this app does not (linked on another
 * laptop, by a colleague, or by the product itself), to add one without typing its id.
 */
export function FindCustomerDialog(props: {
  onAdded: (customer: Customer) => void;
  onClose: () => void;
}) {
  const [found, setFound] = useState<StackOneCustomers | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let closed = false;
    unwrap(onboarding().findStackOneCustomers({}))
      .then((answer) => !closed && setFound(answer))
      .catch((failure: unknown) => !closed && setError(messageOf(failure)));
    return () => {
      closed = true;
    };
  }, [attempt]);

  const askAgain = () => {
    setError(null);
    setAttempt((n) => n + 1);
  };

  const add = (customer: StackOneCustomer) => {
    setAdding(customer.id);
    setError(null);
    unwrap(onboarding().createCustomer({ id: customer.id, name: customer.name }))
      .then(props.onAdded)
      .catch((failure: unknown) => setError(messageOf(failure)))
      .finally(() => setAdding(null));
  };

  // Retried only before anything was found, so no answer and no error means a question is out.
  const asking = found === null && error === null;
  const searching = found !== null && found.customers.length >= searchBoxFrom;
  const shown =
    found?.customers.filter((c) => matchesCustomerSearch(c, searching ? search : '')) ?? [];

  return (
    <ModalDialog title="Customers in StackOne" onClose={props.onClose} closeOnEscape>
      <p className="muted">
        Customers that already have accounts in your StackOne project but are not in this app yet.
        Add one to see their accounts and link more.
      </p>
      {asking && <p role="status">Asking StackOne for its customers…</p>}
      <SlowAnswerNotice waiting={asking} />
      {error !== null && (
        <div className="error" role="alert">
          <p>{error}</p>
          {found === null && (
            <button type="button" onClick={askAgain}>
              Try again
            </button>
          )}
        </div>
      )}
      {found !== null && (
        <>
          {searching && (
            <CustomerSearchBox
              label="Find a customer in StackOne"
              value={search}
              onChange={setSearch}
            />
          )}
          {found.customers.length === 0 ? (
            <p>Every customer StackOne has accounts for is in this app already.</p>
          ) : shown.length === 0 ? (
            <p className="muted">No customer matches “{search.trim()}”.</p>
          ) : (
            <ul className="found-customers" aria-label="Customers in StackOne">
              {shown.map((customer) => (
                <li key={customer.id}>
                  <span className="customer-name">{customer.name}</span>
                  <span className="muted">
                    {customer.id} · {countText(customer.accounts, 'account', 'accounts')}
                  </span>
                  <BusyButton
                    type="button"
                    aria-label={`Add ${customer.name}`}
                    busy={adding !== null}
                    onClick={() => add(customer)}
                  >
                    {adding === customer.id ? 'Adding…' : 'Add'}
                  </BusyButton>
                </li>
              ))}
            </ul>
          )}
          {!found.complete && (
            <p className="muted">
              Only the first {found.accountsRead.toLocaleString()} accounts were read. A customer
              not listed can still be added by id.
            </p>
          )}
          {found.unusableIds > 0 && (
            <p className="muted">
              {countText(found.unusableIds, 'customer', 'customers')} in StackOne{' '}
              {found.unusableIds === 1 ? 'has an id' : 'have ids'} this app cannot take (only
              letters, digits and . _ : @ - are allowed), so{' '}
              {found.unusableIds === 1 ? 'it is' : 'they are'} not listed.
            </p>
          )}
        </>
      )}
    </ModalDialog>
  );
}
