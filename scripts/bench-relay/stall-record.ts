/**
 * How late a periodic timer fired, kept for the stalls that matter: each tick's lateness is the
 * time since the previous tick beyond the period, and only lateness over `keepOverMs` is kept,
 * with the monotonic time the stall ended, so that a round can ask what happened within it.
 */
export interface StallRecord {
  /** A tick at `nowUs` (microseconds on CLOCK_MONOTONIC). */
  tick(nowUs: number): void;
  /** The longest stall that ended from `fromUs` to `toUs`, and how many there were over `overMs`. */
  within(fromUs: number, toUs: number, overMs: number): { worstMs: number; over: number };
  /** Forgets stalls that ended before `beforeUs`: a round asks about its own window only once. */
  forget(beforeUs: number): void;
}

export function createStallRecord(periodMs: number, keepOverMs: number): StallRecord {
  const endedUs: number[] = [];
  const lateMs: number[] = [];
  let lastUs: number | undefined;
  return {
    tick(nowUs) {
      if (lastUs !== undefined) {
        const late = (nowUs - lastUs) / 1000 - periodMs;
        if (late > keepOverMs) {
          endedUs.push(nowUs);
          lateMs.push(late);
        }
      }
      lastUs = nowUs;
    },
    within(fromUs, toUs, overMs) {
      let worstMs = 0;
      let over = 0;
      endedUs.forEach((ended, i) => {
        if (ended < fromUs || ended > toUs) return;
        const late = lateMs[i] ?? 0;
        worstMs = Math.max(worstMs, late);
        if (late > overMs) over++;
      });
      return { worstMs, over };
    },
    forget(beforeUs) {
      const keep = endedUs.findIndex((ended) => ended >= beforeUs);
      const drop = keep === -1 ? endedUs.length : keep;
      endedUs.splice(0, drop);
      lateMs.splice(0, drop);
    },
  };
}
