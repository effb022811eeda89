import { describe, expect, it } from 'vitest';
import {
  parseMachineTicks,
  parseSchedstat,
  shareOfACore,
  stealShare,
} from '../../scripts/bench-relay/process-cpu';

describe("the benchmark's CPU accounting", () => {
  it("reads a thread's time on a core and waiting for one from its schedstat line", () => {
    expect(parseSchedstat('1167729069 1378817920 9386\n')).toEqual({
      runNs: 1_167_729_069,
      waitNs: 1_378_817_920,
    });
    expect(() => parseSchedstat('')).toThrow(/not a schedstat line/);
    expect(() => parseSchedstat('12 -4 1')).toThrow(/not a schedstat line: "12 -4 1"/);
  });

  it('turns two readings into percent of one core over the time between them', () => {
    const before = { runNs: 1_000_000_000, waitNs: 50_000_000 };
    const after = { runNs: 1_300_000_000, waitNs: 150_000_000 };
    // 300 ms on a core and 100 ms waiting, over 2 s.
    expect(shareOfACore(before, after, 2_000)).toEqual({ busy: 15, waiting: 5 });
    // A process whose threads ended between the readings shows no time, not negative time.
    expect(shareOfACore(after, before, 2_000)).toEqual({ busy: 0, waiting: 0 });
  });

  it("reads the machine's ticks from /proc/stat, counting guest time once, and the share stolen", () => {
    const procStat = (steal: number, idle: number) =>
      [
        `cpu  100 0 50 ${idle} 10 0 5 ${steal} 40 0`,
        'cpu0 50 0 25 400 5 0 2 0 20 0',
        'intr 12345',
      ].join('\n');
    const before = parseMachineTicks(procStat(10, 800));
    expect(before).toEqual({ total: 100 + 50 + 800 + 10 + 5 + 10, steal: 10 });
    // 100 more ticks, 25 of them stolen by the host.
    const after = parseMachineTicks(procStat(35, 875));
    expect(stealShare(before, after)).toBe(25);
    expect(stealShare(before, before)).toBe(0);
    expect(() => parseMachineTicks('intr 1')).toThrow(/no cpu line/);
    expect(() => parseMachineTicks('cpu  1 2 3')).toThrow(/no cpu line/);
  });
});
