import { useCallback, useLayoutEffect, useRef, useState, type RefCallback } from 'react';

/**
 * A tab stop for a box that scrolls its content, only while it does: the keyboard can then scroll
 * a long list, and passes over a short one. (Chromium makes such a box focusable of itself since
 * 132; with the tab stop named, axe and every engine see it as the app means it.) Pass `ref` to
 * the box and `tabIndex` to its tabIndex.
 */
export function useTabStopWhileScrolling<T extends HTMLElement>(): {
  ref: RefCallback<T>;
  tabIndex: 0 | undefined;
} {
  const [scrolls, setScrolls] = useState(false);
  const box = useRef<T | null>(null);
  const measure = useCallback(() => {
    if (box.current !== null) setScrolls(box.current.scrollHeight > box.current.clientHeight);
  }, []);
  // After each render, before it is painted: a Tab pressed as new content shows finds the stop
  // already as it should be.
  useLayoutEffect(measure);
  const ref = useCallback(
    (element: T) => {
      box.current = element;
      // And as the window's size changes the box's.
      const observer = new ResizeObserver(measure);
      observer.observe(element);
      return () => {
        observer.disconnect();
        box.current = null;
      };
    },
    [measure],
  );
  return { ref, tabIndex: scrolls ? 0 : undefined };
}
