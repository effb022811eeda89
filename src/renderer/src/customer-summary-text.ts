import {
  needsRelink,
  accountDisplayName,
  type Customer,
  type LinkedAccountView,
} from '../../shared/domain';
import { accountStatusLabel } from './account-status-label';
import { dateTimeWithZoneText } from './date-time-text';

/** When and by whom the account was linked, as StackOne says (", linked Dec 1, ... by Alice"). */
function linkedText({ createdAt, linkedBy }: LinkedAccountView): string {
  if (createdAt === undefined && linkedBy === undefined) return '';
  const when = createdAt === undefined ? '' : ` ${dateTimeWithZoneText(createdAt)}`;
  return `, linked${when}${linkedBy === undefined ? '' : ` by ${linkedBy}`}`;
}

/**
 * A plain-text account of where the customer's linking stands, for a handover note or an email:
 * each linked account with its status (and StackOne's reasons), when and by whom it was linked,
 * and what needs re-linking.
 */
export function customerSummaryText(
  customer: Customer,
  accounts: readonly LinkedAccountView[],
  at: Date,
): string {
  const when = dateTimeWithZoneText(at);
  const heading = `${customer.name} (customer id ${customer.id}), as of ${when}:`;
  if (accounts.length === 0) return `${heading} no linked accounts.\n`;
  const toRelink = accounts.filter(needsRelink).length;
  const lines = accounts.map((account) => {
    const reasons = account.statusReasons
      .map((reason) => reason.description ?? reason.code)
      .filter((reason): reason is string => reason !== undefined && reason !== '');
    return [
      `- ${accountDisplayName(account)}: ${accountStatusLabel(account.status)}`,
      needsRelink(account) ? ', to re-link' : '',
      reasons.length > 0 ? ` (${reasons.join('; ')})` : '',
      linkedText(account),
      ` [account ${account.id}]`,
    ].join('');
  });
  const count = `${accounts.length} linked account${accounts.length === 1 ? '' : 's'}`;
  const relink = toRelink === 0 ? '' : `, ${toRelink} to re-link`;
  return `${heading} ${count}${relink}.\n${lines.join('\n')}\n`;
}
