/**
 * The order customers are listed in: by name as people read it (numbers by value, so "Store 9"
 * comes before "Store 10"; case and accents ignored), then by id, so two customers of one name keep
 * a fixed order.
 */
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function compareCustomers(
  a: { name: string; id: string },
  b: { name: string; id: string },
): number {
  if (a.id === b.id) return 0;
  return byName.compare(a.name, b.name) || byName.compare(a.id, b.id) || (a.id < b.id ? -1 : 1);
}
