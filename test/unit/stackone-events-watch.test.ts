import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/main/logger';
import { createStackOneEventsWatch } from '../../src/main/stackone-events-watch';

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-07T15:00:00.000Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * A watch waiting 1 s for an account's event. `stackOneHas`: the accounts a read of StackOne makes
 * active; `stackOneLacks`: those a read removes from the list; `linkedBeforeRelayRecord`: those
 * linked before the app's record of the relay's log began; `readFails`: reads reject;
 * `missingSince`: as found before.
 */
function watchWith(options: { readFails?: boolean; missingSince?: string } = {}) {
  const world = {
    relayConnected: true,
    pending: new Set<string>(),
    stackOneHas: new Set<string>(),
    stackOneLacks: new Set<string>(),
    gone: new Set<string>(),
    linkedBeforeRelayRecord: new Set<string>(),
    reads: 0,
    changes: [] as (string | null)[],
    logged: [] as string[],
  };
  const watch = createStackOneEventsWatch({
    waitMs: 1_000,
    missingSince: options.missingSince ?? null,
    relayConnected: () => world.relayConnected,
    accountState: (accountId) =>
      world.gone.has(accountId) ? 'gone' : world.pending.has(accountId) ? 'pending' : 'confirmed',
    linkedWithinRelayRecord: (accountId) => !world.linkedBeforeRelayRecord.has(accountId),
    readFromStackOne: async () => {
      world.reads += 1;
      if (options.readFails === true) throw new Error('StackOne did not answer');
      for (const accountId of world.stackOneHas) world.pending.delete(accountId);
      for (const accountId of world.stackOneLacks) {
        world.pending.delete(accountId);
        world.gone.add(accountId);
      }
    },
    missingChanged: (missingSince) => world.changes.push(missingSince),
    logger: createLogger({
      name: 'main',
      destination: {
        write: (line: string) => world.logged.push((JSON.parse(line) as { msg: string }).msg),
      },
    }),
  });
  const link = (accountId: string) => {
    world.pending.add(accountId);
    watch.linkedThroughHub(accountId);
  };
  return { watch, world, link };
}

describe('finding out whether StackOne’s events reach the relay', () => {
  it('finds them missing where StackOne has an account linked through the Hub and no event came, until one does', async () => {
    const { watch, world, link } = watchWith();
    link('acc-1');
    world.stackOneHas.add('acc-1');
    await vi.advanceTimersByTimeAsync(999);
    expect(world.reads).toBe(0);
    expect(watch.missingSince).toBeNull();

    await vi.advanceTimersByTimeAsync(1);
    expect(world.reads).toBe(1);
    expect(world.pending.has('acc-1')).toBe(false);
    expect(watch.missingSince).toBe('2026-12-07T15:00:01.000Z');
    expect(world.changes).toEqual(['2026-12-07T15:00:01.000Z']);
    expect(world.logged).toContainEqual(
      expect.stringContaining("StackOne's webhook does not reach the relay"),
    );

    // Found again with the next account: still since the first time, told once.
    link('acc-2');
    world.stackOneHas.add('acc-2');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(world.reads).toBe(2);
    expect(world.changes).toEqual(['2026-12-07T15:00:01.000Z']);

    watch.eventArrived();
    expect(watch.missingSince).toBeNull();
    watch.eventArrived();
    expect(world.changes).toEqual(['2026-12-07T15:00:01.000Z', null]);
  });

  it('goes on from what was found before, until an event comes', () => {
    const { watch, world } = watchWith({ missingSince: '2026-12-06T09:00:00.000Z' });
    expect(watch.missingSince).toBe('2026-12-06T09:00:00.000Z');
    watch.eventArrived();
    expect(watch.missingSince).toBeNull();
    expect(world.changes).toEqual([null]);
  });

  it('reads nothing where the account’s event made it active in time', async () => {
    const { watch, world, link } = watchWith();
    link('acc-1');
    await vi.advanceTimersByTimeAsync(500);
    watch.eventArrived();
    world.pending.delete('acc-1');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(world.reads).toBe(0);
    expect(watch.missingSince).toBeNull();
  });

  it('does not find them missing where another event came since the link (this one late, not lost)', async () => {
    const { watch, world, link } = watchWith();
    link('acc-1');
    world.stackOneHas.add('acc-1');
    await vi.advanceTimersByTimeAsync(500);
    watch.eventArrived();
    await vi.advanceTimersByTimeAsync(500);
    expect(world.reads).toBe(1);
    expect(world.pending.has('acc-1')).toBe(false);
    expect(watch.missingSince).toBeNull();
    expect(world.changes).toEqual([]);
  });

  it('does not find them missing where StackOne does not list the account yet (no event was due)', async () => {
    const { watch, world, link } = watchWith();
    link('acc-1');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(world.reads).toBe(1);
    expect(world.pending.has('acc-1')).toBe(true);
    expect(watch.missingSince).toBeNull();
  });

  it('does not find them missing where the account is gone from the list by the read (disconnected here, or not in StackOne)', async () => {
    const { watch, world, link } = watchWith();
    link('acc-1');
    await vi.advanceTimersByTimeAsync(500);
    world.pending.delete('acc-1');
    world.gone.add('acc-1');
    await vi.advanceTimersByTimeAsync(500);
    expect(world.reads).toBe(0);

    link('acc-2');
    world.stackOneLacks.add('acc-2');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(world.reads).toBe(1);
    expect(watch.missingSince).toBeNull();
  });

  it('does not find them missing where StackOne could not be read, and says so', async () => {
    const { watch, world, link } = watchWith({ readFails: true });
    link('acc-1');
    world.stackOneHas.add('acc-1');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(world.reads).toBe(1);
    expect(watch.missingSince).toBeNull();
    expect(world.logged).toContain(
      'reading an account linked through the Hub from StackOne failed',
    );
  });

  it('waits for nothing while the relay is not connected (its events cannot come then)', async () => {
    const { watch, world, link } = watchWith();
    world.stackOneHas.add('acc-1');
    world.stackOneHas.add('acc-2');
    world.relayConnected = false;
    link('acc-1');
    world.relayConnected = true;
    link('acc-2');
    world.relayConnected = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(world.reads).toBe(0);
    expect(watch.missingSince).toBeNull();
  });

  it('reads nothing once stopped', async () => {
    const { watch, world, link } = watchWith();
    link('acc-1');
    world.stackOneHas.add('acc-1');
    watch.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(world.reads).toBe(0);
  });
});

