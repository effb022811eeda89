import { useId, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { accountsLabelled, labelInUseText } from '../account-label-in-use';
import {
  accountDisplayName,
  accountLabelSchema,
  providerDisplayName,
  type LinkedAccountView,
} from '../../../shared/domain';

export interface SecondAccount {
  label: string;
}

/**
 * Whether a second account's label is being entered, kept by the dialog around the choice, which
 * holds back meanwhile what would link an ordinary one. The form goes with the customer's last
 * account (disconnected elsewhere: a second account would be beside none), and the dialog's
 * Hub or Create link with it; linked again, the choice is offered anew, not the form.
 */
export function useSecondAccountChoosing(
  accounts: readonly LinkedAccountView[],
): [choosing: boolean, setChoosing: (choosing: boolean) => void] {
  const [choosing, setChoosing] = useState(false);
  const offered = accounts.length > 0;
  if (choosing && !offered) setChoosing(false);
  return [choosing && offered, setChoosing];
}

/**
 * StackOne takes a link for a provider the customer already has as that account's credentials
 * entered again. This lets the user ask for a second account instead, labelled to tell the two
 * apart. Not offered to a customer with no account.
 */
export function SecondAccountChoice(props: {
  /** The customer's accounts: the first names the example ("another BambooHR"). */
  accounts: readonly LinkedAccountView[];
  /**
   * The second account the dialog's session has just linked with the chosen label (not among
   * `accounts`): the Hub lets that session link another, which would get the same label.
   */
  linkedWithLabel?: LinkedAccountView | null;
  value: SecondAccount | null;
  onChange: (value: SecondAccount | null) => void;
  /** The label being entered (`useSecondAccountChoosing`, for these accounts). */
  choosing: boolean;
  onChoosingChange: (choosing: boolean) => void;
  disabled?: boolean;
}) {
  const { choosing, onChoosingChange: setChoosing } = props;
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const helpId = useId();
  const errorId = useId();
  const inUseId = useId();
  /**
   * The line's first button ("Link a second account…", "Choose another label" or "…instead"):
   * where the keyboard goes back to.
   */
  const lineButton = useRef<HTMLButtonElement>(null);
  const thenFocusLine = (change: () => void) => {
    flushSync(change);
    lineButton.current?.focus();
  };

  const choose = (event: FormEvent) => {
    event.preventDefault();
    const parsed = accountLabelSchema.safeParse(label);
    if (!parsed.success) {
      setError('Give the new account a label of up to 100 characters, such as “UK entity”.');
      return;
    }
    thenFocusLine(() => {
      setChoosing(false);
      setError(null);
      props.onChange({ label: parsed.data });
    });
  };

  if (choosing) {
    const labelled = accountsLabelled(props.accounts, label);
    const describedBy = [
      ...(error === null ? [] : [errorId]),
      ...(labelled.length === 0 ? [] : [inUseId]),
      helpId,
    ].join(' ');
    return (
      <form
        className="second-account"
        aria-label="A second account"
        onSubmit={choose}
        noValidate
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          // One step back: the form goes, not the dialog around it.
          event.stopPropagation();
          event.preventDefault();
          thenFocusLine(() => setChoosing(false));
        }}
      >
        <div className="inline-form">
          <label>
            Label for the new account
            <input
              value={label}
              maxLength={100}
              placeholder="UK entity"
              aria-describedby={describedBy}
              aria-invalid={error !== null}
              onChange={(event) => setLabel(event.target.value)}
              autoFocus
            />
          </label>
          <button type="submit" className="primary">
            Use this label
          </button>
          <button type="button" onClick={() => thenFocusLine(() => setChoosing(false))}>
            Cancel
          </button>
        </div>
        {error !== null && (
          <p className="error" role="alert" id={errorId}>
            {error}
          </p>
        )}
        <p className="muted" role="status" id={inUseId}>
          {labelled.length === 0 ? '' : labelInUseText(labelled)}
        </p>
        <p className="muted" id={helpId}>
          Shown beside the system’s name, here and in StackOne, to tell the accounts apart.
        </p>
      </form>
    );
  }
  if (props.value !== null) {
    const chosen = props.value;
    const labelled = accountsLabelled(props.accounts, chosen.label);
    const linked = props.linkedWithLabel ?? null;
    const warning =
      labelled.length > 0
        ? labelInUseText(labelled)
        : linked !== null
          ? `${accountDisplayName(linked)} is linked: another account linked from here would be labelled “${chosen.label}” too.`
          : null;
    return (
      <p className="muted second-account">
        A second account, labelled “{chosen.label}”: StackOne adds it beside the customer’s others,
        whichever system is chosen.{' '}
        {warning !== null && (
          <>
            {warning}{' '}
            <button
              type="button"
              className="link"
              disabled={props.disabled}
              ref={lineButton}
              onClick={() => {
                setLabel(chosen.label);
                setChoosing(true);
              }}
            >
              Choose another label
            </button>{' '}
          </>
        )}
        <button
          type="button"
          className="link"
          disabled={props.disabled}
          ref={warning !== null ? undefined : lineButton}
          onClick={() => thenFocusLine(() => props.onChange(null))}
        >
          Link an ordinary account instead
        </button>
      </p>
    );
  }
  // Offered only beside an account: a label chosen is said (and can be taken back) whatever goes.
  const firstAccount = props.accounts[0];
  if (firstAccount === undefined) return null;
  return (
    <p className="muted second-account">
      Adding a second account of a system already linked (another{' '}
      {providerDisplayName(firstAccount)}, say)? Choose this first: otherwise StackOne takes it as
      new credentials for the one there.{' '}
      <button
        type="button"
        className="link"
        disabled={props.disabled}
        ref={lineButton}
        onClick={() => setChoosing(true)}
      >
        Link a second account…
      </button>
    </p>
  );
}
