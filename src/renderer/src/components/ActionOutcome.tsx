/**
 * What became of a section's last action: its error as an alert, and its outcome in a status line
 * that is always there (a live region must exist before it speaks).
 */
export function ActionOutcome({ error, outcome }: { error: string | null; outcome: string }) {
  return (
    <>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p role="status" className="muted">
        {outcome}
      </p>
    </>
  );
}
