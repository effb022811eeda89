import { accountDisplayName, type LinkedAccountView } from '../../../shared/domain';

/**
 * Whether the account a dialog was opened to re-link (if it was) has gone from the customer's
 * accounts since: disconnected elsewhere, so there is nothing left to re-link.
 */
export const isRelinkGone = (
  relink: LinkedAccountView | undefined,
  accounts: readonly LinkedAccountView[],
): relink is LinkedAccountView =>
  relink !== undefined && !accounts.some((account) => account.id === relink.id);

/**
 * Said in a dialog opened to re-link an account that has been disconnected since it opened (in
 * StackOne, or from another app): there is nothing left to re-link, so the dialog offers its
 * ordinary counterpart, to link the system anew.
 */
export function RelinkGoneNotice(props: {
  account: LinkedAccountView;
  /** What the button does instead ("Connect an integration instead"). */
  actionText: string;
  onAction: () => void;
}) {
  return (
    <div className="dialog-notice">
      <p role="status">
        {accountDisplayName(props.account)} has been disconnected meanwhile (in StackOne, or from
        another app): there is nothing left to re-link.
      </p>
      <button type="button" onClick={props.onAction}>
        {props.actionText}
      </button>
    </div>
  );
}
