import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { dirname, extname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { EventLog, StoredEvent } from './event-log';
import { highWaterBytes } from './stream-connection';
import type { StreamHubFigures, UpgradeRequest } from './stream-hub';
import {
  checkMessage,
  fromStreamProcessSchema,
  notUnderstood,
  type StreamProcessFigures,
  type ToStreamProcess,
} from './stream-process-protocol';
import { streamCountNames, type StreamMetrics } from './stream-reporting';

/** The stream side as the relay's server sees it: served in its process or in a process of its own. */
export interface Streams {
  /**
   * Takes an authorised upgrade and completes its handshake. False when there is no stream
   * process to take it (it is restarting): refuse the upgrade.
   */
  accept(request: UpgradeRequest, socket: Duplex, head: Buffer): boolean;
  /**
   * What the stream metrics' gauges show, with every count made before it in the metrics; null
   * when the stream process does not answer within `timeoutMs`. `forMetrics`: asked for a scrape
   * of /metrics, after which the stream process's worst event loop delay starts anew.
   */
  status(timeoutMs: number, forMetrics: boolean): Promise<StreamStatus | null>;
  /**
   * False between a stream process's exit and its replacement's start: no client is connected
   * then, as its connections ended with it.
   */
  running(): boolean;
  close(drainTimeoutMs: number): Promise<void>;
}

export interface StreamStatus extends StreamHubFigures {
  /** Served in a process of their own: that process's memory and event loop. */
  process?: StreamProcessFigures;
}

const restartDelayMs = 1_000;

/**
 * Where the run of committed `events` from `from` ends: as many as one write to a subscriber
 * takes (at least one). Each commit message is held whole in both processes' heaps.
 */
function endOfWrite(events: readonly StoredEvent[], from: number): number {
  let bytes = 0;
  for (let i = from; i < events.length; i++) {
    bytes += (events[i] as StoredEvent).body.length;
    if (bytes > highWaterBytes && i > from) return i;
  }
  return events.length;
}

/** The loader this process was started with (tsx, as `npm run relay` and the tests run it). */
function tsxLoaderFlags(): string[] {
  const at = process.execArgv.findIndex(
    (flag, i) => flag === '--import' && /tsx/.test(process.execArgv[i + 1] ?? ''),
  );
  return at >= 0 ? process.execArgv.slice(at, at + 2) : ['--import', 'tsx'];
}

/**
 * Forks the stream process and feeds it: every commit of `eventLog`, the reads it asks for, and
 * each authorised stream connection's socket. Should it exit unexpectedly, its subscribers lose
 * their connections (they reconnect and resume from their cursors) and a new one is started.
 */
export async function startStreamProcess(options: {
  eventLog: EventLog;
  logger: Logger;
  /** Where the stream process's counts are added up. */
  metrics: StreamMetrics;
  heartbeatIntervalMs: number;
  fanOutWindowMs: number;
  fanOutWindowMaxMs: number;
  maxClients: number;
}): Promise<Streams> {
  const { eventLog, logger, metrics } = options;
  const streamLogger = logger.child({ process: 'stream' });
  let child: ChildProcess | null = null;
  let closing = false;
  let nextId = 1;
  const statusRequests = new Map<number, (reply: StreamStatus | null) => void>();
  /** Set while a new stream process is starting: its `ready` settles the start. */
  let onReady: (() => void) | null = null;

  // Messages to a stream process that has just exited are dropped: its replacement starts from
  // the log's position, and its subscribers resume from their cursors.
  const send = (message: ToStreamProcess) => {
    if (child?.connected) child.send(message);
  };
  const position = () => ({ headSeq: eventLog.headSeq(), oldestSeq: eventLog.oldestSeq() });

  function onMessage(received: unknown): void {
    const checked = checkMessage(fromStreamProcessSchema, received);
    if ('problem' in checked) {
      logger.error({ problem: checked.problem }, notUnderstood('the stream process'));
      return;
    }
    const { message } = checked;
    if (message.type === 'read') {
      try {
        const maxBytes = Math.min(message.maxBytes, highWaterBytes);
        const events = eventLog.readAfter(message.cursor, message.limit, maxBytes);
        send({ type: 'read-result', id: message.id, events, ...position() });
      } catch (error) {
        logger.error(
          { reason: (error as Error).message },
          'event log read for a subscriber failed',
        );
        send({ type: 'read-failed', id: message.id, message: 'the event log could not be read' });
      }
    } else if (message.type === 'metrics') {
      for (const name of streamCountNames) metrics[name](message[name]);
      for (const ms of message.fanOutDelaysMs) metrics.fannedOut(ms);
    } else if (message.type === 'log') {
      streamLogger[message.level](message.fields, message.message);
    } else if (message.type === 'ready') {
      onReady?.();
      onReady = null;
    } else if (message.type === 'status-result') {
      statusRequests.get(message.id)?.({
        clients: message.clients,
        fanOutWindowMs: message.fanOutWindowMs,
        queuedBytes: message.queuedBytes,
        clientsByName: message.clientsByName,
        process: message.process,
      });
      statusRequests.delete(message.id);
    }
  }

  function spawn(): Promise<void> {
    if (closing) return Promise.resolve();
    const here = fileURLToPath(import.meta.url);
    // Built, the relay is out/relay/cli.js beside out/relay/stream-process.js; from source
    // (npm run relay, the tests) both are TypeScript, run through tsx.
    const fromSource = extname(here) === '.ts';
    const started = fork(join(dirname(here), `stream-process${extname(here)}`), [], {
      execArgv: [
        // The heap limit the relay was deployed with (docs/relay.md, Memory) applies here too.
        ...process.execArgv.filter((flag) => /^--max-old-space-size=\d+$/.test(flag)),
        // Not the main process's young generation: almost all this process allocates (each
        // batch's frames, each client message) is garbage by the next scavenge, and 2 MB
        // semi-spaces hold it for about 10 MB less than 8 MB ones (docs/relay-benchmark-log.md,
        // "2026-12-02: a leaner stream process").
        '--max-semi-space-size=2',
        ...(fromSource ? tsxLoaderFlags() : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // glibc gives threads that contend for malloc arenas of their own (up to 8 per core), and
      // each keeps what was freed in it; 2 took about 2 MB off this process's peak with no
      // slower tail (docs/relay-benchmark-log.md, "2026-12-02: a leaner stream process"). The
      // operator's setting wins.
      env: { MALLOC_ARENA_MAX: '2', ...process.env },
      serialization: 'json',
    });
    child = started;
    started.on('message', onMessage);
    // A send racing its exit fails here rather than ending the relay; the exit is handled below.
    started.on('error', (error) =>
      logger.warn({ reason: error.message }, 'the stream process could not be reached'),
    );
    started.on('exit', (code, signal) => {
      if (child === started) child = null;
      for (const reply of statusRequests.values()) reply(null);
      statusRequests.clear();
      if (closing) return;
      logger.error(
        { code, signal },
        'the stream process exited; its subscribers were disconnected and will resume; starting a new one',
      );
      setTimeout(
        () =>
          void spawn().catch((error: Error) =>
            // Its exit, handled above, schedules the next attempt.
            logger.error({ reason: error.message }, 'the stream process did not start'),
          ),
        restartDelayMs,
      ).unref();
    });
    return new Promise((resolve, reject) => {
      started.once('error', reject);
      started.once('exit', () => reject(new Error('the stream process exited as it started')));
      onReady = resolve;
      send({
        type: 'init',
        logId: eventLog.logId,
        heartbeatIntervalMs: options.heartbeatIntervalMs,
        fanOutWindowMs: options.fanOutWindowMs,
        fanOutWindowMaxMs: options.fanOutWindowMaxMs,
        maxClients: options.maxClients,
        ...position(),
      });
    });
  }

  const stopListening = eventLog.onCommit((committed) => {
    // A commit of many large webhooks goes over in several messages, none much over a write.
    for (let from = 0; from < committed.length;) {
      const end = endOfWrite(committed, from);
      const events =
        from === 0 && end === committed.length ? committed : committed.slice(from, end);
      send({ type: 'commit', events, ...position() });
      from = end;
    }
  });
  await spawn().catch((error: unknown) => {
    closing = true;
    stopListening();
    throw error;
  });

  return {
    accept(request, socket, head) {
      const target = child;
      if (target === null || !target.connected) return false;
      const id = nextId++;
      const upgrade: ToStreamProcess = {
        type: 'upgrade',
        id,
        method: request.method ?? 'GET',
        url: request.url ?? '',
        headers: request.headers,
        head: head.toString('base64'),
      };
      // keepOpen, then close this process's copy once the socket is on its way, and only then let
      // the handshake go ahead. Node keeps reading a handle it sends until the stream process
      // acknowledges it (its docs pause sockets before sending them for this reason), and the
      // client sends its subscribe as soon as the handshake's answer arrives.
      target.send(upgrade, socket as Socket, { keepOpen: true }, (error) => {
        socket.destroy();
        if (error === null) target.send({ type: 'upgrade-go', id } satisfies ToStreamProcess);
        else logger.warn({ reason: error.message }, 'stream connection could not be handed over');
      });
      return true;
    },
    status(timeoutMs, forMetrics) {
      const target = child;
      if (target === null || !target.connected) return Promise.resolve(null);
      const id = nextId++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          statusRequests.delete(id);
          resolve(null);
        }, timeoutMs);
        statusRequests.set(id, (reply) => {
          clearTimeout(timer);
          resolve(reply);
        });
        send({ type: 'status', id, forMetrics });
      });
    },
    running: () => child !== null,
    async close(drainTimeoutMs) {
      closing = true;
      stopListening();
      const target = child;
      if (target === null || target.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => target.once('exit', () => resolve()));
      target.send({ type: 'close', drainTimeoutMs } satisfies ToStreamProcess);
      const killTimer = setTimeout(() => target.kill('SIGKILL'), drainTimeoutMs + 2_000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}
