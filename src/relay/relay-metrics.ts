import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { releaseVersion } from '../shared/release-version';
import { mostConnectedNames, type ClientsOfName } from './client-name';
import type { EventLogStorage } from './event-log';
import type { StreamProcessFigures } from './stream-process-protocol';
import { streamCloseReasons, type StreamCloseCount, type StreamMetrics } from './stream-reporting';
import { httpClientErrorReasons, type HttpClientErrorReason } from './http-client-error';

const webhookRejectReasons = [
  'bad_signature',
  'bad_json',
  'bad_envelope',
  'too_large',
  'bad_content_type',
  'aborted',
  // Valid, but this relay's data directory lock was taken over: not stored, answered 503.
  'lock_lost',
  'other',
] as const;
export type WebhookRejectReason = (typeof webhookRejectReasons)[number];

/**
 * Why a stream connection was refused: a wrong token, not the stream's path, the relay unable to
 * take it now (its stream process restarting, or the relay shutting down), or the relay serving
 * its `--max-clients`.
 */
const streamRefusalReasons = ['bad_token', 'bad_path', 'unavailable', 'too_many_clients'] as const;
export type StreamRefusalReason = (typeof streamRefusalReasons)[number];

/**
 * Each of a counter's series, at 0 from the start: Prometheus's increase() needs a sample before a
 * count's first rise to see it, and a series first scraped at 1 has none (an alert on a first wrong
 * signature would never fire).
 */
function startAtZero<Reason extends string>(
  counter: Counter<'reason'>,
  reasons: readonly Reason[],
): void {
  for (const reason of reasons) counter.inc({ reason }, 0);
}

/** Seconds: from 1 ms (a quiet disk, an idle relay) to 2.5 s (a disk stalled behind other writers). */
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The relay's webhook-side Prometheus metrics, in a registry of its own (several relays can share
 * a process in tests). The stream side's are in `createStreamMetrics`, in the same registry.
 */
export function createRelayMetrics(options: {
  headSeq: () => number;
  /** The event log's files and their disk (`EventLog.storage`), where it has a disk of its own. */
  storage?: () => Promise<EventLogStorage>;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'relay_build_info',
    help: "The relay's release, as its version label, and the Node.js it runs on, as its node label; always 1. Apps name theirs in their User-Agent, logged beside what a client does wrong.",
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: releaseVersion, node: process.versions.node }, 1);
  const stored = new Counter({
    name: 'relay_events_stored_total',
    help: 'Webhooks stored (answered 200 for the first time).',
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'relay_events_duplicate_total',
    help: 'Redelivered identical webhooks, stored once.',
    registers: [registry],
  });
  // The disk decides the 200's latency: a disk busy with other writers (a backup, a large copy,
  // write-back after an install) shows up here first.
  const storeSeconds = new Histogram({
    name: 'relay_webhook_store_seconds',
    help: 'From a valid webhook to its event being durably stored (group commit wait and the durable write).',
    buckets: latencyBuckets,
    registers: [registry],
  });
  // Not a rejection: the webhook was valid, and the disk would not take it (full, or failing).
  const storeFailures = new Counter({
    name: 'relay_webhook_store_failures_total',
    help: 'Valid webhooks that could not be stored (the disk full or failing), answered 503.',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'relay_webhooks_rejected_total',
    help: 'Webhooks refused, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'relay_stream_refused_total',
    help: 'Stream connections refused, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Apart from the webhooks: a connection can fail before any request exists (a port scanner's
  // garbage, a client that gives up mid-headers); one cut short mid-webhook is counted in both.
  // One reset with no request begun (a load balancer's TCP check) has failed at nothing.
  const connectionErrors = new Counter({
    name: 'relay_http_connection_errors_total',
    help: 'HTTP connections that failed: cut short by the client (closed or reset with a request begun), timed out, headers too large or not HTTP, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  startAtZero(rejected, webhookRejectReasons);
  startAtZero(refused, streamRefusalReasons);
  startAtZero(connectionErrors, httpClientErrorReasons);
  new Gauge({
    name: 'relay_head_seq',
    help: 'Newest stored seq.',
    registers: [registry],
    collect() {
      this.set(options.headSeq());
    },
  });
  const { storage } = options;
  const storageFigures: [string, keyof EventLogStorage, string][] = [
    ['relay_event_log_bytes', 'bytes', "Bytes of the event log's files on disk."],
    [
      'relay_event_log_max_bytes',
      'maxBytes',
      "What retention lets the event log's files come to (--retention-mib, or --retention-events at the events' average size so far where that is less, and the segment being written past it).",
    ],
    [
      'relay_data_dir_free_bytes',
      'freeBytes',
      "Bytes free on the event log's disk for the relay's user (NaN where the disk cannot be asked): under relay_event_log_max_bytes - relay_event_log_bytes, the disk fills before retention stops the log growing.",
    ],
  ];
  if (storage !== undefined) {
    // One question to the disk for the three gauges of a scrape: the first asks, and the others,
    // collected before it is answered, take the same answer.
    let asked: Promise<EventLogStorage> | undefined;
    const forget = () => {
      asked = undefined;
    };
    const storageThisScrape = (): Promise<EventLogStorage> => {
      if (asked === undefined) {
        asked = storage();
        void asked.then(forget, forget);
      }
      return asked;
    };
    for (const [name, figure, help] of storageFigures)
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set((await storageThisScrape())[figure]);
        },
      });
  }

  return {
    registry,
    stored: () => stored.inc(),
    storeTook: (seconds: number) => storeSeconds.observe(seconds),
    storeFailed: () => storeFailures.inc(),
    duplicate: () => duplicates.inc(),
    rejected: (reason: WebhookRejectReason) => rejected.inc({ reason }),
    refused: (reason: StreamRefusalReason, count = 1) => refused.inc({ reason }, count),
    connectionError: (reason: HttpClientErrorReason) => connectionErrors.inc({ reason }),
  };
}

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;

