/** What a stream client's name may be in a log line at most. */
export const maxClientNameLength = 80;

/**
 * How a stream client names itself (its User-Agent: the app's is `stackone-onboarding/<version>`),
 * fit for a log line: printable ASCII only, at most 80 characters; `unnamed` where it gives none.
 * Logged beside what a client does wrong, so that an operator can tell which release does it.
 */
export function clientName(userAgent: string | string[] | undefined): string {
  const given = Array.isArray(userAgent) ? userAgent[0] : userAgent;
  const printable = (given ?? '').replace(/[^\x20-\x7e]/g, '?').trim();
  if (printable === '') return 'unnamed';
  return printable.length > maxClientNameLength
    ? `${printable.slice(0, maxClientNameLength - 3)}...`
    : printable;
}

/** Connected clients that give one name. */
export interface ClientsOfName {
  client: string;
  count: number;
}

/**
 * The most names `/metrics` gives connected clients by: each client chooses its own, so all of
 * them would let clients add series without bound.
 */
export const mostConnectedNames = 20;
