import { useEffect, type RefObject } from 'react';

/**
 * Keeps the keyboard in `area` when the element it was on there goes (a button a re-render no
 * longer offers: a link's Copy link as it expires, say): `fallback` gets it, rather than the page,
 * which would send a keyboard user back to its start. Leaving for elsewhere, or for no element
 * (a click on the background, another window), is left alone: the element left is still there.
 */
export function useKeyboardKeptWithin(
  area: RefObject<HTMLElement | null>,
  fallback: RefObject<HTMLElement | null>,
): void {
  useEffect(() => {
    const element = area.current;
    if (element === null) return;
    const onFocusOut = (event: FocusEvent) => {
      if (event.relatedTarget !== null) return;
      const left = event.target;
      // Chromium tells of the removal before it is done: look once it is.
      setTimeout(() => {
        const keyboardLost =
          document.activeElement === null || document.activeElement === document.body;
        if (left instanceof Node && !left.isConnected && keyboardLost) fallback.current?.focus();
      });
    };
    element.addEventListener('focusout', onFocusOut);
    return () => element.removeEventListener('focusout', onFocusOut);
  });
}
