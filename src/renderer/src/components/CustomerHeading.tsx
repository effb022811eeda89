import { useRef, useState, type FormEvent, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { everyKeptLink, hasExpired } from '../../../shared/contract';
import type { Customer, LinkedAccountView } from '../../../shared/domain';
import { onboarding, unwrap } from '../bridge';
import { copyText } from '../copy-text';
import { customerSummaryText } from '../customer-summary-text';
import { dateTimeText } from '../date-time-text';
import { checkEmailToLine, emailToLineText } from '../email-to-line';
import { useBusyAction } from '../use-busy-action';
import { useFieldNote } from '../use-field-note';
import { InlineConfirmation } from './InlineConfirmation';
import { BusyButton } from './BusyButton';
import { EmailAddressesInput } from './EmailAddressesInput';

/**
 * The selected customer's name and id, renamed or removed in place, the addresses their links are
 * emailed to, changed in place (before any link is made), and a summary of where their linking
 * stands to copy. Removing asks first, and the main process refuses while the customer still has
 * linked accounts. Keyed by the customer's id, so picking another customer starts it afresh.
 */
export function CustomerHeading(props: {
  customer: Customer;
  /** The customer's name: the keyboard's place as their page is brought into view. */
  headingRef?: RefObject<HTMLHeadingElement | null>;
  /** The customer's accounts, for the summary to copy. */
  accounts: readonly LinkedAccountView[];
  /** The customer as saved renamed or with other addresses. */
  onChanged: (customer: Customer) => void;
  onRemoved: (remaining: Customer[]) => void;
}) {
  const { customer, headingRef } = props;
  const emailToKept = customer.contactEmails ?? [];
  const [editing, setEditing] = useState<'rename' | 'remove' | 'email-to' | null>(null);
  const [name, setName] = useState(customer.name);
  const [emailTo, setEmailTo] = useState('');
  const [emailToProblem, setEmailToProblem] = useState<string | null>(null);
  const emailToNote = useFieldNote(
    emailToProblem,
    'The addresses Send a link’s email draft goes to: their IT administrator, say. Several: commas between. Empty: you choose whom in the mail app.',
  );
  const { busy, error, setError, run: call } = useBusyAction();
  const [copyOutcome, setCopyOutcome] = useState('');
  /**
   * The links sent to the customer that still work, read before Remove asks (the question says it
   * whole at once): the customer can link with them after the removal, and the app would not show
   * it. Those whose address cannot be decrypted now work all the same. None, or not read: nothing
   * said.
   */
  const [workingLinks, setWorkingLinks] = useState<{ count: number; until: string } | null>(null);
  const askRemove = () => {
    const askedAt = Date.now();
    void unwrap(onboarding().listSentAuthLinks({ customerId: customer.id }))
      .then(
        (listed) =>
          everyKeptLink(listed)
            .filter((link) => !hasExpired(link, askedAt))
            .map((link) => link.expiresAt)
            .sort(),
        () => [],
      )
      .then((until) => {
        const last = until.at(-1);
        setWorkingLinks(last === undefined ? null : { count: until.length, until: last });
        setEditing('remove');
      });
  };

  const renameButton = useRef<HTMLButtonElement>(null);
  const removeButton = useRef<HTMLButtonElement>(null);
  const emailToButton = useRef<HTMLButtonElement>(null);

  const close = () => {
    setEditing(null);
    setError(null);
    setEmailToProblem(null);
  };

  /** Back to the button that opened the form or question, for the keyboard's place. */
  const closeAndFocus = (button: RefObject<HTMLButtonElement | null>) => {
    flushSync(close);
    button.current?.focus();
  };

  const run = async <T,>(request: () => Promise<T>, done: (value: T) => void) => {
    const answer = await call(request);
    if (answer === undefined) return;
    done(answer);
    flushSync(close);
  };

  const rename = (event: FormEvent) => {
    event.preventDefault();
    void run(
      () => unwrap(onboarding().renameCustomer({ id: customer.id, name })),
      props.onChanged,
    ).then(() => renameButton.current?.focus());
  };

  const editEmailTo = () => {
    setEmailTo(emailToLineText(emailToKept));
    setEditing('email-to');
  };

  const saveEmailTo = (event: FormEvent) => {
    event.preventDefault();
    const line = checkEmailToLine(emailTo);
    if ('problem' in line) {
      setEmailToProblem(line.problem);
      return;
    }
    setEmailToProblem(null);
    void run(
      () =>
        unwrap(
          onboarding().saveCustomerContactEmails({
            id: customer.id,
            contactEmails: line.addresses,
          }),
        ),
      props.onChanged,
    ).then(() => emailToButton.current?.focus());
  };

  const cancelRename = () => {
    closeAndFocus(renameButton);
    setName(customer.name);
  };

  return (
    <div className="customer-heading">
      {editing === 'rename' ? (
        <form
          className="inline-form"
          aria-label="Rename customer"
          onSubmit={rename}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && !busy) cancelRename();
          }}
        >
          <label>
            Customer name
            <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
          </label>
          <BusyButton type="submit" className="primary" busy={busy}>
            Save
          </BusyButton>
          <button type="button" disabled={busy} onClick={cancelRename}>
            Cancel
          </button>
        </form>
      ) : (
        <h2 ref={headingRef} tabIndex={-1}>
          {customer.name}
        </h2>
      )}
      <p className="muted">
        <span className="customer-id">Customer id {customer.id}</span>
        {editing === null && (
          <>
            {' · '}
            <button
              type="button"
              className="link"
              ref={renameButton}
              onClick={() => setEditing('rename')}
            >
              Rename
            </button>
            {' · '}
            <button type="button" className="link" ref={removeButton} onClick={askRemove}>
              Remove
            </button>
            {' · '}
            <button
              type="button"
              className="link"
              title="Where this customer’s linking stands, as text for a handover note or an email"
              onClick={() =>
                void unwrap(onboarding().listSentAuthLinks({ customerId: customer.id }))
                  .then(
                    // Those whose address cannot be decrypted now too: the summary gives no address.
                    (listed) =>
                      everyKeptLink(listed).sort(
                        (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
                      ),
                    () => null,
                  )
                  .then((links) =>
                    copyText(
                      customerSummaryText(customer, props.accounts, links, new Date()),
                      'Summary copied.',
                      'The summary could not be copied (no clipboard here): copy the accounts from the table.',
                    ),
                  )
                  .then(setCopyOutcome)
              }
            >
              Copy summary
            </button>
          </>
        )}
        <span role="status" className="copy-outcome">
          {copyOutcome}
        </span>
      </p>
      {editing === 'email-to' ? (
        <>
          <form
            className="inline-form"
            aria-label="Addresses their links are emailed to"
            onSubmit={saveEmailTo}
            onKeyDown={(event) => {
              if (event.key === 'Escape' && !busy) closeAndFocus(emailToButton);
            }}
          >
            <label>
              Email their links to
              <EmailAddressesInput
                value={emailTo}
                invalid={emailToNote.invalid}
                describedBy={emailToNote.describedBy}
                onChange={setEmailTo}
                autoFocus
              />
            </label>
            <BusyButton type="submit" className="primary" busy={busy}>
              Save
            </BusyButton>
            <button type="button" disabled={busy} onClick={() => closeAndFocus(emailToButton)}>
              Cancel
            </button>
          </form>
          {emailToNote.note}
        </>
      ) : (
        <p className="muted">
          {emailToKept.length > 0
            ? `Links are emailed to ${emailToLineText(emailToKept)}`
            : 'Links are emailed to whom you choose in the mail app'}
          {editing === null && (
            <>
              {' · '}
              <button type="button" className="link" ref={emailToButton} onClick={editEmailTo}>
                {emailToKept.length > 0 ? 'Change addresses' : 'Add addresses'}
              </button>
            </>
          )}
        </p>
      )}
      {editing === 'rename' && (
        <p className="muted">
          StackOne gets the new name with the next account linked; accounts already linked keep the
          name they were linked under.
        </p>
      )}
      {editing === 'remove' && (
        <InlineConfirmation
          question={`Remove ${customer.name}?`}
          confirmText="Remove"
          busyText="Removing…"
          cancelText="Keep it"
          busy={busy}
          onConfirm={() =>
            void run(
              () => unwrap(onboarding().removeCustomer({ id: customer.id })),
              props.onRemoved,
            )
          }
          onCancel={() => closeAndFocus(removeButton)}
        >
          Remove {customer.name} from this app? Nothing changes in StackOne; add the customer again
          with the same id to get them back.
          {workingLinks !== null &&
            ` ${workingLinks.count === 1 ? 'The link sent to them works' : `The ${workingLinks.count} links sent to them work`} until ${dateTimeText(workingLinks.until)}: what they link with ${workingLinks.count === 1 ? 'it' : 'them'} is linked in StackOne all the same, and shown here once you add them again.`}
        </InlineConfirmation>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
