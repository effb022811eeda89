import { useId, useRef, useState } from 'react';
import type { RelayConnection } from '../../../shared/domain';

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
        className={`relay relay-${connection.state}`}
        data-relay-state={connection.state}
        aria-expanded={open}
        aria-controls={detailId}
        onClick={() => setOpen((wasOpen) => !wasOpen)}
      >
        <span className="dot" aria-hidden="true" />
        Events: {labels[connection.state]}
      </button>
      <div id={detailId} className="relay-detail" role="region" aria-label="Events" hidden={!open}>
        <p>{connection.detail}</p>
        {connection.state !== 'connected' && (
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
