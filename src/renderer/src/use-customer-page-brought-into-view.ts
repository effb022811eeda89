import { useCallback, useEffect, useState, type RefObject } from 'react';

/**
 * In one column (the customers above a customer's page, in a window zoomed in far), a customer
 * picked is brought into view: their page at the window's top, the keyboard on its heading (the
 * customer's name read out), where the page was out of sight below the list. Beside the list, the
 * page is in view already and the keyboard stays in the list. Returns what to call as a customer
 * is picked, after the render that shows them.
 */
export function useCustomerPageBroughtIntoView(refs: {
  customers: RefObject<HTMLElement | null>;
  page: RefObject<HTMLElement | null>;
  heading: RefObject<HTMLElement | null>;
}): () => void {
  const { customers, page, heading } = refs;
  // A count, not a flag: picking the customer shown again brings their page into view too.
  const [picks, setPicks] = useState(0);
  useEffect(() => {
    if (picks === 0 || customers.current === null || page.current === null) return;
    const pageUnderCustomers =
      page.current.getBoundingClientRect().top >= customers.current.getBoundingClientRect().bottom;
    if (!pageUnderCustomers) return;
    page.current.scrollIntoView({ block: 'start' });
    heading.current?.focus({ preventScroll: true });
  }, [picks, customers, page, heading]);
  return useCallback(() => setPicks((count) => count + 1), []);
}
