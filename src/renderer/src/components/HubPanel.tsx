import { StackOneHub } from '@stackone/hub';
import type { HubSession } from '../../../shared/contract';
import { useColorScheme } from '../color-scheme';

export default function HubPanel(props: {
  session: HubSession;
  onSuccess: (account: { id: string; provider: string }) => void;
  onClose: () => void;
}) {
  // The Hub draws itself: it is told the appearance the rest of the window follows.
  const colorScheme = useColorScheme();
  return (
    <div className="hub" data-testid="stackone-hub">
      <StackOneHub
        mode="integration-picker"
        token={props.session.token}
        baseUrl={props.session.hubBaseUrl}
        appUrl={props.session.hubAppUrl}
        height="560px"
        theme={colorScheme}
        onSuccess={props.onSuccess}
        onClose={props.onClose}
        onCloseLabel="Back to accounts"
      />
    </div>
  );
}
