import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { ErrorBoundary } from 'react-error-boundary';
import type { HubSession } from '../../../shared/contract';
import { accountDisplayName, type Customer, type LinkedAccountView } from '../../../shared/domain';
import { messageOf, onboarding, unwrap } from '../bridge';
import { watchHubTyping } from '../hub-typing-watch';
import { importAfterFailure } from '../module-load-retry';
import { useAskBeforeClosing } from '../use-ask-before-closing';
import { reportWindowError } from '../window-error-reporting';
import type HubPanelComponent from './HubPanel';
import { InlineConfirmation } from './InlineConfirmation';
import { ModalDialog } from './ModalDialog';
import { isRelinkGone, RelinkGoneNotice } from './RelinkGoneNotice';
import {
  SecondAccountChoice,
  useSecondAccountChoosing,
  type SecondAccount,
} from './SecondAccountChoice';
import { SlowAnswerNotice } from './SlowAnswerNotice';

// The Hub is the heaviest part of the UI: it loads only when the dialog opens.
interface HubPanelModule {
  default: typeof HubPanelComponent;
}
const loadHubPanel = (): Promise<HubPanelModule> => import('./HubPanel');
let HubPanel = lazy(loadHubPanel);
let hubPanelLoadRetries = 0;

/** The Hub's code loaded anew after `failure`: a lazy component keeps a failed load's error. */
function reloadHubPanel(failure: unknown): void {
  HubPanel = lazy(
    importAfterFailure(failure, ++hubPanelLoadRetries, window.location.href, loadHubPanel),
  );
}

