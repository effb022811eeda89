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
import { dateTimeHalves } from '../date-time-text';
import { InlineConfirmation } from './InlineConfirmation';
import { BusyButton } from './BusyButton';

/** "employees, time off and locations" */
function listOfModels(models: readonly string[]): string {
  const names = models.map((model) => model.replaceAll('_', ' '));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

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
  /** Asks StackOne about the account now; null when the check failed (and was reported). */
  onVerify: (account: LinkedAccountView) => Promise<AccountCheck | null>;
  /** Settles when StackOne has answered, either way. */
  onDisconnect: (account: LinkedAccountView) => Promise<void>;
}) {
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  const [disconnectingId, setDisconnectingId] = useState<string | null>(null);
  const [verifyingId, setVerifyingId] = useState<string | null>(null);
  const [checks, setChecks] = useState<ReadonlyMap<string, AccountCheck>>(new Map());
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
    void props.onDisconnect(account).finally(() => {
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
      .then((check) => {
        if (check !== null) setChecks((current) => new Map(current).set(account.id, check));
      })
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
            const check = checks.get(account.id);
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
                    <div key={i} className="muted">
                      {reason.description ?? reason.code}
                    </div>
                  ))}
                  <div className="muted account-check" role="status">
                    {check !== undefined ? checkOutcome(check) : ''}
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