describe('finding them missing through an account linked through a link sent, found by a reading', () => {
  it('reads it again once no event of any kind has come meanwhile, and finds them missing where StackOne still has it', async () => {
    const { watch, world } = watchWith();
    watch.foundWithoutEvent('acc-1');
    await vi.advanceTimersByTimeAsync(999);
    expect(world.reads).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(world.reads).toBe(1);
    expect(watch.missingSince).toBe('2026-12-07T15:00:01.000Z');
    expect(world.logged).toContain(
      "StackOne has an account linked through a link sent and no event has come from the relay since: StackOne's webhook does not reach the relay; told in the window until an event comes",
    );

    // Found missing already: nothing more to read for.
    watch.foundWithoutEvent('acc-2');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(world.reads).toBe(1);
  });

  it('reads nothing where an event came meanwhile (its own, late, or another)', async () => {
    const { watch, world } = watchWith();
    watch.foundWithoutEvent('acc-1');
    await vi.advanceTimersByTimeAsync(500);
    watch.eventArrived();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(world.reads).toBe(0);
    expect(watch.missingSince).toBeNull();
  });

  it('does not find them missing where the account is gone by then, or by the read, or the relay is not connected', async () => {
    const { watch, world } = watchWith();
    watch.foundWithoutEvent('acc-1');
    world.gone.add('acc-1');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(world.reads).toBe(0);

    watch.foundWithoutEvent('acc-2');
    world.stackOneLacks.add('acc-2');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(world.reads).toBe(1);

    world.relayConnected = false;
    watch.foundWithoutEvent('acc-3');
    world.relayConnected = true;
    watch.foundWithoutEvent('acc-4');
    world.relayConnected = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(world.reads).toBe(1);
    expect(watch.missingSince).toBeNull();
  });

  it('does not read it, nor find them missing, where it was linked before the app’s record of the relay’s log began, as known by the time it would read', async () => {
    const { watch, world } = watchWith();
    world.linkedBeforeRelayRecord.add('acc-1');
    watch.foundWithoutEvent('acc-1');
    // The relay said its retention dropped events the app had not had, while the wait was on.
    watch.foundWithoutEvent('acc-2');
    world.linkedBeforeRelayRecord.add('acc-2');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(world.reads).toBe(0);
    expect(watch.missingSince).toBeNull();

    // One linked since still proves it.
    watch.foundWithoutEvent('acc-3');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(watch.missingSince).toBe('2026-12-07T15:00:06.000Z');
  });
});
