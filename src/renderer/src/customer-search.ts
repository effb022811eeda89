/** Lists of at least this many customers get a search box. */
export const searchBoxFrom = 6;

/** Whether a customer's name or id contains what was typed (any case); everyone for nothing typed. */
export function matchesCustomerSearch(
  customer: { id: string; name: string },
  typed: string,
): boolean {
  const wanted = typed.trim().toLocaleLowerCase();
  return (
    wanted === '' ||
    customer.name.toLocaleLowerCase().includes(wanted) ||
    customer.id.toLocaleLowerCase().includes(wanted)
  );
}
