import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import {
  liveEndpointsSchema,
  stackOneApiUrlDefault,
  stackOneAppUrlDefault,
  type SettingsView,
} from '../../../shared/live-settings';
import { BridgeCallError, messageOf, onboarding, unwrap } from '../bridge';
import { useAskBeforeClosing } from '../use-ask-before-closing';
import { DiagnosticsSection } from './DiagnosticsSection';
import { InlineConfirmation } from './InlineConfirmation';
import { LinkedBySection } from './LinkedBySection';
import { ModalDialog } from './ModalDialog';
import { ProxySignInSection } from './ProxySignInSection';
import { SlowAnswerNotice } from './SlowAnswerNotice';
import { BusyButton } from './BusyButton';

/**
 * What a section of the settings has typed and not saved, named for the question asked as the
 * dialog closes ("your name under Who links (Save name saves it)"); null for nothing.
 */
export type UnsavedCheck = () => string | null;
/** A section tells the dialog how to ask it; the function it is given undoes that. */
export type RegisterUnsaved = (section: string, check: UnsavedCheck) => () => void;

const liveEndpointsDefault = {
  apiUrl: stackOneApiUrlDefault,
  appUrl: stackOneAppUrlDefault,
  relayUrl: '',
};

/**
 * Demo or live, and the live profile's endpoints and secrets. The secrets go to the main process
 * and never come back: a saved one shows as "saved" and is kept when its field is left empty. A
 * switch reloads the page, so every view starts again from the new mode's data. Closed with
 * something typed and not saved (an API key pasted, say), it asks first.
 */
