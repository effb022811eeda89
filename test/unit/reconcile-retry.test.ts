import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReconcileRetry } from '../../src/main/reconcile-retry';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Retries from 1 s up to 4 s, each pass ending as the test says. */
function retryWithHeldPasses() {
  const passes: ((worked: boolean) => void)[] = [];
  const retry = createReconcileRetry({
    firstAfterMs: 1_000,
    maxAfterMs: 4_000,
    reconcile: () => new Promise<boolean>((resolve) => passes.push(resolve)),
  });
  return { retry, passes };
}

describe('reading StackOne again after an event it could not verify', () => {
  it('waits, then tries again while passes fail, twice as long each time up to the most', async () => {
    const { retry, passes } = retryWithHeldPasses();
    retry.request();
    // Several events not verified at once: still one pass.
    retry.request();
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(1);

    for (const [pass, waitMs] of [
      [0, 2_000],
      [1, 4_000],
      [2, 4_000],
    ] as const) {
      passes[pass]?.(false);
      await vi.advanceTimersByTimeAsync(waitMs - 1);
      expect(passes).toHaveLength(pass + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(passes).toHaveLength(pass + 2);
    }

    // Once one works, nothing more until the next request, which waits the first time again.
    passes[3]?.(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(passes).toHaveLength(4);
    retry.request();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(passes).toHaveLength(5);
  });

  it('runs another pass after one under way where asked meanwhile, and none once stopped', async () => {
    const { retry, passes } = retryWithHeldPasses();
    retry.request();
    await vi.advanceTimersByTimeAsync(1_000);
    retry.request();
    passes[0]?.(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(passes).toHaveLength(2);

    passes[1]?.(false);
    retry.stop();
    retry.request();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(passes).toHaveLength(2);
  });
});
