import { useEffect, useState } from 'react';

/** How long a call to StackOne may take before the user is told that it is slow. */
const slowAnswerAfterMs = 3_000;

/** True once `waiting` has stayed true for `afterMs`; false again as soon as it is not. */
function useStillWaiting(waiting: boolean, afterMs = slowAnswerAfterMs): boolean {
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setLate(true), afterMs);
    // Reset as the wait ends, so that the next one starts on time again.
    return () => {
      clearTimeout(timer);
      setLate(false);
    };
  }, [waiting, afterMs]);
  return waiting && late;
}

/**
 * Shown while a call to StackOne is slow: the main process retries failed requests for up to 10 s
 * within 15 s for the request and its retries (the settings check then asks the relay too), so
 * without it a poor network looks like a hung app.
 */
export function SlowAnswerNotice({ waiting }: { waiting: boolean }) {
  if (!useStillWaiting(waiting)) return null;
  return (
    <p className="muted slow-answer" role="status">
      StackOne is slow to answer. The app keeps retrying on its own, for up to about half a minute,
      and tells you if it gives up.
    </p>
  );
}
