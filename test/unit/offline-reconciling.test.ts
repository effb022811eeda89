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
    polling.eventsComing(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(1);

    // Told again at each state the relay client goes through as it retries: still the one pass.
    polling.eventsComing(false);
    polling.eventsComing(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(1);

    passes[0]?.();
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(2);
  });

  it("stops once the events come, and starts again when they stop (the connection lost, or StackOne's webhooks found missing)", async () => {
    const { polling, passes } = pollingWithHeldPasses();
    polling.eventsComing(false);
    await vi.advanceTimersByTimeAsync(500);
    polling.eventsComing(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(0);

    polling.eventsComing(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(passes).toHaveLength(1);
    // Coming again while a pass is under way: none after it.
    polling.eventsComing(true);
    passes[0]?.();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(1);
  });

  it('starts nothing once stopped, though the relay client says offline as it stops', async () => {
    const { polling, passes } = pollingWithHeldPasses();
    polling.eventsComing(false);
    polling.stop();
    polling.eventsComing(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(0);
  });
});
