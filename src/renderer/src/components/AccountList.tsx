import { useState } from 'react';
import { needsRelink, providerDisplayName, type LinkedAccountView } from '../../../shared/domain';

const statusLabels: Record<string, string> = {
  pending: 'Pending verification',
  active: 'Active',
  error: 'Error',
  expired: 'Expired',
  inactive: 'Inactive',
  suspended: 'Suspended',
  archived: 'Archived',
};

export function AccountList(props: {
  accounts: LinkedAccountView[];
  onRelink: (account: LinkedAccountView) => void;
  /** Settles when StackOne has answered, either way. */
  onDisconnect: (account: LinkedAccountView) => Promise<void>;
}) {
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  const [disconnectingId, setDisconnectingId] = useState<string | null>(null);

  if (props.accounts.length === 0) {
    return (
      <p className="empty">
        No linked accounts yet. Use “Connect an integration” to link one here, or “Send a link” for
        the customer to link theirs later.
      </p>
    );
  }

  const disconnect = (account: LinkedAccountView) => {
    setDisconnectingId(account.id);
    void props.onDisconnect(account).finally(() => {
      setDisconnectingId(null);
      setConfirmingId(null);
    });
  };

  return (
    <table className="accounts" aria-label="Linked accounts">
      <thead>
        <tr>
          <th>Provider</th>
          <th>Account id</th>
          <th>Status</th>
          <th>Updated</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.accounts.map((account) => {
          const name = providerDisplayName(account);
          return (
            <tr key={account.id} data-account-id={account.id}>
              <td title={account.provider}>{name}</td>
              <td className="mono">{account.id}</td>
              <td>
                <span className={`status status-${account.status}`} data-status={account.status}>
                  {statusLabels[account.status] ?? account.status}
                </span>
                {account.statusReasons.map((reason, i) => (
                  <div key={i} className="muted">
                    {reason.description ?? reason.code}
                  </div>
                ))}
              </td>
              <td>{new Date(account.updatedAt).toLocaleString()}</td>
              <td className="row-actions">
                {confirmingId === account.id ? (
                  <div role="group" aria-label={`Disconnect ${name}?`}>
                    <p className="muted">
                      Disconnect {name}? The customer has to link it again to undo this.
                    </p>
                    <button
                      type="button"
                      className="danger"
                      disabled={disconnectingId === account.id}
                      onClick={() => disconnect(account)}
                    >
                      {disconnectingId === account.id ? 'Disconnecting…' : 'Disconnect'}
                    </button>
                    <button
                      type="button"
                      disabled={disconnectingId === account.id}
                      onClick={() => setConfirmingId(null)}
                    >
                      Keep it
                    </button>
                  </div>
                ) : (
                  <>
                    <button
                      type="button"
                      className={needsRelink(account) ? 'primary' : undefined}
                      title="Enter this account's credentials again in the StackOne Hub"
                      aria-label={`Re-link ${name}`}
                      onClick={() => props.onRelink(account)}
                    >
                      Re-link
                    </button>
                    <button
                      type="button"
                      aria-label={`Disconnect ${name}`}
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
  );
}
