import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOfflineReconciling } from '../../src/main/offline-reconciling';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Polling every second, with passes that end only when the test ends them. */
function pollingWithHeldPasses() {
  const passes: (() => void)[] = [];
  const polling = createOfflineReconciling({
    everyMs: 1_000,
    reconcile: () => new Promise<void>((resolve) => passes.push(resolve)),
  });
  return { polling, passes };
}

describe('reading StackOne while the relay is away', () => {
  it('runs one pass at a time, the next a whole interval after the last ended', async () => {
    const { polling, passes } = pollingWithHeldPasses();
    polling.connectionChanged('connecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(1);

    // The state goes back and forth as the relay client retries: still the one pass.
    polling.connectionChanged('offline');
    polling.connectionChanged('connecting');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(1);

    passes[0]?.();
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(2);
  });

  it('stops once connected, and starts again when the connection is lost', async () => {
    const { polling, passes } = pollingWithHeldPasses();
    polling.connectionChanged('offline');
    await vi.advanceTimersByTimeAsync(500);
    polling.connectionChanged('connected');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(0);

    polling.connectionChanged('offline');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(passes).toHaveLength(1);
    // Connected while a pass is under way: none after it.
    polling.connectionChanged('connected');
    passes[0]?.();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(1);
  });

  it('starts nothing once stopped, though the relay client says offline as it stops', async () => {
    const { polling, passes } = pollingWithHeldPasses();
    polling.connectionChanged('offline');
    polling.stop();
    polling.connectionChanged('offline');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(0);
  });
});
