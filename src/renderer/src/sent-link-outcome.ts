import type { SentAuthLink } from '../../shared/contract';
import { accountDisplayName, type LinkedAccountView } from '../../shared/domain';

/** What the link is for, as the customer's page and their summary say it. */
export function sentLinkPurpose(
  link: Pick<SentAuthLink, 'relinkAccountId' | 'secondAccountLabel'>,
  accounts: readonly LinkedAccountView[],
): string {
  if (link.secondAccountLabel !== null)
    return `To link a second account, labelled “${link.secondAccountLabel}”`;
  if (link.relinkAccountId === null) return 'To link their systems';
  const relinked = accounts.find((account) => account.id === link.relinkAccountId);
  return relinked
    ? `To re-link ${accountDisplayName(relinked)}`
    : 'To re-link an account since disconnected';
}

/**
 * The accounts linked since, as words ("BambooHR linked Dec 2, 2026, 11:00 AM; Workday linked
 * ..."): `;` between them, as the times have commas of their own.
 */
export const linkedSinceText = (
  linkedSince: readonly { account: LinkedAccountView; linkedAt: string }[],
  timeText: (iso: string) => string,
): string =>
  linkedSince
    .map(({ account, linkedAt }) => `${accountDisplayName(account)} linked ${timeText(linkedAt)}`)
    .join('; ');

/** Said of an expired link to link new accounts when none has been linked since it was made. */
export const nothingLinkedSinceText = 'Nothing linked since it was made';
