/**
 * The relay's stream process: serves every `/v1/stream` subscriber, forked by the relay's main
 * process (stream-process-host.ts), which hands it each authorised connection's socket and every
 * committed event, and answers its reads of older events from the log. Sending to hundreds of
 * subscribers is most of the relay's work; here it runs on the other core, apart from the main
 * process's webhooks and durable writes.
 */
import type { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { StoredEvent } from './event-log';
import type { CommittedEvents } from './stream-events';
import { createStreamHub, type StreamHub } from './stream-hub';
import {
  checkMessage,
  notUnderstood,
  toStreamProcessSchema,
  type FromStreamProcess,
  type LogPosition,
} from './stream-process-protocol';
import {
  streamCountNames,
  type StreamCountName,
  type StreamLog,
  type StreamMetrics,
} from './stream-reporting';
import { ignoreErrorsBeforeHandshake } from './upgrade-socket';

// This process loads no logger and no metrics library (each would cost it memory it is measured
// on, docs/relay-benchmark-log.md, "2026-12-02: a leaner stream process"): it sends its log lines
// and counts to the main process, which has both.
const toMain = (message: FromStreamProcess) => process.send?.(message);
const log: StreamLog = {
  info: (fields, message) => toMain({ type: 'log', level: 'info', fields, message }),
  warn: (fields, message) => toMain({ type: 'log', level: 'warn', fields, message }),
  error: (fields, message) => toMain({ type: 'log', level: 'error', fields, message }),
};

/**
 * Counts not yet sent: at most this late (so a stream process that crashes loses no more of them),
 * and always before a status answer (/metrics asks one, so it is current).
 */
const metricsFlushMs = 250;
const maxDelaysHeld = 4096;
const nothingCounted = () => ({
  counts: Object.fromEntries(streamCountNames.map((name) => [name, 0])) as Record<
    StreamCountName,
    number
  >,
  fanOutDelaysMs: [] as number[],
});
let counted = nothingCounted();
function sendMetrics(): void {
  const { counts, fanOutDelaysMs } = counted;
  if (Object.values(counts).every((count) => count === 0) && fanOutDelaysMs.length === 0) return;
  toMain({ type: 'metrics', ...counts, fanOutDelaysMs });
  counted = nothingCounted();
}
const addTo =
  (name: StreamCountName) =>
  (count: number): void => {
    counted.counts[name] += count;
  };
const metrics: StreamMetrics = {
  fannedOut(ms) {
    counted.fanOutDelaysMs.push(ms);
    if (counted.fanOutDelaysMs.length >= maxDelaysHeld) sendMetrics();
  },
  ...(Object.fromEntries(streamCountNames.map((name) => [name, addTo(name)])) as Record<
    StreamCountName,
    (count: number) => void
  >),
};
setInterval(sendMetrics, metricsFlushMs).unref();

// This process's event loop delays, sampled as prom-client samples the main process's (every
// 10 ms, its default), for /metrics: the worst since the last scrape.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const position: LogPosition = { headSeq: 0, oldestSeq: null };
const commitListeners = new Set<(events: readonly StoredEvent[]) => void>();
const reads = new Map<
  number,
  { resolve(events: readonly StoredEvent[]): void; reject(error: Error): void }
>();
let nextReadId = 1;
/**
 * Reads asked of the main process at once; more wait their turn here. Each answer is up to the room
 * left in the asking subscriber's socket (at most 1 MiB), and the main process reads and queues
 * every answer it is asked for at once: with 200 subscribers behind at positions far apart, its own
 * pages reached 324-341 MB, against 52-69 MB four at a time, the subscribers reading on as soon
 * (docs/relay-benchmark-log.md, "2026-12-06, night" and "late night").
 */
const readsAtOnce = 4;
const limitReads = pLimit(readsAtOnce);
/** Handed-over sockets whose handshake waits for the main process to let go of them. */
const upgrades = new Map<number, () => void>();
let hub: StreamHub | null = null;

const updatePosition = (from: LogPosition) => {
  position.headSeq = from.headSeq;
  position.oldestSeq = from.oldestSeq;
};

const events: CommittedEvents = {
  headSeq: () => position.headSeq,
  oldestSeq: () => position.oldestSeq,
  readAfter: (cursor, limit, maxBytes) =>
    limitReads(() => {
      const id = nextReadId++;
      return new Promise<readonly StoredEvent[]>((resolve, reject) => {
        reads.set(id, { resolve, reject });
        toMain({ type: 'read', id, cursor, limit, maxBytes });
      });
    }),
  onCommit(listener) {
    commitListeners.add(listener);
    return () => void commitListeners.delete(listener);
  },
};

process.on('message', (received: unknown, handle?: Socket) => {
  if (handle !== undefined) ignoreErrorsBeforeHandshake(handle);
  const checked = checkMessage(toStreamProcessSchema, received);
  if ('problem' in checked) {
    handle?.destroy();
    log.error({ problem: checked.problem }, notUnderstood('the main process'));
    return;
  }
  const { message } = checked;
  switch (message.type) {
    case 'init':
      updatePosition(message);
      hub = createStreamHub({
        logId: message.logId,
        events,
        log,
        metrics,
        heartbeatIntervalMs: message.heartbeatIntervalMs,
        fanOutWindowMs: message.fanOutWindowMs,
        fanOutWindowMaxMs: message.fanOutWindowMaxMs,
        maxClients: message.maxClients,
      });
      toMain({ type: 'ready' });
      return;
    case 'commit':
      updatePosition(message);
      for (const listener of commitListeners) listener(message.events);
      return;
    case 'read-result': {
      updatePosition(message);
      reads.get(message.id)?.resolve(message.events);
      reads.delete(message.id);
      return;
    }
    case 'read-failed':
      reads.get(message.id)?.reject(new Error(message.message));
      reads.delete(message.id);
      return;
    case 'upgrade': {
      // The client may have gone while its socket was on the way.
      if (handle === undefined) return;
      if (hub === null) {
        handle.destroy();
        return;
      }
      const current = hub;
      upgrades.set(message.id, () =>
        current.accept(message, handle, Buffer.from(message.head, 'base64')),
      );
      return;
    }
    case 'upgrade-go':
      upgrades.get(message.id)?.();
      upgrades.delete(message.id);
      return;
    case 'status': {
      sendMetrics();
      const { rss, heapUsed } = process.memoryUsage();
      toMain({
        type: 'status-result',
        id: message.id,
        ...(hub?.figures() ?? { clients: 0, fanOutWindowMs: 0, queuedBytes: 0, clientsByName: [] }),
        process: {
          residentBytes: rss,
          heapUsedBytes: heapUsed,
          loopDelayMaxMs: loopDelay.count > 0 ? loopDelay.max / 1e6 : 0,
        },
      });
      if (message.forMetrics) loopDelay.reset();
      return;
    }
    case 'close':
      // The main process waits for this process to exit.
      void (hub?.close(message.drainTimeoutMs) ?? Promise.resolve()).then(() => {
        sendMetrics();
        process.disconnect?.();
      });
      return;
  }
});

// The main process is gone (it exited, or was killed): so are the reads and commits this process
// lives on. Its subscribers reconnect to the relay's next start and resume from their cursors.
process.on('disconnect', () => process.exit(0));
