import {
  accountDisplayName,
  providerDisplayName,
  type LinkedAccountView,
} from '../../shared/domain';
import { searchable } from './customer-search';

/**
 * The customer's accounts with this label already, as a person would read it: case, accents and
 * the spaces around it aside ("munchen " is "München").
 */
export function accountsLabelled(
  accounts: readonly LinkedAccountView[],
  label: string,
): LinkedAccountView[] {
  const wanted = searchable(label.trim());
  return accounts.filter(
    (account) => account.label !== undefined && searchable(account.label) === wanted,
  );
}

/**
 * A label tells two accounts of one system apart; one the customer has already cannot, if the new
 * account is of the same system (of another, it is fine, so this warns and does not refuse).
 */
export function labelInUseText(labelled: readonly LinkedAccountView[]): string {
  const names = labelled.map(accountDisplayName);
  const listed =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const verb = names.length === 1 ? 'has' : 'have';
  const systems =
    new Set(labelled.map(providerDisplayName)).size === 1
      ? 'the same system'
      : 'one of those systems';
  return `Their ${listed} ${verb} this label already: choose another if the new account may be of ${systems}.`;
}
