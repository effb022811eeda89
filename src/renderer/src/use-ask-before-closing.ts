import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';

/**
 * A dialog that asks before it closes over something that would be lost. `close(lost)` closes at
 * once when nothing would be (null), or when asked already; otherwise it keeps `lost` in `asking`
 * for the question to name. `keepEditing` puts the question away and the keyboard back where it
 * was as closing was asked for.
 */
export function useAskBeforeClosing<Lost>(onClose: () => void) {
  const [asking, setAsking] = useState<Lost | null>(null);
  const keyboardWasOn = useRef<Element | null>(null);
  const close = (lost: Lost | null) => {
    if (lost === null || asking !== null) {
      onClose();
      return;
    }
    keyboardWasOn.current = document.activeElement;
    setAsking(lost);
  };
  const keepEditing = () => {
    flushSync(() => setAsking(null));
    if (keyboardWasOn.current instanceof HTMLElement) keyboardWasOn.current.focus();
  };
  return { asking, close, keepEditing };
}
