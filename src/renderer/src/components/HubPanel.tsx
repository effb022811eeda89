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
        // Its own height, less in a short window: the dialog's header and lines above it take
        // about 130px of the dialog's 95vh, and its Connect button must stay in view unscrolled.
        height="min(560px, calc(95vh - 130px))"
        theme={colorScheme}
        onSuccess={props.onSuccess}
        onClose={props.onClose}
        onCloseLabel="Back to accounts"
      />
    </div>
  );
}
