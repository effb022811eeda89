import type { ToStreamProcess } from '../../src/relay/stream-process-protocol';

/** The first message a stream process gets from the main process, for a log with nothing in it. */
export const initForEmptyLog: ToStreamProcess = {
  type: 'init',
  logId: 'test-log-0001',
  heartbeatIntervalMs: 30_000,
  fanOutWindowMs: 8,
  fanOutWindowMaxMs: 50,
  maxClients: 1_000,
  headSeq: 0,
  oldestSeq: null,
};