/**
 * The stream side's metrics: subscribers, what they were sent and how long events waited for it.
 * Kept in the main process whether streams are served there or in the stream process, which sends
 * its counts over (stream-process.ts); the two gauges read what the stream side last said.
 */
export function createStreamMetrics(
  registry: Registry,
  options: {
    /** Where connections the stream side refused are counted (relay_stream_refused_total). */
    refused: RelayMetrics['refused'];
    clients: () => number;
    /** The most connections the stream side serves at once (`--max-clients`). */
    maxClients: number;
    fanOutWindowMs: () => number;
    queuedBytes: () => number;
    /** The names connected clients give themselves most, and how many give each. */
    clientsByName: () => readonly ClientsOfName[];
    /**
     * With streams in a process of their own: its figures as it gave them for this scrape, null
     * when it did not answer in time (restarting, or held up).
     */
    streamProcess?: () => StreamProcessFigures | null;
  },
): StreamMetrics {
  const delivered = new Counter({
    name: 'relay_events_delivered_total',
    help: 'Event messages sent to stream clients.',
    registers: [registry],
  });
  const acked = new Counter({
    name: 'relay_acks_total',
    help: 'Acknowledgements received from stream clients.',
    registers: [registry],
  });
  const timedOut = new Counter({
    name: 'relay_stream_clients_timed_out_total',
    help: 'Stream clients dropped for sending nothing, not even an answer to a ping, for a heartbeat interval (a dead peer, or one that stopped reading).',
    registers: [registry],
  });
  const connections = new Counter({
    name: 'relay_stream_connections_total',
    help: 'Stream connections taken (their handshake done); with relay_stream_closed_total, how often apps connect again.',
    registers: [registry],
  });
  const closed = new Counter({
    name: 'relay_stream_closed_total',
    help: 'Stream connections ended, by why: client_closed (the app closed it), connection_lost (no close from either side: the network, a proxy, an app killed), heartbeat_timeout, protocol_error, bad_messages, read_failed, shutdown.',
    labelNames: ['reason'],
    registers: [registry],
  });
  startAtZero(closed, Object.values(streamCloseReasons));
  // One count of StreamMetrics for each reason, each adding to its series.
  const closedCounts = Object.fromEntries(
    (Object.keys(streamCloseReasons) as StreamCloseCount[]).map((name) => [
      name,
      (count: number) => closed.inc({ reason: streamCloseReasons[name] }, count),
    ]),
  ) as Record<StreamCloseCount, (count: number) => void>;
  const rejectedMessages = new Counter({
    name: 'relay_stream_messages_rejected_total',
    help: 'Messages from stream clients that are not messages of the protocol, each answered with an error (a connection that sends 10 is closed, 1008): a client of another version, or not an app.',
    registers: [registry],
  });
  // The relay's own share of an event's way to the apps, apart from the network's on either side.
  const deliveryDelaySeconds = new Histogram({
    name: 'relay_event_fan_out_delay_seconds',
    help: 'From a webhook accepted to its event written to every live subscriber (store, fan-out window, fan-out).',
    buckets: latencyBuckets,
    registers: [registry],
  });
  new Gauge({
    name: 'relay_clients',
    help: 'Connected stream clients (0 while no stream process runs; NaN while one runs and does not answer).',
    registers: [registry],
    collect() {
      this.set(options.clients());
    },
  });
  new Gauge({
    name: 'relay_clients_by_name',
    help: `Connected stream clients by the name each gives itself (its User-Agent; the app's is stackone-onboarding/<version>), for the ${mostConnectedNames} names most given; relay_clients less their sum give other names. None while relay_clients is NaN.`,
    labelNames: ['client'],
    registers: [registry],
    collect() {
      // Names no client gives any longer go.
      this.reset();
      for (const { client, count } of options.clientsByName()) this.set({ client }, count);
    },
  });
  new Gauge({
    name: 'relay_clients_max',
    help: 'The most stream clients the relay serves at once (--max-clients); more are refused 503 (relay_stream_refused_total{reason="too_many_clients"}).',
    registers: [registry],
  }).set(options.maxClients);
  new Gauge({
    name: 'relay_stream_queued_bytes',
    help: "Bytes queued in the relay for stream clients that have not read them (beyond what the kernel's socket buffers hold); each client's bounded, all of them together with many (NaN like relay_clients).",
    registers: [registry],
    collect() {
      this.set(options.queuedBytes());
    },
  });
  new Gauge({
    name: 'relay_fan_out_window_seconds',
    help: 'The current fan-out window; above its minimum while sending to every subscriber is slow.',
    registers: [registry],
    collect() {
      this.set(options.fanOutWindowMs() / 1000);
    },
  });

  const { streamProcess } = options;
  if (streamProcess !== undefined) {
    // The default metrics (process_resident_memory_bytes, nodejs_*) are the main process's alone.
    const streamProcessGauge = (
      name: string,
      help: string,
      value: (figures: StreamProcessFigures) => number,
    ) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          const figures = streamProcess();
          // NaN, Prometheus's "no value": the last figures would be a process's that is gone.
          this.set(figures === null ? Number.NaN : value(figures));
        },
      });
    new Gauge({
      name: 'relay_stream_process_up',
      help: 'Whether the stream process answered this scrape (1) or not (0: restarting, or held up); its gauges and relay_fan_out_window_seconds are NaN while it does not, as is relay_clients unless none runs (0).',
      registers: [registry],
      collect() {
        this.set(streamProcess() === null ? 0 : 1);
      },
    });
    streamProcessGauge(
      'relay_stream_process_resident_memory_bytes',
      "The stream process's resident memory, in bytes (process_resident_memory_bytes is the main process's).",
      (figures) => figures.residentBytes,
    );
    streamProcessGauge(
      'relay_stream_process_heap_used_bytes',
      "The stream process's JavaScript heap in use, in bytes.",
      (figures) => figures.heapUsedBytes,
    );
    streamProcessGauge(
      'relay_stream_process_eventloop_lag_max_seconds',
      "The stream process's worst event loop delay since the last scrape, as nodejs_eventloop_lag_max_seconds has the main process's.",
      (figures) => figures.loopDelayMaxMs / 1000,
    );
  }

  return {
    ...closedCounts,
    /** `ms` from the wall clock: clamped at 0 should the clock step back in between. */
    fannedOut: (ms: number) => deliveryDelaySeconds.observe(Math.max(0, ms) / 1000),
    delivered: (count) => delivered.inc(count),
    acked: (count) => acked.inc(count),
    timedOut: (count) => {
      timedOut.inc(count);
      closedCounts.timedOut(count);
    },
    rejectedMessages: (count) => rejectedMessages.inc(count),
    refusedTooManyClients: (count) => options.refused('too_many_clients', count),
    connected: (count) => connections.inc(count),
  };
}
