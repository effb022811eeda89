import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { createLogger } from '../main/logger';
import { relayClientLivenessTimeoutMs } from '../shared/relay-protocol';
import { releaseVersion } from '../shared/release-version';
import { clientTokenProblem, ordinal } from './client-token-rules';
import { defaultRetention, defaultSegmentMib, openFileEventLog } from './file-event-log';
import {
  defaultFanOutWindowMaxMs,
  defaultFanOutWindowMs,
  defaultHeartbeatIntervalMs,
  defaultMaxClients,
  defaultRequestTimeoutMs,
} from './relay-defaults';
import { startRelayServer, streamPath, webhookPath } from './relay-server';

const help = `StackOne webhook relay: receives signed StackOne webhooks, stores them durably and
delivers them over a WebSocket to authorised apps, including ones that reconnect later.

Usage: npm run relay -- [options]
   or, built by npm run build:relay:
     node --max-old-space-size=512 --max-semi-space-size=4 out/relay/cli.js [options]
   (the heap limits keep memory near the relay's working set; see docs/relay.md, Memory)

  --port <n>              Port to listen on (default 4020; 0 picks a free one)
  --host <address>        Address to bind (default 127.0.0.1)
  --data-dir <dir>        Where the event log lives (default ./relay-data)
  --webhook-secret <s>    A StackOne webhook signing secret (repeatable, for rotation);
                          also RELAY_WEBHOOK_SECRETS, comma-separated
  --client-token <t>      A token apps present as "Authorization: Bearer <t>" (repeatable);
                          also RELAY_CLIENT_TOKENS, comma-separated. At least 16 characters,
                          made at random: openssl rand -hex 24
  --retention-hours <n>   Keep events for replay this long
                          (default ${defaultRetention.hours}, ${defaultRetention.hours / 24} days)
  --retention-events <n>  Keep at most this many events for replay
                          (default ${defaultRetention.events})
  --retention-mib <n>     Keep at most this many MiB of events for replay
                          (default ${defaultRetention.mib}); the files on disk can exceed it by
                          one ${defaultSegmentMib} MiB segment
  --fan-out-window <ms>   Under load, at most one send to each subscriber per window; events
                          stored meanwhile go together (default ${defaultFanOutWindowMs}). The first event after a
                          quiet spell goes out at once. Larger: less CPU, up to that much latency
  --fan-out-window-max <ms>
                          The window grows up to this while sending to every subscriber takes
                          more than 40% of it (many subscribers, a busy machine), so the relay
                          batches more instead of falling behind (default ${defaultFanOutWindowMaxMs})
  --request-timeout <s>   A request not sent whole this long after its connection (or its
                          first byte) is answered 408 and its connection closed, so slow or
                          silent senders hold nothing for long (default ${defaultRequestTimeoutMs / 1000})
  --heartbeat <s>         Ping each subscriber this often, 1-30 s; one that sends nothing, not
                          even the ping's answer, by the next ping is dropped as dead
                          (default ${defaultHeartbeatIntervalMs / 1000}). Below the idle timeout of any proxy in
                          between, its pings keep a quiet connection from being cut
  --max-clients <n>       Serve at most this many stream connections at once; one more is
                          refused (HTTP 503, Retry-After) until one closes (default ${defaultMaxClients}).
                          Each costs memory: see docs/relay.md, Limits today
  --single-process        Serve stream subscribers from the main process instead of a second
                          one: 10-20 MB less memory, a higher latency tail under heavy load;
                          for a machine with one core (run Node with --max-semi-space-size=8)
  --stream-process        Serve them from a second process, so that sending to them and taking
                          webhooks each have a core (the default; docs/relay.md, Stream process)
  --version               Show the relay's version
  --help                  Show this help

Endpoints: POST ${webhookPath}, WebSocket ${streamPath}, GET /healthz, GET /metrics
`;

const fail = (message: string): never => {
  process.stderr.write(`relay: ${message}\nRun with --help for the options.\n`);
  process.exit(2);
};

