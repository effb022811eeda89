import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPeriodicReconciling } from '../../src/main/periodic-reconciling';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Polling every second, with passes that end only when the test ends them. */
function pollingWithHeldPasses() {
  const passes: (() => void)[] = [];
  const polling = createPeriodicReconciling({
    everyMs: 1_000,
    reconcile: () => new Promise<void>((resolve) => passes.push(resolve)),
  });
  return { polling, passes };
}

describe('reading StackOne every so often while it is needed', () => {
  it('runs one pass at a time, the next a whole interval after the last ended', async () => {
    const { polling, passes } = pollingWithHeldPasses();
    polling.needed(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(1);

    // Told again (at each state the relay client goes through as it retries): still the one pass.
    polling.needed(true);
    polling.needed(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(1);

    passes[0]?.();
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(2);
  });

  it('stops once no longer needed, and starts again when needed again', async () => {
    const { polling, passes } = pollingWithHeldPasses();
    polling.needed(true);
    await vi.advanceTimersByTimeAsync(500);
    polling.needed(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(0);

    polling.needed(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(passes).toHaveLength(1);
    // No longer needed while a pass is under way: none after it.
    polling.needed(false);
    passes[0]?.();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(1);
  });

  it('starts nothing once stopped, though needed after (as the relay client says offline as it stops)', async () => {
    const { polling, passes } = pollingWithHeldPasses();
    polling.needed(true);
    polling.stop();
    polling.needed(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(0);
  });
});
