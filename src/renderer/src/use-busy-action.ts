import { useState } from 'react';
import { messageOf } from './bridge';

/**
 * A form's call to main: busy while it runs, its failure kept as the message to show. `run`
 * resolves to the call's answer, or to undefined when it failed.
 */
export function useBusyAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await call();
    } catch (failure) {
      setError(messageOf(failure));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
