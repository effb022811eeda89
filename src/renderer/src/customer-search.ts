/** Lists of at least this many customers get a search box. */
export const searchBoxFrom = 6;

/** Letters that Unicode does not split into a base letter and a mark, as people type them. */
const unaccentedLetters: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ı: 'i',
};

/** Text as search compares it: any case, and without accents ("Süd", "SUD" and "sud" alike). */
export function searchable(text: string): string {
  return text
    .toLocaleLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøłđı]/g, (letter) => unaccentedLetters[letter] ?? letter);
}

/**
 * Whether a customer's name, id or an address their links are emailed to (its domain, say), or
 * the name of a system linked for them, contains what was typed (any case, accents or none, as the
 * list's order reads names); everyone for nothing typed.
 */
export function matchesCustomerSearch(
  customer: { id: string; name: string; contactEmails?: readonly string[] },
  typed: string,
  systems: readonly string[] = [],
): boolean {
  const wanted = searchable(typed.trim());
  return (
    wanted === '' ||
    [customer.name, customer.id, ...(customer.contactEmails ?? []), ...systems].some((text) =>
      searchable(text).includes(wanted),
    )
  );
}
