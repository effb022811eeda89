/**
 * How far StackOne's clock (the `createdAt` it gives an account) and this computer's may stand
 * apart: a time on one is taken as before or after a time on the other only beyond this.
 */
const clocksApartMs = 60_000;

/** Whether StackOne linked the account surely before this computer's `localTime` (ISO). */
export function linkedSurelyBefore(createdAt: string | undefined, localTime: string): boolean {
  return createdAt !== undefined && Date.parse(createdAt) < Date.parse(localTime) - clocksApartMs;
}

/** Whether StackOne linked the account surely after this computer's `localTime` (ISO). */
export function linkedSurelyAfter(createdAt: string | undefined, localTime: string): boolean {
  return createdAt !== undefined && Date.parse(createdAt) > Date.parse(localTime) + clocksApartMs;
}
