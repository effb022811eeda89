import { Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { heldUpText, readRelayHoldUps } from '../../scripts/bench-relay/relay-hold-ups';

describe('what held the relay’s main process up, from its /metrics', () => {
  it('reads a blocked event loop from prom-client’s own metrics, and only since the last scrape', async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    await registry.metrics();
    // The first timer after a reset only sets where the next delay is measured from.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const blockedUntil = performance.now() + 120;
    while (performance.now() < blockedUntil);
    // The loop's delay is sampled by a timer: it must fire once after the hold-up to be seen.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const heldUp = readRelayHoldUps(await registry.metrics()).loopDelayMaxMs;
    // Held 120 ms: the monitor's own 10 ms period is not counted as holding it up.
    expect(heldUp).toBeGreaterThanOrEqual(105);
    expect(heldUp).toBeLessThan(200);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(readRelayHoldUps(await registry.metrics()).loopDelayMaxMs).toBeLessThan(100);
  });

  it('counts garbage collection pauses over 10 ms, of every kind', () => {
    const metrics = [
      'nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} 40',
      'nodejs_gc_duration_seconds_bucket{le="0.01",kind="minor"} 49',
      'nodejs_gc_duration_seconds_bucket{le="0.1",kind="minor"} 50',
      'nodejs_gc_duration_seconds_bucket{le="+Inf",kind="minor"} 50',
      'nodejs_gc_duration_seconds_bucket{le="0.01",kind="major"} 2',
      'nodejs_gc_duration_seconds_bucket{le="+Inf",kind="major"} 5',
      'nodejs_eventloop_lag_max_seconds 0.0223',
    ].join('\n');
    expect(readRelayHoldUps(metrics)).toEqual({
      loopDelayMaxMs: 12.3,
      streamLoopDelayMaxMs: Number.NaN,
      gcPausesOverTenMs: 4,
      storesOverTwentyFiveMs: 0,
    });
    // A kind without the 10 ms bound: not known, rather than all its pauses or none.
    const otherBounds = metrics.replace(/^.*le="0\.01",kind="major".*\n/m, '');
    expect(readRelayHoldUps(otherBounds).gcPausesOverTenMs).toBeNaN();
  });

  it('counts the webhooks whose storing took over 25 ms', () => {
    const metrics = [
      'relay_webhook_store_seconds_bucket{le="0.01"} 990',
      'relay_webhook_store_seconds_bucket{le="0.025"} 997',
      'relay_webhook_store_seconds_bucket{le="0.05"} 999',
      'relay_webhook_store_seconds_bucket{le="+Inf"} 1000',
      'relay_webhook_store_seconds_sum 2.5',
      'relay_webhook_store_seconds_count 1000',
    ].join('\n');
    expect(readRelayHoldUps(metrics).storesOverTwentyFiveMs).toBe(3);
    expect(readRelayHoldUps('').storesOverTwentyFiveMs).toBe(0);
    // A histogram without the 25 ms bound: not known, rather than every webhook.
    const otherBounds = metrics.replace(/^.*le="0\.025".*\n/m, '');
    expect(readRelayHoldUps(otherBounds).storesOverTwentyFiveMs).toBeNaN();
  });

  it('reads the stream process’s, where the relay has one, alike', () => {
    const metrics = [
      'nodejs_eventloop_lag_max_seconds 0.0223',
      'relay_stream_process_eventloop_lag_max_seconds 0.0311',
    ].join('\n');
    const holdUps = readRelayHoldUps(metrics);
    expect(holdUps.loopDelayMaxMs).toBeCloseTo(12.3, 6);
    expect(holdUps.streamLoopDelayMaxMs).toBeCloseTo(21.1, 6);
    expect(heldUpText(holdUps.streamLoopDelayMaxMs)).toBe('21.1');
  });

  it('takes a stream process that did not answer the scrape for one held up beyond the wait', () => {
    const metrics = [
      'nodejs_eventloop_lag_max_seconds 0.0223',
      'relay_stream_process_up 0',
      // prom-client's way of writing NaN, Prometheus's "no value".
      'relay_stream_process_eventloop_lag_max_seconds Nan',
    ].join('\n');
    const holdUps = readRelayHoldUps(metrics);
    expect(holdUps.loopDelayMaxMs).toBeCloseTo(12.3, 6);
    expect(holdUps.streamLoopDelayMaxMs).toBe(Number.POSITIVE_INFINITY);
    expect(heldUpText(holdUps.streamLoopDelayMaxMs, ' ms')).toBe('no answer (over 2 s)');
    expect(heldUpText(holdUps.loopDelayMaxMs, ' ms')).toBe('12.3 ms');
  });
});
