/**
 * The relay's stream process: serves every `/v1/stream` subscriber, forked by the relay's main
 * process (stream-process-host.ts), which hands it each authorised connection's socket and every
 * committed event, and answers its reads of older events from the log. Sending to hundreds of
 * subscribers is most of the relay's work; here it runs on the other core, apart from the main
 * process's webhooks and durable writes.
 */
import type { Socket } from 'node:net';
import { Registry } from 'prom-client';
import { createLogger } from '../main/logger';
import type { StoredEvent } from './event-log';
import { createStreamHub, type StreamHub } from './stream-hub';
import type { FromStreamProcess, LogPosition, ToStreamProcess } from './stream-process-protocol';

const toMain = (message: FromStreamProcess) => process.send?.(message);
const logger = createLogger({ name: 'relay-streams' });
const registry = new Registry();
const position: LogPosition = { headSeq: 0, oldestSeq: null };
const commitListeners = new Set<(events: readonly StoredEvent[]) => void>();
const reads = new Map<
  number,
  { resolve(events: readonly StoredEvent[]): void; reject(error: Error): void }
>();
let nextReadId = 1;
/** Handed-over sockets whose handshake waits for the main process to let go of them. */
const upgrades = new Map<number, () => void>();
let hub: StreamHub | null = null;

const updatePosition = (from: LogPosition) => {
  position.headSeq = from.headSeq;
  position.oldestSeq = from.oldestSeq;
};

const events = {
  headSeq: () => position.headSeq,
  oldestSeq: () => position.oldestSeq,
  readAfter(cursor: number, limit: number): Promise<readonly StoredEvent[]> {
    const id = nextReadId++;
    return new Promise((resolve, reject) => {
      reads.set(id, { resolve, reject });
      toMain({ type: 'read', id, cursor, limit });
    });
  },
  onCommit(listener: (events: readonly StoredEvent[]) => void) {
    commitListeners.add(listener);
    return () => void commitListeners.delete(listener);
  },
};

process.on('message', (message: ToStreamProcess, handle?: Socket) => {
  switch (message.type) {
    case 'init':
      updatePosition(message);
      hub = createStreamHub({
        events,
        logger,
        registry,
        heartbeatIntervalMs: message.heartbeatIntervalMs,
        fanOutWindowMs: message.fanOutWindowMs,
        fanOutWindowMaxMs: message.fanOutWindowMaxMs,
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
    case 'status':
      void registry
        .getMetricsAsJSON()
        .then((metrics) =>
          toMain({ type: 'status-result', id: message.id, clients: hub?.clients() ?? 0, metrics }),
        );
      return;
    case 'close':
      void (hub?.close(message.drainTimeoutMs) ?? Promise.resolve()).then(() => {
        toMain({ type: 'closed' });
        process.disconnect?.();
      });
      return;
  }
});

// The main process is gone (it exited, or was killed): so are the reads and commits this process
// lives on. Its subscribers reconnect to the relay's next start and resume from their cursors.
process.on('disconnect', () => process.exit(0));
