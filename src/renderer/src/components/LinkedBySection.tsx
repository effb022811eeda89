import { useEffect, useId, useState, type FormEvent } from 'react';
import { linkedBySchema, type SettingsView } from '../../../shared/live-settings';
import { onboarding, unwrap } from '../bridge';
import { useBusyAction } from '../use-busy-action';
import { ActionOutcome } from './ActionOutcome';
import { BusyButton } from './BusyButton';
import type { RegisterUnsaved } from './SettingsDialog';

/**
 * The implementer's name or email, which StackOne records on every account linked from this app
 * (`origin_username`), so a team can see in StackOne's dashboard who linked what.
 */
export function LinkedBySection(props: {
  settings: SettingsView;
  onChanged: (settings: SettingsView) => void;
  registerUnsaved: RegisterUnsaved;
}) {
  const [name, setName] = useState(props.settings.linkedBy ?? '');
  const savedName = props.settings.linkedBy ?? '';
  const { registerUnsaved } = props;
  useEffect(
    () =>
      registerUnsaved('linked-by', () =>
        name.trim() === savedName ? null : 'your name under Who links (Save name saves it)',
      ),
    [registerUnsaved, name, savedName],
  );
  const [outcome, setOutcome] = useState('');
  const { busy, error, setError, run } = useBusyAction();
  const hintId = useId();

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setOutcome('');
    const input = linkedBySchema.safeParse(name);
    if (!input.success) {
      setError(input.error.issues[0]?.message ?? 'Check the name.');
      return;
    }
    const view = await run(() => unwrap(onboarding().saveLinkedBy({ linkedBy: input.data })));
    if (view === undefined) return;
    props.onChanged(view);
    setName(view.linkedBy ?? '');
    setOutcome(
      view.linkedBy === null
        ? 'Saved: accounts linked from now on name nobody.'
        : `Saved: StackOne records ${view.linkedBy} on each account linked from now on.`,
    );
  }

  return (
    <section className="settings-section" aria-labelledby="linked-by-heading">
      <h3 id="linked-by-heading">Who links</h3>
      <form className="inline-form" aria-label="Who links" onSubmit={save}>
        <label>
          Your name or email
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={200}
            autoComplete="email"
            aria-describedby={hintId}
          />
        </label>
        <BusyButton type="submit" busy={busy}>
          Save name
        </BusyButton>
      </form>
      <p id={hintId} className="muted hint">
        StackOne records it on every account linked from this app, in demo and live mode, so your
        team can see who linked what. Leave it empty to name nobody.
      </p>
      <ActionOutcome error={error} outcome={outcome} />
    </section>
  );
}
