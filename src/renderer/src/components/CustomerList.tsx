import type { Customer } from '../../../shared/domain';

export function CustomerList(props: {
  customers: Customer[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  if (props.customers.length === 0) return <p className="muted">No customers yet.</p>;
  return (
    <ul className="customer-list" aria-label="Customers">
      {props.customers.map((customer) => (
        <li key={customer.id}>
          <button
            type="button"
            aria-current={customer.id === props.selectedId}
            className={customer.id === props.selectedId ? 'selected' : ''}
            onClick={() => props.onSelect(customer.id)}
          >
            <span className="customer-name">{customer.name}</span>
            <span className="muted">{customer.id}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
