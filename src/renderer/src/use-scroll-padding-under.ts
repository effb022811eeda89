import { useCallback, type RefCallback } from 'react';

/**
 * For a bar that sticks to the window's top while the window scrolls (the notices, in one
 * column): the window pads its scroll area by the bar's height while the bar sticks, so that a
 * control scrolled into view (the keyboard's place, on a Tab backwards) comes out from under it.
 * Pass the result as the bar's `ref`.
 */
export function useScrollPaddingUnder<T extends HTMLElement>(): RefCallback<T> {
  return useCallback((bar: T) => {
    const root = document.documentElement;
    const measure = () => {
      root.style.scrollPaddingTop =
        getComputedStyle(bar).position === 'sticky' ? `${bar.offsetHeight}px` : '';
    };
    // As notices come and go, and as the window's size changes whether the bar sticks.
    const observer = new ResizeObserver(measure);
    observer.observe(bar);
    return () => {
      observer.disconnect();
      root.style.scrollPaddingTop = '';
    };
  }, []);
}
