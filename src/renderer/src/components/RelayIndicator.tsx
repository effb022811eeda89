import type { RelayConnection } from '../../../shared/domain';

const labels = { connecting: 'Connecting', connected: 'Connected', offline: 'Offline' } as const;

export function RelayIndicator({ connection }: { connection: RelayConnection }) {
  return (
    <span
      className={`relay relay-${connection.state}`}
      title={connection.detail}
      data-relay-state={connection.state}
    >
      <span className="dot" aria-hidden="true" />
      Events: {labels[connection.state]}
    </span>
  );
}
