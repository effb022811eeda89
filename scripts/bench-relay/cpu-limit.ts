import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * A CPU quota on a process and on every process it starts afterwards (they inherit its cgroup):
 * at most `cores` of a core's time together in every scheduling period, as a slower machine would
 * give them. Linux cgroups with the cpu controller, v2 or v1; creating one takes root.
 */
export interface CpuLimit {
  cores: number;
  /** What was set, for the benchmark's first lines. */
  description: string;
  /** Moves the process back where it was and removes the group (once its other members are gone). */
  release(): void;
}

/** The scheduling period of the quota: short, so the limit slows work down evenly. */
const shortestPeriodUs = 2_000;
/** The kernel refuses a quota under 1 ms a period. */
const leastQuotaUs = 1_000;
const groupPrefix = 'relay-bench-';
const defaultCgroupRoot = '/sys/fs/cgroup';

/** The quota and period giving `cores` of a core's time, the quota no less than the kernel allows. */
export function quotaFor(cores: number): { quotaUs: number; periodUs: number } {
  const period = Math.max(shortestPeriodUs, Math.ceil(leastQuotaUs / cores));
  return { quotaUs: Math.round(cores * period), periodUs: period };
}

export interface CpuHierarchy {
  version: 1 | 2;
  /** Where the cpu controller's groups are made: the v2 root, or v1's cpu hierarchy. */
  root: string;
}

/** Where this machine's cgroups with the cpu controller are, if it has them. */
export function findCpuHierarchy(cgroupRoot = defaultCgroupRoot): CpuHierarchy | undefined {
  const v2Controllers = join(cgroupRoot, 'cgroup.controllers');
  if (existsSync(v2Controllers))
    return /\bcpu\b/.test(readFileSync(v2Controllers, 'utf8'))
      ? { version: 2, root: cgroupRoot }
      : undefined;
  const v1 = join(cgroupRoot, 'cpu');
  if (existsSync(join(v1, 'cpu.cfs_quota_us'))) return { version: 1, root: v1 };
  return undefined;
}

/**
 * The cgroup `pid` is in now, relative to the layout's root, from /proc/<pid>/cgroup: the v2 line
 * ("0::/path"), or the v1 line of the hierarchy the cpu controller is in ("4:cpu,cpuacct:/path").
 */
export function currentGroup(procCgroup: string, version: 1 | 2): string {
  for (const line of procCgroup.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line.trim()) ?? [];
    if (path === undefined) continue;
    if (version === 2 ? controllers === '' : controllers?.split(',').includes('cpu')) return path;
  }
  return '/';
}

const hasCpuController = (subtreeControl: string) =>
  existsSync(subtreeControl) && /\bcpu\b/.test(readFileSync(subtreeControl, 'utf8'));

/** Leaves the root's cpu controller as this run found it: off. */
function disableCpuController(subtreeControl: string): void {
  try {
    writeFileSync(subtreeControl, '-cpu');
  } catch {
    // Something else enabled it in a group below meanwhile (EBUSY): it is in use, so it stays.
  }
}

/** Removes groups earlier runs left behind when they were killed; a group still in use stays. */
function removeLeftoverGroups(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(groupPrefix)) continue;
    try {
      rmdirSync(join(root, name));
    } catch {
      // Still has processes in it, or not ours to remove.
    }
  }
}

/**
 * Puts process `pid` in a cgroup of its own limited to `cores` of a core's time. Throws, saying
 * what is missing, where there are no cgroups with the cpu controller or no right to create one.
 */
export function limitCpu(cores: number, options: { pid: number; cgroupRoot?: string }): CpuLimit {
  const cgroupRoot = options.cgroupRoot ?? defaultCgroupRoot;
  const layout = findCpuHierarchy(cgroupRoot);
  if (!layout)
    throw new Error(
      `no cgroup cpu controller at ${cgroupRoot} (v2, or v1 at ${join(cgroupRoot, 'cpu')}), which a CPU limit needs`,
    );
  const { quotaUs, periodUs: period } = quotaFor(cores);
  const group = join(layout.root, `${groupPrefix}${options.pid}`);
  const home = join(
    layout.root,
    currentGroup(readFileSync(`/proc/${options.pid}/cgroup`, 'utf8'), layout.version),
  );
  const subtreeControl = join(layout.root, 'cgroup.subtree_control');
  /** Whether this run enabled the cpu controller below the root, to be disabled again at release. */
  let enabledCpuController = false;
  try {
    removeLeftoverGroups(layout.root);
    if (layout.version === 2) {
      // The root's children get the cpu controller only once it is enabled below the root.
      if (!hasCpuController(subtreeControl)) {
        writeFileSync(subtreeControl, '+cpu');
        enabledCpuController = true;
      }
      mkdirSync(group);
      writeFileSync(join(group, 'cpu.max'), `${quotaUs} ${period}`);
    } else {
      mkdirSync(group);
      writeFileSync(join(group, 'cpu.cfs_period_us'), String(period));
      writeFileSync(join(group, 'cpu.cfs_quota_us'), String(quotaUs));
    }
    writeFileSync(join(group, 'cgroup.procs'), String(options.pid));
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    try {
      rmdirSync(group);
    } catch {
      // Never made.
    }
    if (enabledCpuController) disableCpuController(subtreeControl);
    throw new Error(
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? `cannot create a cgroup under ${layout.root} (${code}): a CPU limit needs root`
        : `cannot set up a CPU limit under ${layout.root}: ${message}`,
      { cause: error },
    );
  }
  return {
    cores,
    description:
      `${cores} of a core for every process together (cgroup v${layout.version} cpu quota ` +
      `${quotaUs} µs every ${period} µs)`,
    release() {
      writeFileSync(join(home, 'cgroup.procs'), String(options.pid));
      try {
        rmdirSync(group);
      } catch {
        // A member still exiting: the next run removes the group, and the controller stays on.
        return;
      }
      if (enabledCpuController) disableCpuController(subtreeControl);
    },
  };
}
