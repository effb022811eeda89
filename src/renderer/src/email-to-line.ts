import { customerContactEmailSchema, customerContactEmailsMax } from '../../shared/domain';

/**
 * What was typed under Email it to, checked: the addresses (none: the mail app asks), or why not
 * (`problem` for under the field; `reason`, what is wrong alone, for once the field is gone).
 */
export type EmailToLine = { addresses: string[] } | { problem: string; reason: string };

/**
 * The addresses typed, separated by commas or semicolons as mail apps take them, each once (case
 * aside), in the order typed.
 */
export function checkEmailToLine(typed: string): EmailToLine {
  const addresses: string[] = [];
  for (const part of typed.split(/[,;]/)) {
    const address = part.trim();
    if (address === '') continue;
    if (!customerContactEmailSchema.safeParse(address).success)
      return {
        problem: `“${address}” is not an email address: correct it (like it@customer.example; several separated by commas), or empty the field to choose whom in the mail app.`,
        reason: `“${address}” is not an email address`,
      };
    if (!addresses.some((kept) => kept.toLowerCase() === address.toLowerCase()))
      addresses.push(address);
  }
  if (addresses.length > customerContactEmailsMax)
    return {
      problem: `At most ${customerContactEmailsMax} addresses: for more, email it to a mailing list.`,
      reason: `more than ${customerContactEmailsMax} addresses`,
    };
  return { addresses };
}

/** The addresses as the field shows them. */
export const emailToLineText = (addresses: readonly string[] | undefined): string =>
  (addresses ?? []).join(', ');
