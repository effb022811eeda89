/** A moment as the app writes it everywhere: "Dec 3, 2026, 12:38 PM" in the system's locale. */
export const dateTimeText = (moment: Date | string): string =>
  new Date(moment).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
