import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who holds a data directory: the relay's pid and, where the machine has Linux's /proc, the
 * machine's boot and the process's start, which tell a relay that died (or ran before the machine
 * restarted) from another process given its pid since.
 */
interface LockOwner {
  pid: number;
  /** The kernel's id of the boot the owner ran in. */
  bootId: string | null;
  /** When the owner started, in clock ticks after that boot (`/proc/<pid>/stat`'s 22nd field). */
  startTime: string | null;
}

const lockFileName = 'relay.lock';

/**
 * Takes the data directory for this process, or throws where a running relay holds it. Two relays
 * appending to one log would overwrite each other's records, answered 200 or not. A lock left by a
 * relay that died (kill -9, a crash, the machine losing power) is taken over, even where its pid
 * now belongs to another process. Within one process the caller is trusted: a log reopened without
 * closing (as tests of crash recovery do) takes the lock over too. Returns the release.
 *
 * Relays started at the same moment take the lock one at a time: the lock appears whole (linked
 * from a draft written first, where creating it and then writing it would let another read it
 * empty and take it for a torn lock), and a stale lock is removed only as it was read (moved aside
 * and compared, where deleting it by name could delete one another relay has just put there).
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, lockFileName);
  const draft = `${path}.${process.pid}.draft`;
  writeFileSync(draft, formatLockOwner(ownerOf(process.pid)));
  try {
    for (;;) {
      try {
        linkSync(draft, path);
        return () => {
          try {
            unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const seen = readIfPresent(path);
      if (seen === null) continue;
      const owner = parseLockOwner(seen);
      if (owner && owner.pid !== process.pid && isStillRunning(owner)) {
        throw new Error(
          `${dataDir} is in use by another relay (process ${owner.pid}). Stop it, or give this ` +
            `one its own --data-dir. If no relay is running, delete ${path}.`,
        );
      }
      removeIfUnchanged(path, seen);
    }
  } finally {
    unlinkSync(draft);
  }
}

/**
 * Removes the lock at `path` if it still reads `seen`. Moved aside first, since only one process
 * can move a given file: one that finds it has moved another's lock (made since it read `seen`)
 * puts it back.
 */
function removeIfUnchanged(path: string, seen: string): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') !== seen) linkSync(aside, path);
  } catch (error) {
    // A third relay took the lock in between: the caller reads its lock next.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
}

function readIfPresent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The lock file's text: the pid on its first line (as pid files have it), then boot and start. */
function formatLockOwner(owner: LockOwner): string {
  return `${owner.pid}\n${owner.bootId ?? ''}\n${owner.startTime ?? ''}\n`;
}

/** A lock file's owner; null where it names no pid (a lock torn as it was written). */
function parseLockOwner(text: string): LockOwner | null {
  const [pidLine = '', bootId = '', startTime = ''] = text.split('\n').map((line) => line.trim());
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, bootId: bootId || null, startTime: startTime || null };
}

/**
 * Whether the lock's owner still runs: a process with its pid, in the same boot and started when
 * it did. Where either side lacks a boot or a start (no /proc, a lock of an earlier version), the
 * pid alone decides.
 */
function isStillRunning(owner: LockOwner): boolean {
  const now = ownerOf(owner.pid);
  if (owner.bootId && now.bootId && owner.bootId !== now.bootId) return false;
  if (owner.startTime && now.startTime && owner.startTime !== now.startTime) return false;
  return isRunning(owner.pid);
}

function ownerOf(pid: number): LockOwner {
  return { pid, bootId: readBootId(), startTime: readStartTime(pid) };
}

function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
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
