import {
  needsRelink,
  accountDisplayName,
  type Customer,
  type LinkedAccountView,
} from '../../shared/domain';
import { hasExpired, type SentLinkWithoutAddress } from '../../shared/contract';
import { accountStatusLabel } from './account-status-label';
import { dateTimeWithZoneText } from './date-time-text';
import {
  linkedSinceText,
  nothingLinkedSinceText,
  outlastingLinkText,
  sentLinkOutcome,
  sentLinkPurpose,
  stillToRelinkText,
  type SentLinkOutcome,
} from './sent-link-outcome';

/** When and by whom the account was linked, as StackOne says (", linked Dec 1, ... by Alice"). */
function linkedText({ createdAt, linkedBy }: LinkedAccountView): string {
  if (createdAt === undefined && linkedBy === undefined) return '';
  const when = createdAt === undefined ? '' : ` ${dateTimeWithZoneText(createdAt)}`;
  return `, linked${when}${linkedBy === undefined ? '' : ` by ${linkedBy}`}`;
}

/** What came of a link, as the end of its line in the summary. */
function sentLinkOutcomeClause(outcome: SentLinkOutcome): string {
  if (outcome.kind === 'linked-since')
    return `since then ${linkedSinceText(outcome.linkedSince, dateTimeWithZoneText)}`;
  const what =
    outcome.kind === 'nothing-linked'
      ? nothingLinkedSinceText.toLowerCase()
      : stillToRelinkText(outcome.account);
  return outcome.outlastedBy === undefined
    ? what
    : `${what}; ${outlastingLinkText(outcome.outlastedBy, dateTimeWithZoneText)}`;
}

/**
 * The links sent, for whoever takes the customer over: what each is for, until when it works or
 * when it expired, and what has been linked since. Never the links themselves: a summary is
 * pasted into notes and tickets, and a link is a bearer of its session's token.
 */
function sentLinksText(
  links: readonly SentLinkWithoutAddress[] | null,
  accounts: readonly LinkedAccountView[],
  at: Date,
): string {
  if (links === null) return 'Links sent: could not be read.\n';
  if (links.length === 0) return '';
  const lines = links.map((link) => {
    const expired = hasExpired(link, at.getTime());
    const outcome = sentLinkOutcome(link, accounts, at.getTime(), links);
    const outcomeText = outcome === null ? '' : `; ${sentLinkOutcomeClause(outcome)}`;
    return [
      `- ${sentLinkPurpose(link, accounts)}, made ${dateTimeWithZoneText(link.createdAt)}; `,
      `${expired ? 'expired' : 'works until'} ${dateTimeWithZoneText(link.expiresAt)}${outcomeText}`,
    ].join('');
  });
  return `Links sent:\n${lines.join('\n')}\n`;
}

/**
 * A plain-text account of where the customer's linking stands, for a handover note or an email:
 * whom their links are emailed to, each linked account with its status (and StackOne's reasons), when and by whom it was linked,
 * and what needs re-linking; then the links sent (`null`: they could not be read).
 */
export function customerSummaryText(
  customer: Customer,
  accounts: readonly LinkedAccountView[],
  sentLinks: readonly SentLinkWithoutAddress[] | null,
  at: Date,
): string {
  const when = dateTimeWithZoneText(at);
  const contact =
    customer.contactEmails === undefined
      ? ''
      : `; links emailed to ${customer.contactEmails.join(', ')}`;
  const heading = `${customer.name} (customer id ${customer.id}${contact}), as of ${when}:`;
  const links = sentLinksText(sentLinks, accounts, at);
  if (accounts.length === 0) return `${heading} no linked accounts.\n${links}`;
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
  return `${heading} ${count}${relink}.\n${lines.join('\n')}\n${links}`;
}
