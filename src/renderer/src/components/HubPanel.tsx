import { StackOneHub } from '@stackone/hub';
import type { HubSession } from '../../../shared/contract';

export default function HubPanel(props: {
  session: HubSession;
  onSuccess: (account: { id: string; provider: string }) => void;
  onClose: () => void;
}) {
  return (
    <div className="hub" data-testid="stackone-hub">
      <StackOneHub
        mode="integration-picker"
        token={props.session.token}
        baseUrl={props.session.hubBaseUrl}
        appUrl={props.session.hubAppUrl}
        height="560px"
        onSuccess={props.onSuccess}
        onClose={props.onClose}
        onCloseLabel="Back to accounts"
      />
    </div>
  );
}
