import { useRef, useState } from 'react';
import { useKeyboardKeptWithin } from '../use-keyboard-kept-within';
import { flushSync } from 'react-dom';
import {
  needsRelink,
  accountDisplayName,
  type AccountCheck,
  type LinkedAccountView,
} from '../../../shared/domain';
import { accountStatusLabel } from '../account-status-label';
import { messageOf } from '../bridge';
import { dateTimeHalves } from '../date-time-text';
import { InlineConfirmation } from './InlineConfirmation';
import { BusyButton } from './BusyButton';

/** "employees, time off and locations" */
function listOfModels(models: readonly string[]): string {
  const names = models.map((model) => model.replaceAll('_', ' '));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/** What came of the last Verify or Disconnect asked of an account, said in its row. */
type AccountActionOutcome =
  { kind: 'checked'; check: AccountCheck } | { kind: 'failed'; at: Date; message: string };

function checkOutcome(check: AccountCheck): string {
  const at = new Date(check.checkedAt).toLocaleTimeString();
  if (check.data === null) return `Checked at ${at}: ${check.dataUnavailable ?? ''}`;
  if (check.data.models.length === 0)
    return `Checked at ${at}: StackOne reaches it, but it offers no data the product can read.`;
  return `Checked at ${at}: StackOne reads ${listOfModels(check.data.models)} through it (${check.data.category.toUpperCase()}).`;
}

export function AccountList(props: {
  accounts: LinkedAccountView[];
  onRelink: (account: LinkedAccountView) => void;
  /**
   * Asks StackOne about the account now. Null where the account is gone (said elsewhere, as its
   * row goes); rejects with what went wrong otherwise, said in the account's row.
   */
  onVerify: (account: LinkedAccountView) => Promise<AccountCheck | null>;
  /** Rejects with what went wrong, said in the account's row, where the account stays. */
  onDisconnect: (account: LinkedAccountView) => Promise<void>;
}) {
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  const [disconnectingId, setDisconnectingId] = useState<string | null>(null);
  const [verifyingId, setVerifyingId] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, AccountActionOutcome>>(new Map());
  const keepOutcome = (accountId: string, outcome: AccountActionOutcome) =>
    setOutcomes((current) => new Map(current).set(accountId, outcome));
  const keepFailure = (accountId: string, failure: unknown) =>
    keepOutcome(accountId, { kind: 'failed', at: new Date(), message: messageOf(failure) });
  /** Where focus goes back to when a disconnection is not confirmed. */
  const disconnectButtons = useRef(new Map<string, HTMLButtonElement>());
  /** The table, or what says there is none: focus goes there once a disconnected row is gone. */
  const listElement = useRef<HTMLElement | null>(null);
  const keepAsList = (element: HTMLElement | null) => {
    listElement.current = element;
  };
  // A row that goes with news from StackOne (disconnected elsewhere) takes no keyboard with it.
  useKeyboardKeptWithin(listElement, listElement);

  if (props.accounts.length === 0) {
    return (
      <p className="empty" tabIndex={-1} ref={keepAsList}>
        No linked accounts yet. Use “Connect an integration” to link one here, or “Send a link” for
        the customer to link theirs later.
      </p>
    );
  }

  const disconnect = (account: LinkedAccountView) => {
    setDisconnectingId(account.id);
    void props
      .onDisconnect(account)
      .catch((failure: unknown) => keepFailure(account.id, failure))
      .finally(() => {
        flushSync(() => {
          setDisconnectingId(null);
          setConfirmingId(null);
        });
        // Its own button where StackOne could not disconnect it, else the list it has left.
        (disconnectButtons.current.get(account.id) ?? listElement.current)?.focus();
      });
  };

  const verify = (account: LinkedAccountView) => {
    setVerifyingId(account.id);
    void props
      .onVerify(account)
      .then(
        (check) => {
          if (check !== null) keepOutcome(account.id, { kind: 'checked', check });
        },
        (failure: unknown) => keepFailure(account.id, failure),
      )
      .finally(() => setVerifyingId(null));
  };

  return (
    // The frame is what the table measures itself against to lay its rows out as cards.
    <div className="accounts-frame">
      <table className="accounts" aria-label="Linked accounts" tabIndex={-1} ref={keepAsList}>
        <thead>
          <tr>
            <th>Account</th>
            <th>Status</th>
            <th>Updated</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.accounts.map((account) => {
            const name = accountDisplayName(account);
            const outcome = outcomes.get(account.id);
            const updated = dateTimeHalves(account.updatedAt);
            return (
              <tr key={account.id} data-account-id={account.id}>
                <td className="account">
                  <div className="account-name" title={account.provider}>
                    {name}
                  </div>
                  <div className="muted mono account-id">{account.id}</div>
                  {account.linkedBy !== undefined && (
                    <div className="muted linked-by">Linked by {account.linkedBy}</div>
                  )}
                </td>
                <td>
                  <span className={`status status-${account.status}`} data-status={account.status}>
                    {accountStatusLabel(account.status)}
                  </span>
                  {account.statusReasons.map((reason, i) => (
                    <div key={i} className="muted status-reason">
                      {reason.description ?? reason.code}
                    </div>
                  ))}
                  <div
                    className={`account-check ${outcome?.kind === 'failed' ? 'error' : 'muted'}`}
                    role="status"
                  >
                    {outcome === undefined
                      ? ''
                      : outcome.kind === 'checked'
                        ? checkOutcome(outcome.check)
                        : `Tried at ${outcome.at.toLocaleTimeString()}: ${outcome.message}`}
                  </div>
                </td>
                <td className="updated">
                  <span className="card-label">Updated </span>
                  <time dateTime={account.updatedAt}>
                    <span>{updated.date}</span>
                    {updated.separator}
                    <span>{updated.time}</span>
                  </time>
                </td>
                <td className="row-actions">
                  {confirmingId === account.id ? (
                    <InlineConfirmation
                      question={`Disconnect ${name}?`}
                      confirmText="Disconnect"
                      busyText="Disconnecting…"
                      cancelText="Keep it"
                      busy={disconnectingId === account.id}
                      onConfirm={() => disconnect(account)}
                      onCancel={() => {
                        flushSync(() => setConfirmingId(null));
                        disconnectButtons.current.get(account.id)?.focus();
                      }}
                    >
                      Disconnect {name}? The customer has to link it again to undo this.
                    </InlineConfirmation>
                  ) : (
                    <>
                      <BusyButton
                        type="button"
                        title="Ask StackOne for this account’s status now, and what data it offers"
                        aria-label={`Verify ${name}`}
                        busy={verifyingId === account.id}
                        onClick={() => verify(account)}
                      >
                        {verifyingId === account.id ? 'Verifying…' : 'Verify'}
                      </BusyButton>
                      <button
                        type="button"
                        className={needsRelink(account) ? 'primary' : undefined}
                        title="Enter this account’s credentials again in the StackOne Hub"
                        aria-label={`Re-link ${name}`}
                        onClick={() => props.onRelink(account)}
                      >
                        Re-link
                      </button>
                      <button
                        type="button"
                        aria-label={`Disconnect ${name}`}
                        ref={(button) => {
                          if (button) disconnectButtons.current.set(account.id, button);
                          else disconnectButtons.current.delete(account.id);
                        }}
                        onClick={() => setConfirmingId(account.id)}
                      >
                        Disconnect
                      </button>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
