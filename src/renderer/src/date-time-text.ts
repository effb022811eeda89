/** A moment as the app writes it on screen: "Dec 3, 2026, 12:38 PM" in the system's locale. */
export const dateTimeText = (moment: Date | string): string =>
  new Date(moment).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The same with its time zone ("Dec 3, 2026, 12:38 PM UTC"), for text that leaves this computer:
 * an email to a customer, or a handover note, read where the clock may say another hour.
 */
export const dateTimeWithZoneText = (moment: Date | string, timeZone?: string): string =>
  new Date(moment).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone !== undefined && { timeZone }),
  });
