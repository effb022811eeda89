import { useState } from 'react';
import { messageOf, onboarding, unwrap } from '../bridge';

/** Diagnostics for a message to support: shown, so the user sees what they send, and copied. */
export function DiagnosticsSection() {
  const [report, setReport] = useState<string | null>(null);
  const [outcome, setOutcome] = useState('');

  const copyDiagnostics = () => {
    setOutcome('');
    unwrap(onboarding().getDiagnostics({}))
      .then(({ report: text }) => {
        setReport(text);
        // Inside the chain: where there is no clipboard API at all, that is a failure too.
        return Promise.resolve()
          .then(() => navigator.clipboard.writeText(text))
          .then(
            () => setOutcome('Copied: paste it into your message to support.'),
            () => setOutcome('It could not be copied: select the text below and copy it by hand.'),
          );
      })
      .catch((failure: unknown) => setOutcome(messageOf(failure)));
  };

  const openLogFolder = () => {
    setOutcome('');
    unwrap(onboarding().openLogFolder({}))
      .then(({ folder }) =>
        setOutcome(`Opened ${folder}: attach main.log (and main.1.log, if there is one).`),
      )
      .catch((failure: unknown) => setOutcome(messageOf(failure)));
  };

  return (
    <section className="diagnostics" aria-labelledby="diagnostics-heading">
      <h3 id="diagnostics-heading">Support</h3>
      <p className="muted">
        The app’s version, mode, addresses and state, for a message to support. It holds no API key,
        token, customer or account. Support may also ask for the app’s log.
      </p>
      <div className="actions">
        <button type="button" onClick={copyDiagnostics}>
          Copy diagnostics
        </button>
        <button type="button" onClick={openLogFolder}>
          Open the log folder
        </button>
      </div>
      <p role="status" className="muted">
        {outcome}
      </p>
      {report !== null && (
        <pre className="diagnostics-report" aria-label="Diagnostics" tabIndex={0}>
          {report}
        </pre>
      )}
    </section>
  );
}
