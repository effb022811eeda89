import { accountsLinkedSince, type SentLinkFacts } from '../shared/accounts-linked-since';
import {
  accountDisplayName,
  needsRelink,
  type CustomerSummary,
  type LinkedAccountView,
} from '../shared/domain';

/** A customer at a glance, from their accounts and the links kept for them. */
export const summarizeCustomer = (
  customerId: string,
  accounts: readonly LinkedAccountView[],
  sentLinks: readonly (SentLinkFacts & { expiresAt: string })[],
): CustomerSummary => ({
  customerId,
  linked: accounts.length,
  needingRelink: accounts.filter(needsRelink).length,
  systems: [...new Set(accounts.map(accountDisplayName))].sort(),
  // A link to re-link an account is not counted: that account's status says how it went.
  unusedLinksExpireAt: sentLinks
    .filter(
      (link) => link.relinkAccountId === null && accountsLinkedSince(link, accounts).length === 0,
    )
    .map((link) => link.expiresAt)
    .sort(),
});
