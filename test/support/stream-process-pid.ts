import { readdirSync, readFileSync } from 'node:fs';

/** The pid of this process's child running the relay's stream process (Linux: read from /proc). */
export function streamProcessPid(): number | undefined {
  const children = readdirSync(`/proc/${process.pid}/task`).flatMap((thread) =>
    readFileSync(`/proc/${process.pid}/task/${thread}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number),
  );
  return children.find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('stream-process');
    } catch {
      return false;
    }
  });
}
