import { hasExpired, type SentLinkWithoutAddress } from '../../shared/contract';
import {
  accountStillToRelink,
  accountsLinkedSince,
  hasNothingLinkedSince,
  sameLinkOutlasting,
} from '../../shared/accounts-linked-since';
import { accountDisplayName, linkCategoryNames, type LinkedAccountView } from '../../shared/domain';

/** What the link is for, as the customer's page and their summary say it. */
export function sentLinkPurpose(
  link: Pick<SentLinkWithoutAddress, 'relinkAccountId' | 'secondAccountLabel' | 'category'>,
  accounts: readonly LinkedAccountView[],
): string {
  const kind = link.category === null ? null : linkCategoryNames[link.category];
  if (link.secondAccountLabel !== null)
    return `To link a second ${kind ?? 'account'}, labelled “${link.secondAccountLabel}”`;
  if (link.relinkAccountId === null)
    return kind === null ? 'To link their systems' : `To link their ${kind}`;
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

/**
 * Another link for the same that nothing has come of either, expiring after this one: while it
 * works the customer has a link; once it has expired too, it is the one to follow up.
 */
export interface OutlastingLink {
  id: string;
  expiresAt: string;
  expired: boolean;
}

/**
 * What came of a link, as far as the app can tell: the accounts linked since (a link to link new
 * ones); once expired, nothing linked since, or (a link to re-link) the account still to re-link,
 * with the link for the same that outlasts it, where one does; null when there is nothing to say
 * (yet).
 */
export type SentLinkOutcome =
  | { kind: 'linked-since'; linkedSince: ReturnType<typeof accountsLinkedSince> }
  | { kind: 'nothing-linked'; outlastedBy?: OutlastingLink }
  | { kind: 'still-to-relink'; account: LinkedAccountView; outlastedBy?: OutlastingLink };

export function sentLinkOutcome(
  link: SentLinkWithoutAddress,
  accounts: readonly LinkedAccountView[],
  at: number,
  /** The customer's links, `link` among them. */
  links: readonly SentLinkWithoutAddress[],
): SentLinkOutcome | null {
  const linkedSince = accountsLinkedSince(link, accounts);
  if (linkedSince.length > 0) return { kind: 'linked-since', linkedSince };
  if (!hasExpired(link, at)) return null;
  const outlasting = sameLinkOutlasting(link, links, accounts);
  const another =
    outlasting === undefined
      ? {}
      : {
          outlastedBy: {
            id: outlasting.id,
            expiresAt: outlasting.expiresAt,
            expired: hasExpired(outlasting, at),
          },
        };
  if (hasNothingLinkedSince(link, accounts)) return { kind: 'nothing-linked', ...another };
  const relinked = accountStillToRelink(link, accounts);
  return relinked === undefined ? null : { kind: 'still-to-relink', account: relinked, ...another };
}

/**
 * Whether an expired link's row offers to send another: where no other link for the same outlasts
 * it, or the one that does has expired too and is not shown (its address cannot be decrypted
 * now), leaving the follow-up to this one. `shown`: the links whose rows are shown.
 */
export function offersFollowUp(
  link: SentLinkWithoutAddress,
  outcome: SentLinkOutcome | null,
  shown: readonly Pick<SentLinkWithoutAddress, 'id'>[],
  at: number,
): boolean {
  if (!hasExpired(link, at)) return false;
  const outlastedBy =
    outcome === null || outcome.kind === 'linked-since' ? undefined : outcome.outlastedBy;
  return (
    outlastedBy === undefined ||
    (outlastedBy.expired && !shown.some((other) => other.id === outlastedBy.id))
  );
}

/** Said of an expired link to re-link an account that still needs it. */
export const stillToRelinkText = (account: LinkedAccountView): string =>
  `${accountDisplayName(account)} still needs re-linking`;

/**
 * Said of an expired link that another for the same outlasts: "another ... works until ...", or
 * once that one has expired too, "... expired ..." (the follow-up is that one's).
 */
export const outlastingLinkText = (
  outlastedBy: OutlastingLink,
  timeText: (iso: string) => string,
): string =>
  `another link for the same ${outlastedBy.expired ? 'expired' : 'works until'} ${timeText(outlastedBy.expiresAt)}`;
