import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface RelayOutput {
  /** The relay's URL, once it says it is listening. */
  readonly listening: Promise<string>;
  /** What it printed before that, to show if it exits instead. */
  startOutput(): string;
}

/**
 * Reads the relay's stdout to the end, so that it never waits on a full pipe. Until the relay
 * listens its lines are kept; after, each is passed on as it comes: at the benchmark's log level
 * (warn) those are the relay's warnings, which a run should show beside its figures.
 */
export function watchRelayOutput(stdout: Readable, passOn: (line: string) => void): RelayOutput {
  const startLines: string[] = [];
  let listened = false;
  let onListening: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => (onListening = resolve));
  createInterface({ input: stdout, crlfDelay: Infinity }).on('line', (line) => {
    if (listened) return passOn(line);
    startLines.push(line);
    const url = /listening on (http:\/\/[\d.:]+)/.exec(line)?.[1];
    if (url) {
      listened = true;
      startLines.length = 0;
      onListening(url);
    }
  });
  return { listening, startOutput: () => startLines.map((line) => `${line}\n`).join('') };
}
