import type { SentLinkFacts } from '../shared/accounts-linked-since';
import {
  accountDisplayName,
  needsRelink,
  type CustomerSummary,
  type LinkedAccountView,
} from '../shared/domain';
import { linksToFollowUp } from './links-to-follow-up';

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
  unusedLinksExpireAt: linksToFollowUp(accounts, sentLinks)
    .filter((link) => link.relinks === null)
    .map((link) => link.expiresAt)
    .sort(),
});
