import { readFile } from 'node:fs/promises';

/** The relay's resident memory at one moment, from /proc, in bytes. */
export interface RelayMemory {
  /** Every process's resident set added up: the Node binary's pages counted in each. */
  rss: number;
  /** Each process's own pages (anonymous and shared memory), the main process's first. */
  mainPrivate: number;
  streamPrivate: number;
  /** The file-backed pages of the process with the most (the Node binary they share). */
  fileBacked: number;
  /** The relay's processes found: 2 with a stream process. */
  processes: number;
}

/** `bytes` in MB (of 1024 * 1024 bytes), to a tenth, as the benchmarks print memory: "141.3 MB". */
export const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The relay's memory with the Node binary's pages, mapped by each of its processes, counted once. */
export const binaryCountedOnce = (
  memory: Pick<RelayMemory, 'mainPrivate' | 'streamPrivate' | 'fileBacked'>,
): number => memory.mainPrivate + memory.streamPrivate + memory.fileBacked;

/** The pids of `pid`'s child processes (the relay's stream process, unless --single-process). */
export async function childPids(pid: number): Promise<number[]> {
  return (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8'))
    .split(' ')
    .filter(Boolean)
    .map(Number);
}

const kilobytes = (status: string, field: string) =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;

/**
 * The memory of the relay whose main process is `pid`, and its children's, read from /proc (so
 * that measuring it costs the relay nothing). Its total with the binary counted once is
 * `binaryCountedOnce`.
 */
export async function readRelayMemory(pid: number): Promise<RelayMemory> {
  const statuses = await Promise.all(
    [pid, ...(await childPids(pid))].map((each) =>
      readFile(`/proc/${each}/status`, 'utf8').catch(() => ''),
    ),
  );
  let rss = 0;
  const privateOf: number[] = [];
  let fileBacked = 0;
  for (const status of statuses) {
    rss += kilobytes(status, 'VmRSS');
    privateOf.push(kilobytes(status, 'RssAnon') + kilobytes(status, 'RssShmem'));
    fileBacked = Math.max(fileBacked, kilobytes(status, 'RssFile'));
  }
  const [mainPrivate = 0, ...childrenPrivate] = privateOf;
  return {
    rss,
    mainPrivate,
    streamPrivate: childrenPrivate.reduce((sum, bytes) => sum + bytes, 0),
    fileBacked,
    processes: statuses.filter(Boolean).length,
  };
}
