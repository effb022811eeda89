import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { forSamePurpose } from '../../../shared/accounts-linked-since';
import {
  everyKeptLink,
  hasExpired,
  type AuthLink,
  type SentAuthLink,
  type SentLinkWithoutAddress,
} from '../../../shared/contract';
import {
  accountDisplayName,
  linkCategoryNames,
  linkCategorySchema,
  type Customer,
  type LinkCategory,
  type LinkedAccountView,
} from '../../../shared/domain';
import { authLinkQrCode, type QrCodeResult } from '../auth-link-qr-code';
import { messageOf, onboarding, unwrap } from '../bridge';
import { copyText } from '../copy-text';
import { dateTimeText, dateTimeWithZoneText } from '../date-time-text';
import { checkEmailToLine, emailToLineText } from '../email-to-line';
import { DemoLinkOpener } from './DemoLinkOpener';
import { EmailAddressesInput } from './EmailAddressesInput';
import { ModalDialog } from './ModalDialog';
import { isRelinkGone, RelinkGoneNotice } from './RelinkGoneNotice';
import {
  SecondAccountChoice,
  useSecondAccountChoosing,
  type SecondAccount,
} from './SecondAccountChoice';
import { SlowAnswerNotice } from './SlowAnswerNotice';
import { useFieldNote } from '../use-field-note';
import { useNowPassing } from '../use-now-passing';
import { BusyButton } from './BusyButton';

const validityChoices = [
  { days: 1, label: '1 day' },
  { days: 3, label: '3 days' },
  { days: 7, label: '7 days (StackOne’s longest)' },
] as const;

const anyCategory = 'any';

