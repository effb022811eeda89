import { describe, expect, it } from 'vitest';
import { fanOutShare, nextWindowMs } from '../../src/relay/fan-out';

const limits = { minMs: 5, maxMs: 50 };
/** The window after `runs` fan-outs that each took `tookMs`, from `startMs`. */
function settle(startMs: number, tookMs: number, runs = 60): number {
  let window = startMs;
  for (let i = 0; i < runs; i++) window = nextWindowMs(window, tookMs, limits);
  return window;
}

describe('the fan-out window', () => {
  it('stays at its minimum while fan-outs are cheap', () => {
    expect(settle(5, 0.2)).toBe(5);
    expect(settle(30, 0.2)).toBe(5);
  });

  it('settles where a fan-out takes its share of the window', () => {
    expect(settle(5, 6)).toBeCloseTo(6 / fanOutShare, 1);
    expect(settle(50, 3)).toBeCloseTo(3 / fanOutShare, 1);
  });

  it('never grows past its maximum', () => {
    expect(settle(5, 200)).toBe(50);
  });

  it('moves a fifth of the way per fan-out, so one slow run does not swing it', () => {
    const wanted = 12 / fanOutShare;
    expect(nextWindowMs(10, 12, limits)).toBeCloseTo(10 + (wanted - 10) / 5, 6);
  });
});
