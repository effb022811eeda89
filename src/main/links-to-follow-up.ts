import {
  accountStillToRelink,
  hasHadNoEffect,
  sameLinkOutlasting,
  type SentLinkFacts,
} from '../shared/accounts-linked-since';
import { accountDisplayName, linkCategoryNames, type LinkedAccountView } from '../shared/domain';

/** A link kept for a customer that someone should ask them about once it has expired. */
export interface LinkToFollowUp {
  expiresAt: string;
  /** The account it re-links, as the app names it ("BambooHR"); null for one to link new ones. */
  relinks: string | null;
  /** The only kind of system it offered, as the app names it ("HR system"); null for any. */
  kind: string | null;
}

/**
 * The customer's links that nothing has come of so far (see `hasHadNoEffect`), but those that
 * another link for the same outlasts: it is the last to expire that leaves the customer without.
 */
export function linksToFollowUp(
  accounts: readonly LinkedAccountView[],
  sentLinks: readonly (SentLinkFacts & { expiresAt: string })[],
): LinkToFollowUp[] {
  return sentLinks
    .filter(
      (link) =>
        hasHadNoEffect(link, accounts) &&
        sameLinkOutlasting(link, sentLinks, accounts) === undefined,
    )
    .map((link) => {
      const relinked = accountStillToRelink(link, accounts);
      return {
        expiresAt: link.expiresAt,
        relinks: relinked === undefined ? null : accountDisplayName(relinked),
        kind: link.category === null ? null : linkCategoryNames[link.category],
      };
    });
}
