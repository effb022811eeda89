const onScreenStyle = { dateStyle: 'medium', timeStyle: 'short' } as const;
const onScreen = new Intl.DateTimeFormat(undefined, onScreenStyle);

/** A moment as the app writes it on screen: "Dec 3, 2026, 12:38 PM" in the system's locale. */
export const dateTimeText = (moment: Date | string): string => onScreen.format(new Date(moment));

/**
 * dateTimeText in its two halves and what the locale puts between them ("Dec 3, 2026", ", ",
 * "12:38 PM"), for a narrow column to break there and nowhere else; the whole as one date where
 * the locale writes the time first.
 */
export function dateTimeHalves(
  moment: Date | string,
  locale?: string,
): { date: string; separator: string; time: string } {
  const format = locale === undefined ? onScreen : new Intl.DateTimeFormat(locale, onScreenStyle);
  const parts = format.formatToParts(new Date(moment));
  const hour = parts.findIndex((part) => part.type === 'hour');
  const separator = parts[hour - 1];
  if (hour < 2 || separator?.type !== 'literal')
    return { date: format.format(new Date(moment)), separator: '', time: '' };
  // format() writes a plain space where formatToParts has a narrow no-break one (V8 keeps the
  // older text for format() alone): the same characters as dateTimeText everywhere else.
  const text = (from: number, to?: number) =>
    parts
      .slice(from, to)
      .map((part) => part.value.replaceAll('\u202f', ' '))
      .join('');
  return { date: text(0, hour - 1), separator: text(hour - 1, hour), time: text(hour) };
}

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
