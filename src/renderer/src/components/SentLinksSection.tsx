import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import {
  everyKeptLink,
  hasExpired,
  sentLinkListedUntil,
  sentLinkTurningPoints,
  type SentAuthLink,
  type SentLinkWithoutAddress,
} from '../../../shared/contract';
import type { Customer, LinkedAccountView } from '../../../shared/domain';
import { onboarding, unwrap } from '../bridge';
import { copyText } from '../copy-text';
import { dateTimeText } from '../date-time-text';
import {
  linkedSinceText,
  nothingLinkedSinceText,
  offersFollowUp,
  outlastingLinkText,
  sentLinkOutcome,
  sentLinkPurpose,
  stillToRelinkText,
  type SentLinkOutcome,
} from '../sent-link-outcome';
import { useKeyboardKeptWithin } from '../use-keyboard-kept-within';
import { useNowPassing } from '../use-now-passing';
import { DemoLinkOpener } from './DemoLinkOpener';

/** What came of a link, under it: what to do about it where something is to be done. */
function sentLinkOutcomeText(outcome: SentLinkOutcome): string {
  if (outcome.kind === 'linked-since')
    return `Since then: ${linkedSinceText(outcome.linkedSince, dateTimeText)}`;
  const what =
    outcome.kind === 'nothing-linked' ? nothingLinkedSinceText : stillToRelinkText(outcome.account);
  return outcome.outlastedBy === undefined
    ? `${what}: send a new link if they still need one.`
    : `${what}; ${outlastingLinkText(outcome.outlastedBy, dateTimeText)}.`;
}

/**
 * The auth links made for the customer, newest first: those that still work, to copy again (the
 * customer lost the email) or to forget; and those expired in the last week, saying whether
 * anything was linked since, so that one the customer never used is followed up. Nothing while
 * there are none.
 */
