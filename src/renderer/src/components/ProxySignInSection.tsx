import { useEffect, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { proxySignInInputSchema, type SettingsView } from '../../../shared/live-settings';
import { onboarding, unwrap } from '../bridge';
import { useBusyAction } from '../use-busy-action';
import { ActionOutcome } from './ActionOutcome';
import { BusyButton } from './BusyButton';
import type { RegisterUnsaved } from './SettingsDialog';

/**
 * The user name and password for a network proxy that asks for them. Hidden behind a button
 * until a proxy has asked or one is saved: most networks need none. The password goes to main
 * and never comes back.
 */
export function ProxySignInSection(props: {
  settings: SettingsView;
  onChanged: (settings: SettingsView) => void;
  registerUnsaved: RegisterUnsaved;
}) {
  const { proxySignIn: saved, proxyAskingForSignIn: asking } = props.settings;
  const [editing, setEditing] = useState(asking !== null && saved === null);
  const [proxy, setProxy] = useState(asking ?? saved?.proxy ?? '');
  const [username, setUsername] = useState(saved?.username ?? '');
  const [password, setPassword] = useState('');
  const [outcome, setOutcome] = useState('');
  const { busy, error, setError, run } = useBusyAction();
  // A proxy that asks while the settings are open (the live check went through it) is offered.
  const [askingShown, setAskingShown] = useState(asking);
  if (asking !== askingShown) {
    setAskingShown(asking);
    if (asking !== null) {
      setProxy(asking);
      setEditing(true);
    }
  }

  // A password typed is what a sign-in cannot be saved without, and what would be lost.
  const typedUnsaved = editing && (password !== '' || username.trim() !== (saved?.username ?? ''));
  const { registerUnsaved } = props;
  useEffect(
    () =>
      registerUnsaved('proxy-sign-in', () =>
        typedUnsaved ? 'the proxy sign-in (Save sign-in saves it)' : null,
      ),
    [registerUnsaved, typedUnsaved],
  );

  /** "Enter a proxy sign-in…" or "Change it…": where the keyboard goes once the form closes. */
  const opener = useRef<HTMLButtonElement>(null);
  const closeForm = (change: () => void = () => undefined) => {
    flushSync(() => {
      change();
      setEditing(false);
    });
    opener.current?.focus();
  };

  const changed = (view: SettingsView, message: string) =>
    closeForm(() => {
      props.onChanged(view);
      setOutcome(message);
      setPassword('');
    });

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setOutcome('');
    const input = proxySignInInputSchema.safeParse({ proxy, username, password });
    if (!input.success) {
      setError(input.error.issues[0]?.message ?? 'Check the sign-in.');
      return;
    }
    const view = await run(() => unwrap(onboarding().saveProxySignIn(input.data)));
    if (view !== undefined) changed(view, `The sign-in for ${input.data.proxy} is saved.`);
  }

  async function forget() {
    const view = await run(() => unwrap(onboarding().forgetProxySignIn({})));
    if (view !== undefined) changed(view, 'The proxy sign-in is forgotten.');
  }

  return (
    <section className="proxy-sign-in" aria-labelledby="proxy-sign-in-heading">
      <h3 id="proxy-sign-in-heading">Proxy sign-in</h3>
      <p className="muted">
        Only for a network whose proxy asks for a user name and password (the app says so when it
        does). They are given to that proxy alone.
      </p>
      {asking !== null && (
        <p className="warning">The network’s proxy {asking} asks for a sign-in.</p>
      )}
      {saved !== null && (
        <p>
          The app signs in to <span className="mono">{saved.proxy}</span> as{' '}
          <strong>{saved.username}</strong>.{' '}
          <button type="button" className="link" disabled={busy} onClick={() => void forget()}>
            Forget it
          </button>
        </p>
      )}
      {!editing && (
        <button type="button" ref={opener} onClick={() => setEditing(true)}>
          {saved === null ? 'Enter a proxy sign-in…' : 'Change it…'}
        </button>
      )}
      {editing && (
        <form className="settings-form" aria-label="Proxy sign-in" onSubmit={save}>
          <label>
            Proxy
            <input
              value={proxy}
              onChange={(e) => setProxy(e.target.value)}
              placeholder="proxy.example.com:8080"
              spellCheck={false}
            />
          </label>
          <label>
            User name
            <input
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          <label>
            Password
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="off"
            />
          </label>
          {error !== null && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="actions">
            <BusyButton type="submit" className="primary" busy={busy}>
              Save sign-in
            </BusyButton>
            <button type="button" disabled={busy} onClick={() => closeForm()}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {/* While the form is open, its own error is shown inside it. */}
      <ActionOutcome error={editing ? null : error} outcome={outcome} />
    </section>
  );
}
