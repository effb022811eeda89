import { useId, useRef, useState } from 'react';
import type { RelayConnection } from '../../../shared/domain';
import { dateTimeText } from '../date-time-text';

const labels = { connecting: 'Connecting', connected: 'Connected', offline: 'Offline' } as const;

/**
 * The relay connection's state, which opens to say why (the relay refused the token, the network's
 * proxy does not answer...) and, while not connected, to try again at once.
 */
export function RelayIndicator({
  connection,
  onTryNow,
  onOpenSettings,
}: {
  connection: RelayConnection;
  onTryNow: () => void;
  onOpenSettings: () => void;
}) {
  const [open, setOpen] = useState(false);
  const detailId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const missingSince = connection.stackOneEventsMissingSince;
  // Connected, but what it should bring does not come: told as the state, not as connected.
  const shownState =
    connection.state === 'connected' && missingSince !== undefined ? 'missing' : connection.state;
  const eventsComing = connection.state === 'connected' && missingSince === undefined;
  return (
    <div
      className="relay-indicator"
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !open) return;
        setOpen(false);
        toggle.current?.focus();
      }}
    >
      <button
        ref={toggle}
        type="button"
        className={`relay relay-${shownState}`}
        data-relay-state={connection.state}
        {...(missingSince !== undefined && { 'data-stackone-events': 'missing' })}
        aria-expanded={open}
        aria-controls={detailId}
        onClick={() => setOpen((wasOpen) => !wasOpen)}
      >
        <span className="dot" aria-hidden="true" />
        Events: {shownState === 'missing' ? 'Not arriving' : labels[connection.state]}
      </button>
      <div id={detailId} className="relay-detail" role="region" aria-label="Events" hidden={!open}>
        <p>{connection.detail}</p>
        {missingSince !== undefined && (
          <p>
            StackOne’s events are not reaching the relay: an account linked here, or through a link
            sent from here, was in StackOne at {dateTimeText(missingSince)} with no event for it.
            StackOne’s webhook may not be set up for the relay, or signs with a secret the relay was
            not given. In StackOne’s dashboard, check that the webhook’s URL is the relay’s address
            ending in /webhooks/stackone, and its secret one of the relay’s. This goes once an event
            comes.
          </p>
        )}
        {!eventsComing && (
          <p className="muted">
            Meanwhile the app reads the customers’ accounts from StackOne every minute; Refresh
            reads them now.
          </p>
        )}
        {(connection.causeInSettings === true || connection.state !== 'connected') && (
          <div className="actions">
            {connection.causeInSettings === true && (
              <button
                type="button"
                onClick={() => {
                  setOpen(false);
                  // The settings give the keyboard back to what had it: the indicator, still shown.
                  toggle.current?.focus();
                  onOpenSettings();
                }}
              >
                Open Settings
              </button>
            )}
            {connection.state !== 'connected' && (
              <button type="button" onClick={onTryNow}>
                Try now
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
