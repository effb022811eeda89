import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentGroup, limitCpu, quotaFor } from '../../scripts/bench-relay/cpu-limit';
import { makeTempDir } from '../support/temp-dir';

type TempDir = ReturnType<typeof makeTempDir>;

describe('the benchmark CPU limit', () => {
  it('gives the quota per 2 ms period, and a longer period where the quota would be under 1 ms', () => {
    expect(quotaFor(0.8)).toEqual({ quotaUs: 1600, periodUs: 2000 });
    expect(quotaFor(2)).toEqual({ quotaUs: 4000, periodUs: 2000 });
    expect(quotaFor(0.25)).toEqual({ quotaUs: 1000, periodUs: 4000 });
    expect(quotaFor(0.3)).toEqual({ quotaUs: 1000, periodUs: 3334 });
  });

  it("reads the process's group from /proc/<pid>/cgroup, v2 or the cpu controller's v1 line", () => {
    const v1 = '9:name=systemd:/user\n4:memory:/m\n2:cpu,cpuacct:/work/a\n0::/unified\n';
    expect(currentGroup(v1, 1)).toBe('/work/a');
    expect(currentGroup(v1, 2)).toBe('/unified');
    expect(currentGroup('1:cpuacct:/x\n', 1)).toBe('/');
  });

  describe('on a cgroup tree', () => {
    let temp: TempDir;
    afterEach(() => temp.remove());
    const group = (root: string) => join(root, `relay-bench-${process.pid}`);

    it('v2: enables the cpu controller below the root, sets cpu.max and moves the process in', () => {
      temp = makeTempDir('cpu-limit-v2');
      writeFileSync(join(temp.path, 'cgroup.controllers'), 'cpu memory\n');
      const limit = limitCpu(0.8, { pid: process.pid, cgroupRoot: temp.path });
      expect(readFileSync(join(temp.path, 'cgroup.subtree_control'), 'utf8')).toBe('+cpu');
      expect(readFileSync(join(group(temp.path), 'cpu.max'), 'utf8')).toBe('1600 2000');
      expect(readFileSync(join(group(temp.path), 'cgroup.procs'), 'utf8')).toBe(
        String(process.pid),
      );
      expect(limit.description).toBe(
        '0.8 of a core for every process together (cgroup v2 cpu quota 1600 µs every 2000 µs)',
      );
    });

    /**
     * A v2 tree whose root's subtree_control reads `subtreeControl`, with the group this process is
     * in (its home, to be moved back to); a CPU limit set on it and released.
     */
    function limitAndReleaseOnV2(subtreeControl: string) {
      temp = makeTempDir('cpu-limit-v2-release');
      writeFileSync(join(temp.path, 'cgroup.controllers'), 'cpu memory\n');
      const home = join(temp.path, currentGroup(readFileSync('/proc/self/cgroup', 'utf8'), 2));
      mkdirSync(home, { recursive: true });
      const control = join(temp.path, 'cgroup.subtree_control');
      writeFileSync(control, subtreeControl);
      const limit = limitCpu(0.8, { pid: process.pid, cgroupRoot: temp.path });
      const controlWhileLimited = readFileSync(control, 'utf8');
      // A real group's files go with it; here they must go first for rmdir to succeed.
      for (const file of ['cpu.max', 'cgroup.procs']) rmSync(join(group(temp.path), file));
      limit.release();
      return {
        home,
        controlWhileLimited,
        controlAfter: readFileSync(control, 'utf8'),
        groupLeft: existsSync(group(temp.path)),
      };
    }

    it('v2: at release moves the process home, removes the group and turns off the controller it turned on', () => {
      const released = limitAndReleaseOnV2('memory\n');
      // The tree here is plain files: each write replaces what the kernel would have merged.
      expect(released.controlWhileLimited).toBe('+cpu');
      expect(released.groupLeft).toBe(false);
      expect(readFileSync(join(released.home, 'cgroup.procs'), 'utf8')).toBe(String(process.pid));
      expect(released.controlAfter).toBe('-cpu');
    });

    it('v2: leaves the cpu controller alone where it was already on', () => {
      const released = limitAndReleaseOnV2('cpu memory\n');
      expect(released.controlWhileLimited).toBe('cpu memory\n');
      expect(released.groupLeft).toBe(false);
      expect(released.controlAfter).toBe('cpu memory\n');
    });

    it('v1: sets the period and quota in the cpu hierarchy and moves the process in', () => {
      temp = makeTempDir('cpu-limit-v1');
      const cpu = join(temp.path, 'cpu');
      mkdirSync(cpu);
      writeFileSync(join(cpu, 'cpu.cfs_quota_us'), '-1\n');
      limitCpu(0.25, { pid: process.pid, cgroupRoot: temp.path });
      expect(readFileSync(join(group(cpu), 'cpu.cfs_period_us'), 'utf8')).toBe('4000');
      expect(readFileSync(join(group(cpu), 'cpu.cfs_quota_us'), 'utf8')).toBe('1000');
      expect(readFileSync(join(group(cpu), 'cgroup.procs'), 'utf8')).toBe(String(process.pid));
    });

    it('says what is missing where there is no cpu controller, v2 or v1', () => {
      temp = makeTempDir('cpu-limit-none');
      const missing = `no cgroup cpu controller at ${temp.path} (v2, or v1 at ${join(temp.path, 'cpu')}), which a CPU limit needs`;
      expect(() => limitCpu(1, { pid: process.pid, cgroupRoot: temp.path })).toThrow(missing);
      // cgroup v2 without the cpu controller.
      writeFileSync(join(temp.path, 'cgroup.controllers'), 'cpuset io memory pids\n');
      expect(() => limitCpu(1, { pid: process.pid, cgroupRoot: temp.path })).toThrow(missing);
    });
  });
});