/** Runs `step`; what it throws becomes the one-line refusal and exit code 2. */
const orFail = <T>(step: () => T): T => {
  try {
    return step();
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
};

const values = orFail(
  () =>
    parseArgs({
      options: {
        port: { type: 'string', default: '4020' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string', default: './relay-data' },
        'webhook-secret': { type: 'string', multiple: true, default: [] },
        'client-token': { type: 'string', multiple: true, default: [] },
        'retention-hours': { type: 'string', default: String(defaultRetention.hours) },
        'retention-events': { type: 'string', default: String(defaultRetention.events) },
        'retention-mib': { type: 'string', default: String(defaultRetention.mib) },
        'fan-out-window': { type: 'string', default: String(defaultFanOutWindowMs) },
        'fan-out-window-max': { type: 'string', default: String(defaultFanOutWindowMaxMs) },
        'request-timeout': { type: 'string', default: String(defaultRequestTimeoutMs / 1000) },
        heartbeat: { type: 'string', default: String(defaultHeartbeatIntervalMs / 1000) },
        'max-clients': { type: 'string', default: String(defaultMaxClients) },
        'single-process': { type: 'boolean', default: false },
        'stream-process': { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values,
);

if (values.help) {
  process.stdout.write(help);
  process.exit(0);
}
if (values.version) {
  process.stdout.write(`${releaseVersion}\n`);
  process.exit(0);
}

const fromEnv = (name: string) =>
  (process.env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be 0-65535, got "${values.port}"`);
const positiveInteger = (flag: string, text: string): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    fail(`--${flag} must be a whole number of 1 or more, got "${text}"`);
  return value;
};
const retentionHours = positiveInteger('retention-hours', values['retention-hours']);
const retentionEvents = positiveInteger('retention-events', values['retention-events']);
const retentionMib = positiveInteger('retention-mib', values['retention-mib']);
const requestTimeoutSeconds = positiveInteger('request-timeout', values['request-timeout']);
const maxClients = positiveInteger('max-clients', values['max-clients']);
const appLivenessSeconds = relayClientLivenessTimeoutMs / 1000;
const maxHeartbeatSeconds = 30;
const heartbeatSeconds = Number(values.heartbeat);
// Clients take 45 s with nothing from the relay for a dead connection (docs/relay-protocol.md):
// a heartbeat near that would have a quiet relay's clients reconnect again and again.
if (
  !/^\d+$/.test(values.heartbeat) ||
  heartbeatSeconds < 1 ||
  heartbeatSeconds > maxHeartbeatSeconds
)
  fail(
    `--heartbeat must be 1-${maxHeartbeatSeconds} s (apps take ${appLivenessSeconds} s without a ` +
      `ping for a dead connection), got "${values.heartbeat}"`,
  );
// Deployed with a heap cap (docs/relay.md, Memory): one too small for the relay's caches and
// connections is refused now rather than found out under load. The index of retained events is
// outside the heap (event-index.ts).
const heapNeeded = 96 * 1024 * 1024;
const heapLimit = getHeapStatistics().heap_size_limit;
const mebibytes = (bytes: number) => Math.ceil(bytes / 1024 / 1024);
if (heapNeeded > heapLimit)
  fail(
    `the relay needs about ${mebibytes(heapNeeded)} MB of heap, more than this Node's limit of ` +
      `${mebibytes(heapLimit)} MB: raise the limit with Node's own --max-old-space-size (given to ` +
      `node, before the script)`,
  );
const parseWindowMs = (flag: string, text: string): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 1000) fail(`--${flag} must be 0-1000 ms, got "${text}"`);
  return value;
};
const fanOutWindowMs = parseWindowMs('fan-out-window', values['fan-out-window']);
const fanOutWindowMaxMs = parseWindowMs('fan-out-window-max', values['fan-out-window-max']);
if (fanOutWindowMaxMs < fanOutWindowMs)
  fail(
    `--fan-out-window-max (${fanOutWindowMaxMs}) must be at least --fan-out-window (${fanOutWindowMs})`,
  );
if (values['single-process'] && values['stream-process'])
  fail('give --single-process or --stream-process, not both');
const webhookSecrets = [...values['webhook-secret'], ...fromEnv('RELAY_WEBHOOK_SECRETS')];
const tokensFromFlags = values['client-token'];
const tokensFromEnv = fromEnv('RELAY_CLIENT_TOKENS');
if (webhookSecrets.length === 0)
  fail('give at least one --webhook-secret (or RELAY_WEBHOOK_SECRETS)');
if (tokensFromFlags.length + tokensFromEnv.length === 0)
  fail('give at least one --client-token (or RELAY_CLIENT_TOKENS)');
for (const [tokens, which] of [
  [tokensFromFlags, (n: number) => `the ${ordinal(n)} --client-token`],
  [tokensFromEnv, (n: number) => `the ${ordinal(n)} token of RELAY_CLIENT_TOKENS`],
] as const)
  for (const [index, clientToken] of tokens.entries()) {
    const problem = clientTokenProblem(clientToken, which(index + 1));
    if (problem !== null) fail(problem);
  }
const clientTokens = [...tokensFromFlags, ...tokensFromEnv];

/**
 * A file system error opening the log (the data directory not a directory, not writable, on a
 * disk full or failing), said with where it happened and what to do: Node's message alone often
 * names neither (`EISDIR: illegal operation on a directory, read`). A running relay's refusal
 * carries no code, and is said as it is.
 */
function eventLogNotOpened(error: unknown, dataDir: string): unknown {
  if (!(error instanceof Error) || typeof (error as NodeJS.ErrnoException).code !== 'string')
    return error;
  return new Error(
    `the event log in ${dataDir} could not be opened (${error.message}): give --data-dir a ` +
      'directory this user can read and write, on a disk that works and has room',
  );
}

const logger = createLogger({ name: 'relay' });
const eventLog = orFail(() => {
  try {
    return openFileEventLog({
      dataDir: values['data-dir'],
      retentionMs: retentionHours * 3600 * 1000,
      maxEvents: retentionEvents,
      maxBytes: retentionMib * 1024 * 1024,
      onLockLost() {
        // Not a graceful close: that would write on, beside the relay that may hold the lock now.
        logger.fatal(
          { dataDir: values['data-dir'] },
          "the data directory's lock is no longer this relay's (another relay took it over, or it " +
            'was deleted): stopping, so that two relays do not write one log',
        );
        process.exit(1);
      },
      onSegmentNotStarted(error) {
        logger.warn(
          { code: (error as NodeJS.ErrnoException).code ?? 'unknown' },
          'event log: a new segment file could not be made; webhooks are still stored, in the ' +
            'current one, and it is tried again after each batch. See docs/relay.md, Disk',
        );
      },
    });
  } catch (error) {
    throw eventLogNotOpened(error, values['data-dir']);
  }
});

logger.info({ heapLimitMb: mebibytes(heapLimit), retentionEvents }, 'heap limit');
// The id tells, in the logs, a log started anew (a data directory lost) from one carried on.
logger.info({ logId: eventLog.logId, headSeq: eventLog.headSeq() }, 'event log opened');
for (const { segment, fromByte, bytes, keptAs } of eventLog.setAside)
  logger.warn(
    { segment, fromByte, bytes, keptAs },
    'event log: bytes that are not whole records were set aside on open (a write torn by a crash, ' +
      'or damage to the disk); events in them are not replayed. See docs/relay.md, Recovery',
  );
const relay = await startRelayServer({
  host: values.host,
  port,
  webhookSecrets,
  clientTokens,
  fanOutWindowMs,
  fanOutWindowMaxMs,
  requestTimeoutMs: requestTimeoutSeconds * 1000,
  heartbeatIntervalMs: heartbeatSeconds * 1000,
  maxClients,
  eventLog,
  logger,
  streamsInOwnProcess: !values['single-process'],
}).catch(async (error: unknown) => {
  // Release the data directory before refusing, so that a corrected command can have it.
  await eventLog.close();
  return fail(listenFailure(error, values.host, port));
});
process.stdout.write(`Relay listening on ${relay.url} (webhooks: ${relay.url}${webhookPath})\n`);

/** Why the relay could not listen, and what to do about it. */
function listenFailure(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return `${host}:${port} is already in use: stop what listens there, or give another --port`;
  if (code === 'EACCES')
    return `not allowed to listen on ${host}:${port} (ports below 1024 need privileges): give another --port`;
  if (code === 'EADDRNOTAVAIL')
    return `${host} is not an address of this machine: give another --host`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `${host} does not resolve to an address: give --host an IP address or a name that resolves`;
  return `could not listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`;
}

const stop = () => void relay.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
