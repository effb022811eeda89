import { hasNothingLinkedSince, type SentLinkFacts } from '../shared/accounts-linked-since';
import { accountDisplayName, needsRelink, type LinkedAccountView } from '../shared/domain';

/** A link kept for a customer that someone should ask them about if it expires as things are. */
export interface LinkToFollowUp {
  expiresAt: string;
  /** The account it re-links, as the app names it ("BambooHR"); null for one to link new ones. */
  relinks: string | null;
  /**
   * What it was sent for (new accounts, a second one with its label, or one account re-linked):
   * while a later link for the same works, this one expiring is no news.
   */
  purpose: string;
}

/**
 * The customer's links that have had no effect so far: those to link new accounts (or a second
 * one) with nothing linked since, and those to re-link an account that still needs it.
 */
export function linksToFollowUp(
  accounts: readonly LinkedAccountView[],
  sentLinks: readonly (SentLinkFacts & { expiresAt: string })[],
): LinkToFollowUp[] {
  return sentLinks.flatMap((link): LinkToFollowUp[] => {
    if (link.relinkAccountId === null)
      return hasNothingLinkedSince(link, accounts)
        ? [
            {
              expiresAt: link.expiresAt,
              relinks: null,
              purpose:
                link.secondAccountLabel === null ? 'new' : `second:${link.secondAccountLabel}`,
            },
          ]
        : [];
    const account = accounts.find((candidate) => candidate.id === link.relinkAccountId);
    return account !== undefined && needsRelink(account)
      ? [
          {
            expiresAt: link.expiresAt,
            relinks: accountDisplayName(account),
            purpose: `relink:${account.id}`,
          },
        ]
      : [];
  });
}
