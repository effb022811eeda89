import {
  linkSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Who holds a data directory: the relay's pid and, where the machine has Linux's /proc, what tells
 * a relay that died (or ran before the machine restarted) from another process given its pid
 * since, and a relay in another container, or on another machine, from one on this one.
 */
interface LockOwner {
  pid: number;
  /** The kernel's id of the boot the owner ran in. */
  bootId: string | null;
  /** When the owner started, in clock ticks after that boot (`/proc/<pid>/stat`'s 22nd field). */
  startTime: string | null;
  /** The owner's pid namespace (`/proc/self/ns/pid`'s link): a container has its own. */
  pidNamespace: string | null;
  /** The machine's id (`/etc/machine-id`), the same across its boots. */
  machineId: string | null;
}

export interface DataDirLockOptions {
  /**
   * How often the holder renews its lock, by touching its file (default 10 s). Another relay that
   * cannot see the holder's process (in another container or on another machine) takes a lock not
   * renewed for `lockLapseMs` for a dead relay's.
   */
  renewEveryMs?: number;
  /**
   * Called once where a renewal, or `stillHeld`, finds the lock no longer this process's: another
   * relay took it over (this one did not renew it for `lockLapseMs`: a paused machine, a stopped
   * process), or it was deleted. The holder must stop writing: another relay may be writing the
   * same log.
   */
  onLost?: () => void;
}

export interface DataDirLock {
  /**
   * Whether the lock is still this process's, to ask before each write. While its renewals are on
   * time this is known without a look at the disk; where one is overdue the process was held up
   * (frozen, or its event loop blocked) and another relay may have taken the lock over meanwhile:
   * the lock is read (and renewed, if still its own) first. Without this, a relay resuming after a
   * freeze would write the webhooks that arrived meanwhile before its renewal timer ran.
   *
   * Throws the file system's error where the overdue lock cannot be read or touched (EIO, EMFILE,
   * EROFS): the lock may have been taken over, so nothing is to be written, but it is not taken
   * for lost either, and is looked at again at the next write and renewal.
   */
  stillHeld(): boolean;
  /** Deletes the lock if it is still this process's. */
  release(): void;
}

const lockFileName = 'relay.lock';
const defaultRenewEveryMs = 10_000;
/** Three renewals missed; comfortably longer than a busy machine delays a timer. */
export const lockLapseMs = 30_000;
const guardLapseMs = 5_000;
/** For a synchronous wait of a millisecond while another process holds the takeover guard. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Takes the data directory for this process, or throws where a running relay holds it. Two relays
 * appending to one log would overwrite each other's records, answered 200 or not. A lock left by a
 * relay that died (kill -9, a crash, the machine losing power) is taken over, even where its pid
 * now belongs to another process; one left in another container or on another machine, whose
 * process cannot be looked at from here, once it has not been renewed for `lockLapseMs`. Within
 * one process the caller is trusted: a log reopened without closing (as tests of crash recovery
 * do) takes the lock over too.
 *
 * Relays started at the same moment take the lock one at a time: the lock appears whole (linked
 * from a draft written first, where creating it and then writing it would let another read it
 * empty and take it for a torn lock), and a stale lock is removed by one process at a time, only
 * as it was read (deleting it by name could delete one another relay has just put there).
 */
export function lockDataDir(dataDir: string, options: DataDirLockOptions = {}): DataDirLock {
  const path = join(dataDir, lockFileName);
  const here = ownerOf(process.pid);
  const mine = formatLockOwner(here);
  const draft = `${path}.${process.pid}.draft`;
  writeFileSync(draft, mine);
  try {
    for (;;) {
      try {
        linkSync(draft, path);
        return holdLock(path, mine, options);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const seen = readIfPresent(path);
      if (seen === null) continue;
      const refusal = refusalOf(parseLockOwner(seen.text), here, seen.modifiedMs, {
        dataDir,
        path,
      });
      if (refusal !== null) throw new Error(refusal);
      removeIfUnchanged(path, seen.text, { draft, mine });
    }
  } finally {
    unlinkSync(draft);
  }
}

/** Renews the lock while it is this process's, and says when it no longer is. */
function holdLock(path: string, mine: string, options: DataDirLockOptions): DataDirLock {
  const renewEveryMs = options.renewEveryMs ?? defaultRenewEveryMs;
  const isMine = () => readIfPresent(path)?.text === mine;
  // Monotonic: a wall clock set back or forward must not hide a hold-up or make one up.
  let renewedAt = performance.now();
  let lost = false;
  /**
   * Touches the lock if it is still this process's (true); otherwise it is lost, and the holder
   * told (false). Throws where the file system would not say (a disk failing or remounted
   * read-only, no file descriptor left): that is no sign of another relay.
   */
  const renew = (): boolean => {
    if (lost) return false;
    try {
      if (isMine()) {
        utimesSync(path, new Date(), new Date());
        renewedAt = performance.now();
        return true;
      }
    } catch (error) {
      // Deleted between the read and the touch: lost too.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    lost = true;
    clearInterval(renewal);
    options.onLost?.();
    return false;
  };
  const renewal = setInterval(() => {
    try {
      renew();
    } catch {
      // Tried again at the next renewal; meanwhile writes find the renewal overdue and ask again.
    }
  }, renewEveryMs);
  renewal.unref();
  return {
    stillHeld: () => !lost && (performance.now() - renewedAt <= renewEveryMs || renew()),
    release() {
      clearInterval(renewal);
      try {
        // A relay that took the lock over (this one's process frozen past the lapse) keeps its own.
        if (isMine()) unlinkSync(path);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
}

/**
 * Why the lock's owner keeps the directory from this process (`here`), or null where the lock is
 * to be taken over: this process's own, or one a relay that no longer runs left.
 */
function refusalOf(
  owner: LockOwner | null,
  here: LockOwner,
  modifiedMs: number,
  { dataDir, path }: { dataDir: string; path: string },
): string | null {
  // No pid: a lock torn as an earlier version wrote it, or something else's file.
  if (owner === null) return null;
  const otherBoot = differs(owner.bootId, here.bootId);
  const otherNamespace = differs(owner.pidNamespace, here.pidNamespace);
  if (
    owner.pid === process.pid &&
    !otherBoot &&
    !otherNamespace &&
    !differs(owner.startTime, here.startTime)
  )
    return null;
  // Another boot of this machine: everything of the one before has stopped.
  if (otherBoot && owner.machineId !== null && owner.machineId === here.machineId) return null;
  if (otherBoot || otherNamespace) {
    const renewedMsAgo = Math.max(0, Date.now() - modifiedMs);
    if (renewedMsAgo >= lockLapseMs) return null;
    return (
      `${dataDir} is in use by a relay in another container or on another machine (process ` +
      `${owner.pid} there, which renewed its lock ${Math.round(renewedMsAgo / 1000)} s ago). ` +
      `Stop it, or give this one its own --data-dir. A lock not renewed for ` +
      `${lockLapseMs / 1000} s is taken over: if no relay is running, start this one again ` +
      `then, or delete ${path}.`
    );
  }
  if (differs(owner.startTime, readStartTime(owner.pid)) || !isRunning(owner.pid)) return null;
  return (
    `${dataDir} is in use by another relay (process ${owner.pid}). Stop it, or give this one ` +
    `its own --data-dir. If no relay is running, delete ${path}.`
  );
}

/** Whether both are known and differ: where either side lacks one, it tells nothing. */
const differs = (a: string | null, b: string | null) => a !== null && b !== null && a !== b;

/**
 * Removes the lock at `path` if it still reads `seen`. Only one process at a time removes a lock,
 * holding `relay.lock.takeover` meanwhile: while the lock is there no other can be put in its
 * place, so the lock it reads under that guard is the one it removes, never one another relay has
 * just made.
 */
function removeIfUnchanged(
  path: string,
  seen: string,
  { draft, mine }: { draft: string; mine: string },
): void {
  const guard = `${path}.takeover`;
  takeGuard(guard, draft);
  try {
    if (readIfPresent(path)?.text === seen) unlinkSync(path);
  } finally {
    if (readIfPresent(guard)?.text === mine) unlinkSync(guard);
  }
}

/**
 * Holds for microseconds, so another's guard is waited out; one older than `guardLapseMs` was left
 * by a process that died holding it, and goes (moved aside and compared, as two processes may
 * find it at once).
 */
function takeGuard(guard: string, draft: string): void {
  for (;;) {
    try {
      linkSync(draft, guard);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = readIfPresent(guard);
    if (held === null) continue;
    if (Date.now() - held.modifiedMs < guardLapseMs) {
      Atomics.wait(pause, 0, 0, 1);
      continue;
    }
    const aside = `${guard}.${process.pid}.stale`;
    try {
      renameSync(guard, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    try {
      if (readFileSync(aside, 'utf8') !== held.text) linkSync(aside, guard);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(aside);
    }
  }
}

function readIfPresent(path: string): { text: string; modifiedMs: number } | null {
  try {
    const modifiedMs = statSync(path).mtimeMs;
    return { text: readFileSync(path, 'utf8'), modifiedMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The lock file's text: the pid on its first line (as pid files have it), then the boot, the
 * start, the pid namespace and the machine, one a line.
 */
function formatLockOwner(owner: LockOwner): string {
  const { pid, bootId, startTime, pidNamespace, machineId } = owner;
  return `${[pid, bootId, startTime, pidNamespace, machineId].map((value) => value ?? '').join('\n')}\n`;
}

/** A lock file's owner; null where it names no pid. Earlier versions wrote the first three lines. */
function parseLockOwner(text: string): LockOwner | null {
  const [pidLine = '', bootId, startTime, pidNamespace, machineId] = text
    .split('\n')
    .map((line) => line.trim() || null);
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return {
    pid,
    bootId: bootId ?? null,
    startTime: startTime ?? null,
    pidNamespace: pidNamespace ?? null,
    machineId: machineId ?? null,
  };
}

/** This process's owner fields; `pid` another's start time, for comparison. */
function ownerOf(pid: number): LockOwner {
  return {
    pid,
    bootId: readTrimmed('/proc/sys/kernel/random/boot_id'),
    startTime: readStartTime(pid),
    pidNamespace: readPidNamespace(),
    machineId: readTrimmed('/etc/machine-id') ?? readTrimmed('/var/lib/dbus/machine-id'),
  };
}

function readTrimmed(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function readPidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

/** Null where there is no /proc or no such process. */
function readStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command's name (field 2, in parentheses) may itself hold spaces and parentheses.
  const fieldsAfterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fieldsAfterName[22 - 3] ?? null;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
