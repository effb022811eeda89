import { describe, expect, it } from 'vitest';
import { benchOwner, clientsOfOwner } from '../../scripts/bench-relay/bench-owners';

describe("the relay benchmark's owners", () => {
  it('counts the clients that take each webhook as the clients subscribe, by their owner', () => {
    for (const [owners, clients] of [
      [50, 200],
      [2, 3],
      [7, 5],
      [3, 10],
    ] as const) {
      for (let webhook = 0; webhook < owners * 2; webhook++) {
        const subscribers = Array.from({ length: clients }, (_, client) =>
          benchOwner(client, owners),
        ).filter((owner) => owner === benchOwner(webhook, owners)).length;
        expect(
          clientsOfOwner(webhook, owners, clients),
          `${webhook} of ${owners}, ${clients}`,
        ).toBe(subscribers);
      }
    }
  });
});