export function ConnectDialog(props: {
  customer: Customer;
  /** Re-link: the Hub opens this account to enter its credentials again. */
  relink?: LinkedAccountView;
  /** The customer's accounts, as they stand. */
  accounts: readonly LinkedAccountView[];
  /** Offered when re-linking: hand the customer a link to do it themselves instead. */
  onSendLinkInstead: () => void;
  /** Offered when the account to re-link has been disconnected meanwhile: link one anew. */
  onConnectInstead: () => void;
  onLinked: (account: LinkedAccountView) => void;
  onClose: () => void;
}) {
  const { customer, onLinked, onClose } = props;
  const relinkId = props.relink?.id;
  const [session, setSession] = useState<HubSession | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  /** The session's time ran out before an account was linked: the Hub cannot link with it. */
  const [expired, setExpired] = useState(false);
  const linked = useRef(false);
  const dialogRef = useRef<HTMLElement>(null);
  const [secondAccount, setSecondAccount] = useState<SecondAccount | null>(null);
  const secondLabel = secondAccount?.label;
  const [accountsBefore] = useState(() => new Set(props.accounts.map((account) => account.id)));
  /** The Hub's success was an account the customer already had: said, with what to do instead. */
  const [linkedAgain, setLinkedAgain] = useState<string | null>(null);
  /**
   * The second account this session linked: not one that "has this label already" (it is the one
   * asked for; the line says instead that another linked here would get the label too), until
   * another session is started for another account with the label.
   */
  const [linkedSecondId, setLinkedSecondId] = useState<string | null>(null);
  const accountsBesideSecond = props.accounts.filter((account) => account.id !== linkedSecondId);
  /** While a second account's label is entered the Hub is hidden: it would link an ordinary one. */
  const [choosingSecond, setChoosingSecond] = useSecondAccountChoosing(accountsBesideSecond);
  /** What is typed in the Hub's form, asked about before Done closes (null: no Hub shown). */
  const hubTyping = useRef<ReturnType<typeof watchHubTyping> | null>(null);
  // One function for the dialog's life: a new one each render would start a new watch each time.
  const watchHubArea = useCallback((area: HTMLDivElement | null) => {
    if (area === null) return;
    const watch = watchHubTyping(area);
    hubTyping.current = watch;
    return () => {
      watch.stop();
      if (hubTyping.current === watch) hubTyping.current = null;
    };
  }, []);
  /** Done: closes, unless the Hub's form has something typed in it (asked once). */
  const closing = useAskBeforeClosing<'typed in the Hub'>(onClose);

  useEffect(() => {
    let cancelled = false;
    unwrap(
      onboarding().createConnectSession({
        customerId: customer.id,
        ...(relinkId !== undefined && { accountId: relinkId }),
        ...(secondLabel !== undefined && { secondAccount: { label: secondLabel } }),
      }),
    )
      .then((created) => !cancelled && setSession(created))
      .catch((failure: unknown) => !cancelled && setError(messageOf(failure)));
    return () => {
      cancelled = true;
    };
  }, [customer.id, relinkId, secondLabel, attempt]);

  useEffect(() => {
    if (session === null) return;
    const timer = setTimeout(() => {
      if (!linked.current) setExpired(true);
    }, session.expiresInSeconds * 1000);
    return () => clearTimeout(timer);
  }, [session]);

  const startAnotherSession = () => {
    setError(null);
    setExpired(false);
    setLinkedAgain(null);
    setLinkedSecondId(null);
    linked.current = false;
    setSession(null);
  };

  const tryAgain = () => {
    startAnotherSession();
    setAttempt((n) => n + 1);
    // The button goes with the error; focus stays in the dialog rather than falling to the page.
    dialogRef.current?.focus();
  };

  const chooseSecondAccount = (choice: SecondAccount | null) => {
    startAnotherSession();
    setSecondAccount(choice);
    // A new session even where the choice is as before (a label given again after a success).
    setAttempt((n) => n + 1);
  };

  const handleSuccess = (account: { id: string; provider: string }) => {
    linked.current = true;
    unwrap(
      onboarding().recordHubSuccess({
        customerId: customer.id,
        accountId: account.id,
        provider: account.provider,
        ...(secondLabel !== undefined && { label: secondLabel }),
      }),
    )
      .then((view) => {
        if (relinkId === undefined && secondLabel === undefined && accountsBefore.has(view.id)) {
          setLinkedAgain(
            `StackOne already had this customer’s ${accountDisplayName(view)} account, so it took what was entered as that account’s credentials rather than adding another. To add a second one, use “Link a second account…” above.`,
          );
        }
        if (secondLabel !== undefined) setLinkedSecondId(view.id);
        onLinked(view);
      })
      .catch((failure: unknown) => setError(messageOf(failure)));
  };

  return (
    <ModalDialog
      title={
        props.relink !== undefined
          ? `Re-link ${accountDisplayName(props.relink)} for ${customer.name}`
          : secondAccount !== null
            ? `Connect a second account for ${customer.name}`
            : `Connect an integration for ${customer.name}`
      }
      onClose={() => closing.close(hubTyping.current?.typed() === true ? 'typed in the Hub' : null)}
      dialogRef={dialogRef}
    >
      {closing.asking !== null && (
        <InlineConfirmation
          question="Close without connecting?"
          confirmText="Close without connecting"
          cancelText="Keep connecting"
          onConfirm={onClose}
          onCancel={closing.keepEditing}
        >
          What is typed in the Hub’s form goes, and would have to be entered again.
        </InlineConfirmation>
      )}
      {isRelinkGone(props.relink, props.accounts) ? (
        <RelinkGoneNotice
          account={props.relink}
          actionText="Connect an integration instead"
          onAction={props.onConnectInstead}
        />
      ) : (
        <>
          {props.relink === undefined && (
            <SecondAccountChoice
              accounts={accountsBesideSecond}
              linkedWithLabel={
                props.accounts.find((account) => account.id === linkedSecondId) ?? null
              }
              value={secondAccount}
              onChange={chooseSecondAccount}
              choosing={choosingSecond}
              onChoosingChange={setChoosingSecond}
            />
          )}
          {linkedAgain !== null && (
            <p className="dialog-notice" role="status">
              {linkedAgain}
            </p>
          )}
          {props.relink !== undefined && (
            <p className="muted">
              Not with the customer?{' '}
              <button type="button" className="link" onClick={props.onSendLinkInstead}>
                Send them a link to re-link it
              </button>
            </p>
          )}
          {error !== null && (
            <div className="dialog-error">
              <p className="error" role="alert">
                {error}
              </p>
              {session === null && (
                <button type="button" onClick={tryAgain}>
                  Try again
                </button>
              )}
            </div>
          )}
          {session === null && error === null && (
            <p className="muted">Opening a secure connect session…</p>
          )}
          <SlowAnswerNotice waiting={session === null && error === null} />
          {session !== null && expired && (
            <div className="dialog-error">
              <p className="error" role="alert">
                This connect session has expired, so the Hub can no longer link an account with it.
                Start a new one; what was entered in the Hub has to be entered again.
              </p>
              <button type="button" onClick={tryAgain}>
                Start a new session
              </button>
            </div>
          )}
          {session !== null && !expired && !choosingSecond && (
            // The Hub is another company's code: if it fails, the dialog says so, not a blank window.
            <ErrorBoundary
              resetKeys={[session]}
              onError={(failure, info) => {
                reportWindowError('hub', failure, info.componentStack);
                reloadHubPanel(failure);
              }}
              fallbackRender={() => (
                <div className="dialog-error">
                  <p className="error" role="alert">
                    The StackOne Hub could not be shown. Try again; if it keeps failing, close this
                    and use Send a link, and copy the diagnostics in Settings for support.
                  </p>
                  <button type="button" onClick={tryAgain}>
                    Try again
                  </button>
                </div>
              )}
            >
              <div ref={watchHubArea}>
                <Suspense fallback={<p className="muted">Loading the StackOne Hub…</p>}>
                  <HubPanel session={session} onSuccess={handleSuccess} onClose={onClose} />
                </Suspense>
              </div>
            </ErrorBoundary>
          )}
        </>
      )}
    </ModalDialog>
  );
}
