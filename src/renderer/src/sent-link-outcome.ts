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

/** Whether the link had expired at the time (ms since the epoch). */
export const hasExpired = (link: Pick<SentAuthLink, 'expiresAt'>, at: number): boolean =>
  Date.parse(link.expiresAt) <= at;

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

/**
 * The accounts StackOne made for the customer since a link to link new ones was made, of the kind
 * it asked for (the second account's label, where it asked for one), oldest first. StackOne offers
 * no way to tell which session made an account, so this is what has happened since, not proof
 * that the customer used this link. A link to re-link an account makes none: that account's own
 * status says how it went.
 */
export function accountsLinkedSince(
  link: Pick<SentAuthLink, 'createdAt' | 'relinkAccountId' | 'secondAccountLabel'>,
  accounts: readonly LinkedAccountView[],
): { account: LinkedAccountView; linkedAt: string }[] {
  if (link.relinkAccountId !== null) return [];
  const made = Date.parse(link.createdAt);
  // Both times are StackOne's clock (a link's is its session's created_at); a link kept by an
  // earlier version has this computer's, minutes apart at worst against a customer's hours or days.
  return accounts
    .flatMap((account) =>
      account.createdAt === undefined ? [] : [{ account, linkedAt: account.createdAt }],
    )
    .filter(
      ({ account, linkedAt }) =>
        Date.parse(linkedAt) >= made &&
        (link.secondAccountLabel === null || account.label === link.secondAccountLabel),
    )
    .sort((a, b) => Date.parse(a.linkedAt) - Date.parse(b.linkedAt));
}
