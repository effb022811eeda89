/**
 * What held the relay's processes up, read from its /metrics: the main process's event loop's
 * worst delay since the previous scrape (prom-client's default metrics, reset on each one) and
 * its garbage collection pauses over 10 ms, cumulative; the stream process's worst delay since
 * the previous scrape, measured alike.
 */
export interface RelayHoldUps {
  /** Beyond the sampling timer's own period: 0 for a loop that ran each timer on time. */
  loopDelayMaxMs: number;
  /**
   * The stream process's, alike; NaN for a relay serving its streams in its main process, and
   * Infinity where the stream process did not answer the scrape (held up for the relay's 2 s
   * wait or more, or being replaced).
   */
  streamLoopDelayMaxMs: number;
  /**
   * Garbage collection pauses over 10 ms so far, of every kind: NaN where a kind's histogram has no
   * 10 ms bound.
   */
  gcPausesOverTenMs: number;
  /**
   * Webhooks so far whose storing (the group commit's wait and the durable write) took over 25
   * ms: where the main process was held up in a durable write, these were waiting on it.
   */
  storesOverTwentyFiveMs: number;
}

/**
 * prom-client's default `eventLoopMonitoringPrecision`, the period of Node's event loop delay
 * monitor's timer, whose figures are the time between the timer's runs, that period included.
 */
export const loopSamplingMs = 10;

/** An event loop delay monitor's worst figure (nanoseconds) as the time the loop was held up. */
export const heldUpMs = (maxNanoseconds: number) =>
  Math.max(0, maxNanoseconds / 1e6 - loopSamplingMs);

/**
 * A hold-up as the benchmark prints it, in ms followed by `unit`: Infinity (a stream process that
 * did not answer the relay's 2 s wait) said as such, with no unit after it.
 */
export const heldUpText = (ms: number, unit = '') =>
  ms === Number.POSITIVE_INFINITY ? 'no answer (over 2 s)' : `${ms.toFixed(1)}${unit}`;

/**
 * A histogram's observations over the bucket bound `le`, summed over its series (the label sets
 * besides `le`, such as garbage collection's `kind`): 0 where it has none yet, NaN where a series
 * has no such bound (not all its observations, as a missing bound read as 0 would make them).
 */
function observationsOver(metrics: string, histogram: string, le: string): number {
  const bucketsBySeries = new Map<string, Map<string, number>>();
  for (const match of metrics.matchAll(
    new RegExp(`^${histogram}_bucket\\{([^}]*)\\} (\\d+)$`, 'gm'),
  )) {
    const labels = match[1] as string;
    const bound = /(?:^|,)le="([^"]+)"/.exec(labels)?.[1];
    if (bound === undefined) continue;
    const series = labels.replace(/(?:^|,)le="[^"]+"/, '');
    const buckets = bucketsBySeries.get(series) ?? new Map<string, number>();
    buckets.set(bound, Number(match[2]));
    bucketsBySeries.set(series, buckets);
  }
  let over = 0;
  for (const buckets of bucketsBySeries.values())
    over += (buckets.get('+Inf') ?? Number.NaN) - (buckets.get(le) ?? Number.NaN);
  return over;
}

export function readRelayHoldUps(metrics: string): RelayHoldUps {
  /** A gauge of a worst event loop delay, in seconds, as held up: NaN where /metrics has none. */
  const heldUpByGauge = (name: string) => {
    const seconds = new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1];
    return seconds === undefined ? Number.NaN : heldUpMs(Number(seconds) * 1e9);
  };
  return {
    loopDelayMaxMs: heldUpByGauge('nodejs_eventloop_lag_max_seconds'),
    streamLoopDelayMaxMs: /^relay_stream_process_up 0$/m.test(metrics)
      ? Number.POSITIVE_INFINITY
      : heldUpByGauge('relay_stream_process_eventloop_lag_max_seconds'),
    gcPausesOverTenMs: observationsOver(metrics, 'nodejs_gc_duration_seconds', '0.01'),
    storesOverTwentyFiveMs: observationsOver(metrics, 'relay_webhook_store_seconds', '0.025'),
  };
}
