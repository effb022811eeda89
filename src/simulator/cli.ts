import { parseArgs } from 'node:util';
import { createLogger } from '../main/logger';
import { startSimulator } from './simulator-server';

const help = `StackOne simulator: a local stand-in for StackOne's API, Hub API and webhooks.

Usage: npm run simulator -- [options]

  --port <n>               Port to listen on (default 4010; 0 picks a free one)
  --host <address>         Address to bind (default 127.0.0.1)
  --api-key <key>          API key clients must send as Basic auth user (default: env
                           SIMULATOR_API_KEY, else "v1.sim.demo-key")
  --webhook-url <url>      Where to POST signed account webhooks (repeatable)
  --webhook-secret <s>     Signing secret for x-stackone-signature (default: env
                           SIMULATOR_WEBHOOK_SECRET; required with --webhook-url)
  --seed <n>               Seed for generated ids and injected failures (default 1)
  --rate-limit <n>         Public API requests allowed per minute (default 1000, as StackOne;
                           0 for no limit); over it: 429 with Retry-After
  --latency <ms>           Delay added to every API response (default 0)
  --failure-rate <0-1>     Share of public API requests answered 503 (default 0)
  --accounts-file <path>   Keep linked accounts in this file across restarts (without their
                           credentials; default: in memory only)
  --help                   Show this help
`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string' },
    'webhook-url': { type: 'string', multiple: true, default: [] },
    'webhook-secret': { type: 'string' },
    seed: { type: 'string', default: '1' },
    'rate-limit': { type: 'string', default: '1000' },
    latency: { type: 'string', default: '0' },
    'failure-rate': { type: 'string', default: '0' },
    'accounts-file': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(help);
  process.exit(0);
}

const fail = (message: string): never => {
  process.stderr.write(`simulator: ${message}\nRun with --help for the options.\n`);
  process.exit(2);
};

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be 0-65535, got "${values.port}"`);
const secret = values['webhook-secret'] ?? process.env.SIMULATOR_WEBHOOK_SECRET;
const webhookUrls = values['webhook-url'];
if (webhookUrls.length > 0 && !secret)
  fail('--webhook-url needs --webhook-secret (or SIMULATOR_WEBHOOK_SECRET)');

const rateLimit = Number(values['rate-limit']);
const latency = Number(values.latency);
const failureRate = Number(values['failure-rate']);
if (!Number.isInteger(rateLimit) || rateLimit < 0)
  fail(`--rate-limit must be a whole number >= 0, got "${values['rate-limit']}"`);
if (!Number.isInteger(latency) || latency < 0)
  fail(`--latency must be milliseconds >= 0, got "${values.latency}"`);
if (!(failureRate >= 0 && failureRate <= 1))
  fail(`--failure-rate must be between 0 and 1, got "${values['failure-rate']}"`);
const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed must be a whole number, got "${values.seed}"`);

const logger = createLogger({ name: 'simulator' });
const simulator = await startSimulator({
  apiKey: values['api-key'] ?? process.env.SIMULATOR_API_KEY ?? 'v1.sim.demo-key',
  host: values.host,
  port,
  seed,
  faults: {
    rateLimitPerMinute: rateLimit === 0 ? null : rateLimit,
    latencyMs: latency,
    failureRate,
  },
  webhookTargets: webhookUrls.map((url) => ({ url, secret: secret ?? '' })),
  logger,
  ...(values['accounts-file'] !== undefined && { accountsFile: values['accounts-file'] }),
});
process.stdout.write(`StackOne simulator listening on ${simulator.url}\n`);

const stop = () => void simulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
