import { useState, type KeyboardEvent, type RefObject } from 'react';
import { compareCustomers } from '../../../shared/customer-order';
import { countUnusedLinks, sentLinkTurningPoints } from '../../../shared/contract';
import type { Customer, CustomerSummary } from '../../../shared/domain';
import { countText } from '../count-text';
import { matchesCustomerSearch, searchBoxFrom } from '../customer-search';
import { useNowPassing } from '../use-now-passing';
import { useCurrentItemKeptInView } from '../use-current-item-kept-in-view';
import { CustomerSearchBox } from './CustomerSearchBox';

export function CustomerList({
  searchBoxRef,
  listRef,
  ...props
}: {
  customers: Customer[];
  summaries: ReadonlyMap<string, CustomerSummary>;
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** For the menu's Find Customer, and the arrow keys between the box and the list. */
  searchBoxRef: RefObject<HTMLInputElement | null>;
  listRef: RefObject<HTMLUListElement | null>;
}) {
  const [search, setSearch] = useState('');
  const [onlyToFollowUp, setOnlyToFollowUp] = useState(false);
  const now = useNowPassing(
    [...props.summaries.values()].flatMap((summary) =>
      summary.unusedLinksExpireAt.flatMap(sentLinkTurningPoints),
    ),
  );
  const toFollowUp = (customer: Customer) => {
    const summary = props.summaries.get(customer.id);
    return (summary?.needingRelink ?? 0) > 0 || linksExpiredUnused(summary, now) > 0;
  };
  const searching = props.customers.length >= searchBoxFrom;
  const toFollowUpCount = props.customers.filter(toFollowUp).length;
  // The box stays while there are none (its count 0): one that came and went would take the
  // keyboard's place with it.
  const filteringFollowUp = searching && onlyToFollowUp;
  const shown = props.customers
    .filter(
      (customer) =>
        matchesCustomerSearch(
          customer,
          searching ? search : '',
          props.summaries.get(customer.id)?.systems,
        ) &&
        (!filteringFollowUp || toFollowUp(customer)),
    )
    .sort(compareCustomers);
  useCurrentItemKeptInView(listRef, props.selectedId, shown.length);
  if (props.customers.length === 0) return <p className="muted">No customers yet.</p>;

  const customerButtons = () =>
    Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>(':scope > li > button') ?? []);
  // Enter shows the first customer found; it and the Down arrow put the keyboard on the list.
  const leaveSearchBox = (event: KeyboardEvent<HTMLInputElement>) => {
    const first = shown[0];
    if ((event.key !== 'Enter' && event.key !== 'ArrowDown') || first === undefined) return;
    event.preventDefault();
    if (event.key === 'Enter') props.onSelect(first.id);
    customerButtons()[0]?.focus();
  };
  // The arrow keys, Home and End move among the customers; Up from the first goes back to the box.
  const moveAmongCustomers = (event: KeyboardEvent<HTMLUListElement>) => {
    const buttons = customerButtons();
    const at = buttons.findIndex((button) => button === event.target);
    const moves: Record<string, number> = {
      ArrowDown: Math.min(at + 1, buttons.length - 1),
      ArrowUp: at - 1,
      Home: 0,
      End: buttons.length - 1,
    };
    const to = moves[event.key];
    if (at === -1 || to === undefined) return;
    event.preventDefault();
    (to < 0 ? searchBoxRef.current : buttons[to])?.focus();
  };

  return (
    <>
      {searching && (
        <CustomerSearchBox
          label="Find a customer"
          placeholder="Name, id, system or email"
          inputRef={searchBoxRef}
          value={search}
          onChange={setSearch}
          onKeyDown={leaveSearchBox}
          title="Enter shows the first customer found; the arrow keys move through the list."
        />
      )}
      {searching && (
        <label
          className="checkbox-label"
          title="Customers with accounts to re-link, or a link that expired with nothing linked since."
        >
          <input
            type="checkbox"
            checked={onlyToFollowUp}
            onChange={(event) => setOnlyToFollowUp(event.target.checked)}
          />
          Only those to follow up ({toFollowUpCount})
        </label>
      )}
      {shown.length === 0 ? (
        <p className="muted">
          {filteringFollowUp && toFollowUpCount === 0
            ? 'No customer to follow up.'
            : `No customer ${filteringFollowUp ? 'to follow up ' : ''}matches “${search.trim()}”.`}
        </p>
      ) : (
        <ul
          className="customer-list"
          aria-label="Customers"
          ref={listRef}
          onKeyDown={moveAmongCustomers}
        >
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
                <UnusedLinkBadge summary={props.summaries.get(customer.id)} now={now} />
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
      {countText(summary.needingRelink, 'account', 'accounts')} to re-link
    </span>
  );
}

/**
 * Says that a link sent to the customer expired with nothing linked since, for as long as Links
 * sent lists it: someone should ask whether they still need one.
 */
function UnusedLinkBadge({ summary, now }: { summary: CustomerSummary | undefined; now: number }) {
  const expired = linksExpiredUnused(summary, now);
  if (expired === 0) return null;
  return (
    <span className="badge badge-attention">
      {expired === 1 ? 'Link' : `${expired} links`} expired, nothing linked
    </span>
  );
}

/** How many of the customer's links listed at the time expired with nothing linked since. */
const linksExpiredUnused = (summary: CustomerSummary | undefined, now: number): number =>
  countUnusedLinks(summary?.unusedLinksExpireAt ?? [], now).expired;
