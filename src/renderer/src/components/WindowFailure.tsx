import { DiagnosticsSection } from './DiagnosticsSection';

/** Shown in place of the whole window when drawing it failed. */
export function WindowFailure() {
  return (
    <main className="window-failure" aria-labelledby="window-failure-heading">
      <h1 id="window-failure-heading">Something went wrong in this window</h1>
      <p>
        Your customers and linked accounts are kept by the app in the background, so nothing was
        lost. Reload the window to carry on; a link under way in the Hub has to be started again.
      </p>
      <button type="button" className="primary" onClick={() => window.location.reload()}>
        Reload the window
      </button>
      <p className="muted">
        If it happens again, copy the diagnostics below into a message to support, and attach
        main.log from the log folder: the error is in it.
      </p>
      <DiagnosticsSection />
    </main>
  );
}
