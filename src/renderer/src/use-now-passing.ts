import { useEffect, useState } from 'react';

/** The longest delay a timer takes (about 24 days). */
const timerDelayMax = 2 ** 31 - 1;

/**
 * The time now (ms since the epoch) as of the last time the clock passed one of the given times:
 * the component renders again as it passes each.
 */
export function useNowPassing(times: readonly number[]): number {
  const [now, setNow] = useState(() => Date.now());
  const next = Math.min(...times.filter((time) => time > now));
  useEffect(() => {
    if (next === Infinity) return;
    const timer = setTimeout(
      () => setNow(Date.now()),
      Math.min(Math.max(0, next - Date.now()), timerDelayMax),
    );
    return () => clearTimeout(timer);
    // `now` too: a timer cut short by the longest delay is set again from where it stopped.
  }, [next, now]);
  return now;
}