export function SettingsDialog(props: { onClose: () => void }) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [apiUrl, setApiUrl] = useState(stackOneApiUrlDefault);
  const [appUrl, setAppUrl] = useState(stackOneAppUrlDefault);
  const [relayUrl, setRelayUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [relayToken, setRelayToken] = useState('');
  const unsavedChecks = useRef(new Map<string, UnsavedCheck>());
  const registerUnsaved = useCallback<RegisterUnsaved>((section, check) => {
    unsavedChecks.current.set(section, check);
    return () => unsavedChecks.current.delete(section);
  }, []);
  /** Closing was asked for with these unsaved: the dialog asks whether to close all the same. */
  const closing = useAskBeforeClosing<string[]>(props.onClose);
  const [error, setError] = useState<string | null>(null);
  /** The last check could not reach the relay: live mode can be used without it for now. */
  const [relayUnreached, setRelayUnreached] = useState(false);
  const [busy, setBusy] = useState<'checking' | 'switching' | 'resetting' | null>(null);
  const [confirmingReset, setConfirmingReset] = useState(false);
  const resetTrigger = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    unwrap(onboarding().getSettings({}))
      .then((view) => {
        setSettings(view);
        if (view.live) {
          setApiUrl(view.live.apiUrl);
          setAppUrl(view.live.appUrl);
          setRelayUrl(view.live.relayUrl);
        }
      })
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, []);

  const saved = settings?.live !== null && settings?.live !== undefined;
  const storageUnavailable = settings?.secretStorage === 'unavailable';

  async function submitLive(event: FormEvent | null, withoutRelayCheck = false) {
    event?.preventDefault();
    setError(null);
    setRelayUnreached(false);
    const endpoints = liveEndpointsSchema.safeParse({ apiUrl, appUrl, relayUrl });
    if (!endpoints.success) {
      setError(endpoints.error.issues[0]?.message ?? 'Check the addresses.');
      return;
    }
    setBusy('checking');
    try {
      await unwrap(
        onboarding().switchToLiveMode({
          ...endpoints.data,
          ...(apiKey.trim() !== '' && { apiKey }),
          ...(relayToken.trim() !== '' && { relayToken }),
          ...(withoutRelayCheck && { withoutRelayCheck }),
        }),
      );
      window.location.reload();
    } catch (failure) {
      setError(messageOf(failure));
      setRelayUnreached(failure instanceof BridgeCallError && failure.code === 'relay_unreachable');
      setBusy(null);
      // A proxy on the way may have asked for a sign-in: the section below offers it.
      unwrap(onboarding().getSettings({})).then(setSettings, () => undefined);
    }
  }

  /** Switching mode and starting the demo afresh: the window reloads on the new state. */
  async function changeModeThenReload(
    kind: 'switching' | 'resetting',
    change: () => Promise<unknown>,
  ) {
    setError(null);
    setBusy(kind);
    try {
      await change();
      window.location.reload();
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(null);
    }
  }
  const switchToDemo = () =>
    changeModeThenReload('switching', () => unwrap(onboarding().switchToDemoMode({})));
  const resetDemo = () =>
    changeModeThenReload('resetting', () => unwrap(onboarding().resetDemo({})));

  /** The endpoints as saved (or the defaults), to tell whether those shown were changed. */
  const endpointsSaved = settings?.live ?? liveEndpointsDefault;
  const liveUnsaved =
    apiKey.trim() !== '' ||
    relayToken.trim() !== '' ||
    apiUrl.trim() !== endpointsSaved.apiUrl ||
    appUrl.trim() !== endpointsSaved.appUrl ||
    relayUrl.trim() !== endpointsSaved.relayUrl;
  /** Done or Escape: closes, unless something typed would be lost unasked (asked once). */
  const close = () => {
    const unsaved = [
      ...(liveUnsaved ? ['the live settings (Check and use live mode saves them)'] : []),
      ...[...unsavedChecks.current.values()].flatMap((check) => check() ?? []),
    ];
    closing.close(unsaved.length === 0 ? null : unsaved);
  };

  return (
    <ModalDialog title="Settings" onClose={close} closeOnEscape>
      {closing.asking !== null && (
        <InlineConfirmation
          question="Close without saving?"
          confirmText="Close without saving"
          cancelText="Keep editing"
          onConfirm={props.onClose}
          onCancel={closing.keepEditing}
        >
          Typed and not saved: {closing.asking.join('; ')}.
        </InlineConfirmation>
      )}
      {settings?.mode === 'live' ? (
        <div className="settings-mode">
          <p>
            <strong>Live mode</strong>: accounts are linked in the StackOne project below.
          </p>
          <BusyButton type="button" busy={busy !== null} onClick={() => void switchToDemo()}>
            {busy === 'switching' ? 'Switching…' : 'Use demo mode'}
          </BusyButton>
        </div>
      ) : (
        <div className="settings-demo">
          <p>
            <strong>Demo mode</strong>: a built-in StackOne simulator and relay; no real systems are
            touched. Enter your StackOne project and relay below to link real accounts.
          </p>
          {confirmingReset ? (
            <InlineConfirmation
              question="Start the demo afresh?"
              confirmText="Start afresh"
              busyText="Starting afresh…"
              cancelText="Keep the demo"
              busy={busy !== null}
              onConfirm={() => void resetDemo()}
              onCancel={() => {
                flushSync(() => setConfirmingReset(false));
                resetTrigger.current?.focus();
              }}
            >
              Every customer, account and link of the demo goes, here and in its StackOne. Live
              mode’s settings and accounts stay.
            </InlineConfirmation>
          ) : (
            <button type="button" ref={resetTrigger} onClick={() => setConfirmingReset(true)}>
              Start the demo afresh…
            </button>
          )}
        </div>
      )}
      <form className="settings-form" aria-label="Live settings" onSubmit={submitLive}>
        <h3>Live</h3>
        <label>
          StackOne API URL
          <input
            value={apiUrl}
            onChange={(e) => setApiUrl(e.target.value)}
            spellCheck={false}
            aria-describedby="api-url-hint"
          />
        </label>
        <p id="api-url-hint" className="muted hint">
          EU projects: https://api.eu1.stackone.com
        </p>
        <label>
          StackOne app URL
          <input value={appUrl} onChange={(e) => setAppUrl(e.target.value)} spellCheck={false} />
        </label>
        <SecretField
          label="StackOne API key"
          value={apiKey}
          onChange={setApiKey}
          saved={saved}
          placeholder="v1.eu1.…"
        />
        <label>
          Relay URL
          <input
            value={relayUrl}
            onChange={(e) => setRelayUrl(e.target.value)}
            placeholder="wss://relay.example.com/v1/stream"
            spellCheck={false}
            aria-describedby="relay-url-hint"
          />
        </label>
        <p id="relay-url-hint" className="muted hint">
          Your company’s relay, which receives StackOne’s webhooks.
        </p>
        <SecretField
          label="Relay token"
          value={relayToken}
          onChange={setRelayToken}
          saved={saved}
          placeholder="The client token the relay gave you"
        />
        {settings?.secretStorage === 'obfuscated' && (
          <p className="warning">
            This computer has no keyring, so the API key and relay token will be saved only
            obfuscated: anyone who can read your files can read them. Install and unlock a keyring
            (GNOME Keyring or KWallet) to keep them encrypted.
          </p>
        )}
        {storageUnavailable && (
          <p className="warning">
            This computer offers no way to store the API key encrypted, so live mode cannot be set
            up. Install and unlock a keyring, then restart the app.
          </p>
        )}
        <SlowAnswerNotice waiting={busy === 'checking'} />
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {relayUnreached && (
          <p className="muted">
            Where this network lets nothing through to the relay (some companies’ do not), live mode
            can be used without it for now: the API key is still checked, and until the relay can be
            reached the account list is read from StackOne every minute.
          </p>
        )}
        <div className="actions">
          <BusyButton
            type="submit"
            className="primary"
            busy={busy !== null}
            disabled={settings === null || storageUnavailable}
          >
            {busy === 'checking' ? 'Checking…' : 'Check and use live mode'}
          </BusyButton>
          {relayUnreached && (
            <BusyButton
              type="button"
              busy={busy !== null}
              onClick={() => void submitLive(null, true)}
            >
              Use live mode without the relay for now
            </BusyButton>
          )}
        </div>
      </form>
      {settings !== null && (
        <LinkedBySection
          settings={settings}
          onChanged={setSettings}
          registerUnsaved={registerUnsaved}
        />
      )}
      {settings !== null && (
        <ProxySignInSection
          settings={settings}
          onChanged={setSettings}
          registerUnsaved={registerUnsaved}
        />
      )}
      <DiagnosticsSection />
    </ModalDialog>
  );
}

/** A secret's field: never filled from what is saved, only told that something is. */
function SecretField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  saved: boolean;
  placeholder: string;
}) {
  return (
    <label>
      {props.label}
      <input
        type="password"
        autoComplete="off"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.saved ? 'Saved (leave empty to keep it)' : props.placeholder}
      />
    </label>
  );
}
