import { useState } from 'react';
import { compareCustomers } from '../../../shared/customer-order';
import type { Customer, CustomerSummary } from '../../../shared/domain';
import { matchesCustomerSearch, searchBoxFrom } from '../customer-search';
import { CustomerSearchBox } from './CustomerSearchBox';

export function CustomerList(props: {
  customers: Customer[];
  summaries: ReadonlyMap<string, CustomerSummary>;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const [search, setSearch] = useState('');
  if (props.customers.length === 0) return <p className="muted">No customers yet.</p>;

  const searching = props.customers.length >= searchBoxFrom;
  const shown = props.customers
    .filter((customer) => matchesCustomerSearch(customer, searching ? search : ''))
    .sort(compareCustomers);

  return (
    <>
      {searching && (
        <CustomerSearchBox label="Find a customer" value={search} onChange={setSearch} />
      )}
      {shown.length === 0 ? (
        <p className="muted">No customer matches “{search.trim()}”.</p>
      ) : (
        <ul className="customer-list" aria-label="Customers">
          {shown.map((customer) => (
            <li key={customer.id}>
              <button
                type="button"
                aria-current={customer.id === props.selectedId}
                className={customer.id === props.selectedId ? 'selected' : ''}
                onClick={() => props.onSelect(customer.id)}
              >
                <span className="customer-name">{customer.name}</span>
                <span className="muted">{customer.id}</span>
                <RelinkBadge summary={props.summaries.get(customer.id)} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Says, in the list, that a customer has accounts to re-link, whoever is selected. */
function RelinkBadge({ summary }: { summary: CustomerSummary | undefined }) {
  if (summary === undefined || summary.needingRelink === 0) return null;
  return (
    <span className="badge badge-attention">
      {summary.needingRelink === 1 ? '1 account' : `${summary.needingRelink} accounts`} to re-link
    </span>
  );
}
