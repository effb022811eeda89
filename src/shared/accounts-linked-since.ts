import { needsRelink, type LinkCategory, type LinkedAccountView } from './domain';

/** What decides what has been linked since an auth link was made. */
export interface SentLinkFacts {
  createdAt: string;
  relinkAccountId: string | null;
  secondAccountLabel: string | null;
  /** The only kind of system the link offers; null for any. */
  category: LinkCategory | null;
}

/**
 * The accounts StackOne made for the customer since a link to link new ones was made, of the kind
 * it asked for (the second account's label, where it asked for one; the kind of system, where it
 * was for one and the account's is known), oldest first. StackOne offers no way to tell which
 * session made an account, so this is what has happened since, not proof that the customer used
 * this link. A link to re-link an account makes none: that account's own status says how it went.
 */
export function accountsLinkedSince(
  link: SentLinkFacts,
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
        (link.secondAccountLabel === null || account.label === link.secondAccountLabel) &&
        // An account whose kind is not known yet (or could not be read) counts, as before.
        (link.category === null ||
          account.category === undefined ||
          account.category === link.category),
    )
    .sort((a, b) => Date.parse(a.linkedAt) - Date.parse(b.linkedAt));
}

/**
 * Whether a link to link new accounts (or a second one) has nothing linked since it was made:
 * once it has expired, someone should ask the customer whether they still need one.
 */
export const hasNothingLinkedSince = (
  link: SentLinkFacts,
  accounts: readonly LinkedAccountView[],
): boolean => link.relinkAccountId === null && accountsLinkedSince(link, accounts).length === 0;

/** The account a link to re-link is for, where the customer has it still needing re-linking. */
export const accountStillToRelink = (
  link: SentLinkFacts,
  accounts: readonly LinkedAccountView[],
): LinkedAccountView | undefined => {
  const account = accounts.find((candidate) => candidate.id === link.relinkAccountId);
  return account !== undefined && needsRelink(account) ? account : undefined;
};

/**
 * Whether nothing has come of the link so far: nothing linked since (a link to link new accounts
 * or a second one), or its account still to re-link (a link to re-link one).
 */
export const hasHadNoEffect = (
  link: SentLinkFacts,
  accounts: readonly LinkedAccountView[],
): boolean =>
  link.relinkAccountId === null
    ? hasNothingLinkedSince(link, accounts)
    : accountStillToRelink(link, accounts) !== undefined;

/**
 * Whether two links are for the same: new accounts (of one kind of system, or any), a second one
 * with one label, or one account re-linked.
 */
export const forSamePurpose = (
  a: Pick<SentLinkFacts, 'relinkAccountId' | 'secondAccountLabel' | 'category'>,
  b: Pick<SentLinkFacts, 'relinkAccountId' | 'secondAccountLabel' | 'category'>,
): boolean =>
  a.relinkAccountId === b.relinkAccountId &&
  a.secondAccountLabel === b.secondAccountLabel &&
  a.category === b.category;

/**
 * The last to expire of the customer's other links for the same (new accounts, a second one with
 * the same label, or the same account re-linked) that nothing has come of either, if it expires
 * after `link` does: until then, `link` expiring is no news, as the customer has another.
 */
export function sameLinkOutlasting<Link extends SentLinkFacts & { expiresAt: string }>(
  link: Link,
  links: readonly Link[],
  accounts: readonly LinkedAccountView[],
): Link | undefined {
  const expiry = Date.parse(link.expiresAt);
  return links
    .filter(
      (other) =>
        other !== link &&
        forSamePurpose(other, link) &&
        Date.parse(other.expiresAt) > expiry &&
        hasHadNoEffect(other, accounts),
    )
    .toSorted((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt))
    .at(-1);
}
