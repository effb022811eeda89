/**
 * What held the relay's main process up, read from its /metrics (prom-client's default metrics):
 * its event loop's worst delay since the previous scrape (prom-client resets it on each one) and
 * its garbage collections' pauses by length, cumulative.
 */
export interface RelayHoldUps {
  loopDelayMaxMs: number;
  /** Garbage collection pauses so far (every kind), and how many of them were over 10 ms. */
  gcPauses: number;
  gcPausesOverTenMs: number;
}

export function readRelayHoldUps(metrics: string): RelayHoldUps {
  const loopDelayMax = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(metrics)?.[1];
  let gcPauses = 0;
  let withinTenMs = 0;
  for (const match of metrics.matchAll(
    /^nodejs_gc_duration_seconds_bucket\{le="([^"]+)",kind="[^"]+"\} (\d+)$/gm,
  )) {
    if (match[1] === '+Inf') gcPauses += Number(match[2]);
    else if (match[1] === '0.01') withinTenMs += Number(match[2]);
  }
  return {
    loopDelayMaxMs: loopDelayMax === undefined ? Number.NaN : Number(loopDelayMax) * 1000,
    gcPauses,
    gcPausesOverTenMs: gcPauses - withinTenMs,
  };
}