/** An auth link for the customer to finish linking on their own device: copy, email or scan. */
export function SendLinkDialog(props: {
  customer: Customer;
  /** A link to re-link this account (its credentials entered again) rather than a new one. */
  relink?: LinkedAccountView;
  /** Chosen already: a link for a second account, labelled so. */
  secondAccount?: SecondAccount;
  /** Chosen already: a link for this kind of system alone. */
  category?: LinkCategory;
  /**
   * In place of an expired link to re-link an account disconnected since: there is nothing to
   * re-link, so this link is to link their systems, and the dialog says why.
   */
  replacesRelinkOfDisconnected?: boolean;
  /** The customer's accounts. */
  accounts: readonly LinkedAccountView[];
  /** The demo's StackOne runs on this computer: its links open here only. */
  demo: boolean;
  /** The customer as saved with another contact email. */
  onCustomerChanged: (customer: Customer) => void;
  /** Said once the dialog has closed: the addresses typed could not be kept, and why. */
  onAddressesNotKept: (message: string) => void;
  /** Offered when the account to re-link has been disconnected meanwhile: a link to link anew. */
  onLinkAnewInstead: () => void;
  onClose: () => void;
}) {
  const { customer, relink } = props;
  const relinkName = relink && accountDisplayName(relink);
  /** A link (another link) would re-link nothing. */
  const relinkGone = isRelinkGone(relink, props.accounts);
  const [validForDays, setValidForDays] = useState(3);
  const [creating, setCreating] = useState(false);
  /** Only systems of this kind offered (not for a re-link); null for any. */
  const [category, setCategory] = useState<LinkCategory | null>(props.category ?? null);
  const [link, setLink] = useState<(AuthLink & { category: LinkCategory | null }) | null>(null);
  const [qrCode, setQrCode] = useState<QrCodeResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copyOutcome, setCopyOutcome] = useState('');
  const [secondAccount, setSecondAccount] = useState<SecondAccount | null>(
    props.secondAccount ?? null,
  );
  /** While a second account's label is entered, Create link would make a link for an ordinary one. */
  const [choosingSecond, setChoosingSecond] = useSecondAccountChoosing(props.accounts);
  const [emailTo, setEmailTo] = useState(emailToLineText(customer.contactEmails));
  const [emailToError, setEmailToError] = useState<string | null>(null);
  const emailToField = useRef<HTMLInputElement>(null);
  /** The addresses last sent to main, as the field shows them (leaving it, then Done, sends once). */
  const emailToKept = useRef<string | undefined>(emailToLineText(customer.contactEmails));
  const emailToNote = useFieldNote(
    emailToError,
    <>
      Kept for {customer.name}’s next link. Several: commas between. Empty: you choose whom in the
      mail app.
    </>,
  );
  /**
   * Closed: what is not kept is said where it stays seen, not under the field (a save still under
   * way, as when the field was left as Done was pressed, reports there too).
   */
  const closed = useRef(false);
  /** Kept for the customer's next link once they are addresses (or emptied), as the field is left. */
  const keepEmailTo = () => {
    const line = checkEmailToLine(emailTo);
    const notKept = (why: string) =>
      props.onAddressesNotKept(
        `The addresses typed for ${customer.name}’s links were not kept: ${why}`,
      );
    if ('problem' in line) {
      if (closed.current)
        notKept(
          `${line.reason}. Set them with ${(customer.contactEmails?.length ?? 0) > 0 ? 'Change' : 'Add'} addresses, under ${customer.name}’s id.`,
        );
      else setEmailToError(line.problem);
      return;
    }
    setEmailToError(null);
    const shown = emailToLineText(line.addresses);
    setEmailTo(shown);
    if (shown === emailToKept.current) return;
    emailToKept.current = shown;
    unwrap(
      onboarding().saveCustomerContactEmails({ id: customer.id, contactEmails: line.addresses }),
    )
      .then(props.onCustomerChanged)
      .catch((failure: unknown) => {
        emailToKept.current = undefined;
        const message = messageOf(failure);
        if (closed.current) notKept(message);
        else setEmailToError(message);
      });
  };
  const emailToLine = checkEmailToLine(emailTo);
  const emailIt = (event: MouseEvent<HTMLAnchorElement>) => {
    if ('addresses' in emailToLine) return;
    event.preventDefault();
    keepEmailTo();
    emailToField.current?.focus();
  };

  /**
   * The customer's links kept, read as the dialog opens: one for the same may still work. Those
   * whose address the keyring cannot decrypt now work all the same, though they cannot be copied.
   */
  const [keptLinks, setKeptLinks] = useState<readonly (SentAuthLink | SentLinkWithoutAddress)[]>(
    [],
  );
  useEffect(() => {
    let cancelled = false;
    // Without them the dialog works as ever: nothing to say, so nothing said of a failure.
    unwrap(onboarding().listSentAuthLinks({ customerId: customer.id }))
      .then((listed) => !cancelled && setKeptLinks(everyKeptLink(listed)))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [customer.id]);
  const now = useNowPassing(keptLinks.map((kept) => Date.parse(kept.expiresAt)));
  /**
   * The link for the same as this one that works longest, if one still does: of those that can be
   * copied, if any.
   */
  const workingForSame = keptLinks
    .filter(
      (kept) =>
        !hasExpired(kept, now) &&
        forSamePurpose(kept, {
          relinkAccountId: relink?.id ?? null,
          secondAccountLabel: secondAccount?.label ?? null,
          category,
        }),
    )
    .sort(
      (a, b) =>
        Number('url' in b) - Number('url' in a) ||
        Date.parse(b.expiresAt) - Date.parse(a.expiresAt),
    )[0];
  const [workingCopyOutcome, setWorkingCopyOutcome] = useState('');

  useEffect(() => {
    if (link === null) return;
    let cancelled = false;
    void authLinkQrCode(link.url).then((result) => !cancelled && setQrCode(result));
    return () => {
      cancelled = true;
    };
  }, [link]);

  const createLink = () => {
    setCreating(true);
    setError(null);
    setCopyOutcome('');
    unwrap(
      onboarding().createAuthLink({
        customerId: customer.id,
        validForDays,
        ...(relink !== undefined && { accountId: relink.id }),
        ...(secondAccount !== null && { secondAccount }),
        ...(category !== null && { category }),
      }),
    )
      .then((created) => {
        setQrCode(null);
        setLink({ ...created, category });
      })
      .catch((failure: unknown) => setError(messageOf(failure)))
      .finally(() => setCreating(false));
  };

  const copyLink = (url: string) =>
    void copyText(
      url,
      'Link copied.',
      'The link could not be copied: select it above and copy it by hand.',
    ).then(setCopyOutcome);

  const validUntil = link && dateTimeText(link.expiresAt);

  return (
    <ModalDialog
      title={
        relinkName === undefined
          ? `Send ${customer.name} a link`
          : `Send ${customer.name} a link to re-link ${relinkName}`
      }
      onClose={() => {
        // Escape from the field closes the dialog without leaving it first.
        closed.current = true;
        if (link !== null) keepEmailTo();
        props.onClose();
      }}
      closeOnEscape
    >
      <p className="muted">
        {relinkName === undefined
          ? 'The customer opens the link on their own device to link their systems, now or later. Accounts they link appear in this customer’s list as they do.'
          : `The customer opens the link on their own device to enter ${relinkName}’s credentials again. The account’s status here changes once they have.`}
      </p>
      {props.replacesRelinkOfDisconnected === true && (
        <p className="dialog-notice">
          The account the expired link was to re-link has been disconnected since, so there is
          nothing to re-link: this link is for the customer to link the system anew.
        </p>
      )}
      {relinkGone && (
        <RelinkGoneNotice
          account={relink}
          actionText="Send a link to link it anew"
          onAction={props.onLinkAnewInstead}
        />
      )}
      {relink === undefined && (
        <SecondAccountChoice
          accounts={props.accounts}
          value={secondAccount}
          onChange={setSecondAccount}
          choosing={choosingSecond}
          onChoosingChange={setChoosingSecond}
          disabled={creating}
        />
      )}
      {link === null && workingForSame !== undefined && !('url' in workingForSame) && (
        <p className="dialog-notice">
          A link for the same, made {dateTimeText(workingForSame.createdAt)}, works until{' '}
          {dateTimeText(workingForSame.expiresAt)}, but its address cannot be shown: it is encrypted
          with a system keyring the app cannot open now. If they lost it, make another.
        </p>
      )}
      {link === null && workingForSame !== undefined && 'url' in workingForSame && (
        <div className="dialog-notice">
          <p>
            A link for the same, made {dateTimeText(workingForSame.createdAt)}, works until{' '}
            {dateTimeText(workingForSame.expiresAt)}: if they lost it, copy it again rather than
            make another.
          </p>
          <div className="actions">
            <button
              type="button"
              onClick={() =>
                void copyText(
                  workingForSame.url,
                  'That link copied.',
                  'That link could not be copied: copy it from Links sent.',
                ).then(setWorkingCopyOutcome)
              }
            >
              Copy that link
            </button>
            {props.demo && (
              <DemoLinkOpener url={workingForSame.url}>
                Open that link in the browser
              </DemoLinkOpener>
            )}
          </div>
          <p role="status" className="muted">
            {workingCopyOutcome}
          </p>
        </div>
      )}
      <div className="link-options">
        {relink === undefined && (
          <label>
            For
            <select
              value={category ?? anyCategory}
              disabled={creating}
              onChange={(event) => {
                const chosen = linkCategorySchema.safeParse(event.target.value);
                setCategory(chosen.success ? chosen.data : null);
              }}
            >
              <option value={anyCategory}>Any of their systems</option>
              {linkCategorySchema.options.map((option) => (
                <option key={option} value={option}>
                  Their {linkCategoryNames[option]}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Valid for
          <select
            value={validForDays}
            onChange={(event) => setValidForDays(Number(event.target.value))}
          >
            {validityChoices.map((choice) => (
              <option key={choice.days} value={choice.days}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <BusyButton
          type="button"
          className="primary"
          busy={creating}
          disabled={choosingSecond || relinkGone}
          onClick={createLink}
        >
          {creating ? 'Creating…' : link === null ? 'Create link' : 'Create a new link'}
        </BusyButton>
      </div>
      <SlowAnswerNotice waiting={creating} />
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {link !== null && validUntil !== null && (
        <div className="auth-link">
          <label>
            Link
            <input
              className="link-url"
              readOnly
              value={link.url}
              onFocus={(event) => event.target.select()}
            />
          </label>
          <p className="muted">Valid until {validUntil}. Anyone with the link can use it.</p>
          {props.demo && (
            <div className="dialog-notice">
              <p>
                In the demo this link opens on this computer only (the demo’s StackOne runs here): a
                phone or another computer cannot reach it. The QR code and the email show what the
                customer gets in live mode; to play their part, open it here.
              </p>
              <DemoLinkOpener url={link.url}>Open it in the browser</DemoLinkOpener>
            </div>
          )}
          <label className="email-to">
            Email it to
            <EmailAddressesInput
              ref={emailToField}
              value={emailTo}
              invalid={emailToNote.invalid}
              describedBy={emailToNote.describedBy}
              onChange={setEmailTo}
              onBlur={keepEmailTo}
            />
          </label>
          {emailToNote.note}
          <div className="actions">
            <button type="button" onClick={() => copyLink(link.url)}>
              Copy link
            </button>
            <a
              className="button"
              href={emailDraft(
                'addresses' in emailToLine ? emailToLine.addresses : [],
                customer.name,
                link,
                relinkName,
              )}
              target="_blank"
              rel="noreferrer"
              onClick={emailIt}
            >
              Email it…
            </a>
          </div>
          <p role="status" className="muted">
            {copyOutcome}
          </p>
          {qrCode !== null && 'dataUrl' in qrCode && (
            <img
              className="qr-code"
              src={qrCode.dataUrl}
              width={240}
              height={240}
              alt="The link as a QR code, to scan with a phone"
            />
          )}
          {qrCode !== null && 'problem' in qrCode && <p className="muted">{qrCode.problem}</p>}
        </div>
      )}
    </ModalDialog>
  );
}

function emailDraft(
  to: readonly string[],
  customerName: string,
  { url, expiresAt, category }: AuthLink & { category: LinkCategory | null },
  relinkName: string | undefined,
): string {
  const kind = category === null ? null : linkCategoryNames[category];
  const subject =
    relinkName !== undefined
      ? `Reconnect ${customerName}'s ${relinkName}`
      : `Connect ${customerName}'s ${kind ?? 'systems'}`;
  const body = [
    'Hello,',
    '',
    relinkName !== undefined
      ? `Please use this secure link to enter your ${relinkName} credentials again:`
      : kind !== null
        ? `Please use this secure link to connect your ${kind}:`
        : 'Please use this secure link to connect your systems (HR, recruiting, CRM and so on):',
    url,
    '',
    `The link works until ${dateTimeWithZoneText(expiresAt)}. Do not forward it: anyone with it can use it.`,
  ].join('\n');
  // The addresses as RFC 6068 writes them: their characters escaped but the @ before the domain,
  // and commas between.
  const recipients = to
    .map((address) => encodeURIComponent(address).replace(/%40(?!.*%40)/, '@'))
    .join(',');
  return `mailto:${recipients}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}
