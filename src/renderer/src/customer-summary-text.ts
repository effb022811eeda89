import {
  needsRelink,
  accountDisplayName,
  type Customer,
  type LinkedAccountView,
} from '../../shared/domain';
import { accountStatusLabel } from './account-status-label';
import { dateTimeWithZoneText } from './date-time-text';

/**
 * A plain-text account of where the customer's linking stands, for a handover note or an email:
 * each linked account with its status (and StackOne's reasons), when it was linked, and what needs
 * re-linking.
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
      account.createdAt !== undefined ? `, linked ${dateTimeWithZoneText(account.createdAt)}` : '',
      ` [account ${account.id}]`,
    ].join('');
  });
  const count = `${accounts.length} linked account${accounts.length === 1 ? '' : 's'}`;
  const relink = toRelink === 0 ? '' : `, ${toRelink} to re-link`;
  return `${heading} ${count}${relink}.\n${lines.join('\n')}\n`;
}
