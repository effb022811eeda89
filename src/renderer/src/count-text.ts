/** A count and its noun, as the window writes it: "1 customer", "5,000 customers". */
export const countText = (count: number, one: string, many: string): string =>
  `${count.toLocaleString()} ${count === 1 ? one : many}`;
