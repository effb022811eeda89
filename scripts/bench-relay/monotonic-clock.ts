/** Microseconds on CLOCK_MONOTONIC: one clock for every process on the machine, unlike performance.now(). */
export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
