import { useLayoutEffect, type RefObject } from 'react';

/**
 * Scrolls the list, a box that scrolls on its own, just enough to show its current item (the one
 * with `aria-current="true"`) whenever it becomes another or the items listed grow or shrink: a
 * customer added, found or shown again at the app's start lands anywhere in a long list, often
 * below its fold. Only the list scrolls, never the page around it, which has its own rules for
 * what comes into view.
 */
export function useCurrentItemKeptInView(
  list: RefObject<HTMLElement | null>,
  currentId: string | null,
  itemCount: number,
): void {
  useLayoutEffect(() => {
    const box = list.current;
    const current = box?.querySelector<HTMLElement>('[aria-current="true"]');
    if (box === null || box === undefined || current === null || current === undefined) return;
    const shown = box.getBoundingClientRect();
    const item = current.getBoundingClientRect();
    // Whole pixels, rounded away from the item: the box scrolls by whole pixels.
    if (item.top < shown.top) box.scrollBy({ top: Math.floor(item.top - shown.top) });
    // Its top stays in view where the item is taller than the box.
    else if (item.bottom > shown.bottom)
      box.scrollBy({ top: Math.ceil(Math.min(item.bottom - shown.bottom, item.top - shown.top)) });
  }, [list, currentId, itemCount]);
}
