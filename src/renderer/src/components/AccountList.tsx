import type { LinkedAccountView } from '../../../shared/domain';

const statusLabels: Record<string, string> = {
  pending: 'Pending verification',
  active: 'Active',
  error: 'Error',
  expired: 'Expired',
  inactive: 'Inactive',
  suspended: 'Suspended',
  archived: 'Archived',
};

export function AccountList(props: { accounts: LinkedAccountView[] }) {
  if (props.accounts.length === 0) {
    return (
      <p className="empty">
        No linked accounts yet. Use “Connect an integration” to link one here, or “Send a link” for
        the customer to link theirs later.
      </p>
    );
  }
  return (
    <table className="accounts" aria-label="Linked accounts">
      <thead>
        <tr>
          <th>Provider</th>
          <th>Account id</th>
          <th>Status</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {props.accounts.map((account) => (
          <tr key={account.id} data-account-id={account.id}>
            <td title={account.provider}>{account.providerName ?? account.provider}</td>
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
          </tr>
        ))}
      </tbody>
    </table>
  );
}