export function SentLinksSection(props: {
  customer: Customer;
  accounts: LinkedAccountView[];
  /** Changes when a link may have been made, so the list is read again. */
  version: number;
  onError: (error: unknown) => void;
  /** The last link is forgotten and the section goes: the page says where the keyboard goes. */
  onLastForgotten: () => void;
  /** The demo's StackOne runs on this computer: its links open here only, to play the customer. */
  demo: boolean;
  /** Opens Send a link for another link like this expired one. */
  onSendAnother: (link: SentAuthLink) => void;
}) {
  const { customer, accounts, version, onError } = props;
  const [listed, setListed] = useState<{
    customerId: string;
    links: SentAuthLink[];
    kept: boolean;
    unreadable: SentLinkWithoutAddress[];
  } | null>(null);
  // Each link is shown expired from its expiry, and no more a week on, as the store keeps it; one
  // not shown changes what is said of those it outlasts as it expires.
  const now = useNowPassing([
    ...(listed?.links ?? []).flatMap((link) => sentLinkTurningPoints(link.expiresAt)),
    ...(listed?.unreadable ?? []).map((link) => Date.parse(link.expiresAt)),
  ]);
  const [outcome, setOutcome] = useState<{ linkId: string; message: string } | null>(null);
  /**
   * Where the keyboard goes once the button it was on is gone and other links remain: a forgotten
   * link's row, a Copy link as its link expires, or a Send another… that the links read again no
   * longer offer (the link sent in its place outlasts it).
   */
  const heading = useRef<HTMLHeadingElement>(null);
  const section = useRef<HTMLElement>(null);
  useKeyboardKeptWithin(section, heading);

  useEffect(() => {
    let cancelled = false;
    unwrap(onboarding().listSentAuthLinks({ customerId: customer.id }))
      .then((answer) => !cancelled && setListed({ customerId: customer.id, ...answer }))
      .catch(onError);
    return () => {
      cancelled = true;
    };
  }, [customer.id, version, onError]);

  if (listed?.customerId !== customer.id) return null;
  if (!listed.kept)
    return (
      <p className="muted sent-links">
        This computer has no secret storage, so the links you send are not kept: copy or send each
        one when you make it.
        {listed.unreadable.length > 0 && ` ${keptBeforeText(listed.unreadable.length)}`}
      </p>
    );
  const shown = listed.links.filter((link) => now < sentLinkListedUntil(link.expiresAt));
  // One whose address cannot be shown now may outlast one shown: it works all the same.
  const allKept = everyKeptLink(listed);
  if (shown.length === 0 && listed.unreadable.length === 0) return null;

  const forget = (link: SentAuthLink) =>
    unwrap(onboarding().forgetSentAuthLink({ customerId: customer.id, linkId: link.id }))
      .then(() => {
        const remaining = shown.filter((l) => l.id !== link.id);
        flushSync(() => setListed((current) => current && { ...current, links: remaining }));
        if (remaining.length > 0 || listed.unreadable.length > 0) heading.current?.focus();
        else props.onLastForgotten();
      })
      .catch(onError);

  return (
    <section className="sent-links" aria-labelledby="sent-links-heading" ref={section}>
      <h3 id="sent-links-heading" tabIndex={-1} ref={heading}>
        Links sent
      </h3>
      {shown.length > 0 && (
        <ul>
          {shown.map((link) => {
            const made = dateTimeText(link.createdAt);
            const purpose = sentLinkPurpose(link, accounts);
            const linkOutcome = sentLinkOutcome(link, accounts, now, allKept);
            const expired = hasExpired(link, now);
            const followUpHere = offersFollowUp(link, linkOutcome, listed.links, now);
            return (
              <li key={link.id}>
                <span>
                  {purpose}, made {made};{' '}
                  {expired
                    ? `expired ${dateTimeText(link.expiresAt)}`
                    : `works until ${dateTimeText(link.expiresAt)}`}
                  {linkOutcome !== null && (
                    <span className="muted linked-since">{sentLinkOutcomeText(linkOutcome)}</span>
                  )}
                </span>
                <span className="row-actions">
                  {/* Where another for the same works, that one is to copy if they lost it; where it has
                    expired too, it is the one to follow up. */}
                  {followUpHere && (
                    <button
                      type="button"
                      aria-label={`Send another link, in place of the one made ${made}`}
                      onClick={() => props.onSendAnother(link)}
                    >
                      Send another…
                    </button>
                  )}
                  {!expired && (
                    <>
                      <button
                        type="button"
                        aria-label={`Copy link made ${made}`}
                        onClick={() =>
                          void copyText(
                            link.url,
                            'Link copied.',
                            `The link could not be copied. Make a new one with Send a link.`,
                          ).then((message) => setOutcome({ linkId: link.id, message }))
                        }
                      >
                        Copy link
                      </button>
                      {props.demo && (
                        <DemoLinkOpener
                          url={link.url}
                          accessibleName={`Open link made ${made} in the browser`}
                        >
                          Open
                        </DemoLinkOpener>
                      )}
                    </>
                  )}
                  <button
                    type="button"
                    className="link"
                    aria-label={`Forget link made ${made}`}
                    title={
                      expired
                        ? 'The app stops showing it'
                        : 'The app stops showing it; the link itself works until it expires'
                    }
                    onClick={() => void forget(link)}
                  >
                    Forget
                  </button>
                </span>
                <span role="status" className="muted">
                  {outcome?.linkId === link.id ? outcome.message : ''}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {listed.unreadable.length > 0 && (
        <p className="muted">{unreadableLinksText(listed.unreadable.length)}</p>
      )}
    </section>
  );
}

/** Links kept before this session, where there is no secret storage now to read them with. */
const keptBeforeText = (count: number) =>
  count === 1
    ? 'The link kept before is shown again once the system keyring is unlocked and the app restarted.'
    : `The ${count} links kept before are shown again once the system keyring is unlocked and the app restarted.`;

/** Links kept whose addresses the keyring cannot decrypt now. */
const unreadableLinksText = (count: number) =>
  `${count === 1 ? 'A link made before cannot be shown: its address is' : `${count} links made before cannot be shown: their addresses are`} encrypted with a system keyring the app cannot open now (one not unlocked, or another computer’s). Unlock it and restart the app to see ${count === 1 ? 'it' : 'them'}; ${count === 1 ? 'one from another computer goes' : 'those from another computer go'} once expired.`;
