/**
 * Whose the benchmark's webhooks are (`origin_owner_id`), and, with `--owners`, which clients
 * take them: client n subscribes, as the app does, to the events of the owner numbered as it is.
 */

/** The owner of the webhook, or the client, numbered `n`, where there are `owners` of them. */
export const benchOwner = (n: number, owners: number): string => `owner-${n % owners}`;

/** How many of `clients` clients, numbered from 0, take the events of webhook `n`'s owner. */
export function clientsOfOwner(n: number, owners: number, clients: number): number {
  const owner = n % owners;
  return owner < clients ? Math.floor((clients - 1 - owner) / owners) + 1 : 0;
}
