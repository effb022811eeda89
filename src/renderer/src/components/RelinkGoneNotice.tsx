/**
 * Said in a dialog opened to re-link an account that has been disconnected since it opened (in
 * StackOne, or from another app): there is nothing left to re-link, so the dialog offers its
 * ordinary counterpart, to link the system anew.
 */
export function RelinkGoneNotice(props: {
  accountName: string;
  /** What the button does instead ("Connect an integration instead"). */
  actionText: string;
  onAction: () => void;
}) {
  return (
    <div className="dialog-notice">
      <p role="status">
        {props.accountName} has been disconnected meanwhile (in StackOne, or from another app):
        there is nothing left to re-link.
      </p>
      <button type="button" onClick={props.onAction}>
        {props.actionText}
      </button>
    </div>
  );
}
