/** The value at percentile `p` (0-100) of ascending `sorted`, NaN when there is none. */
export const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN);
