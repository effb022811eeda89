import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { streamProcessPid } from '../support/stream-process-pid';
import { startStreamProcessRelay } from '../support/stream-process-relay';
import { streamSubscriber } from '../support/stream-subscriber';
import { postWebhook, sign, webhookBody } from '../support/webhooks';

const deployDir = join(import.meta.dirname, '../../deploy');
const rulesFile = join(deployDir, 'relay-alerts.yml');
const promtool = (process.env.PATH ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'promtool'))
  .find((path) => existsSync(path));
if (promtool === undefined)
  console.warn(
    "relay-alerts: skipped: promtool is not on the PATH (Prometheus's; .ci/run takes it from Debian's prometheus package).",
  );

const secret = 'whsec_relay_alerts';
const token = 'client-token-relay-alerts';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function runPromtool(args: string[], input?: string) {
  const run = spawnSync(promtool as string, args, { cwd: deployDir, input, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The relay's metric names that the rules' expressions use. */
function metricsTheRulesUse(): string[] {
  const names = readFileSync(rulesFile, 'utf8').match(/\b(?:relay|process|nodejs)_\w+/g) ?? [];
  return [...new Set(names)].sort();
}

/** What `promtool check metrics` finds wrong with a scrape: only the lines about our metrics. */
function lintOfOurMetrics(output: string): string[] {
  // prom-client's default gauges (nodejs_active_handles_total...) end in _total; not ours to name.
  return output.split('\n').filter((line) => line !== '' && !line.startsWith('nodejs_'));
}

describe.skipIf(promtool === undefined)(
  'the relay’s alerting rules (deploy/relay-alerts.yml)',
  () => {
    it('are valid rules, and their unit tests pass', () => {
      const checked = runPromtool(['check', 'rules', 'relay-alerts.yml']);
      expect(checked.output).toContain('SUCCESS: 13 rules found');
      expect(checked.status).toBe(0);
      const tested = runPromtool(['test', 'rules', 'relay-alerts.test.yml']);
      expect(tested.output).toContain('SUCCESS');
      expect(tested.status).toBe(0);
    });

    it('use metrics a running relay gives, in a form Prometheus reads, its stream process up or not', async () => {
      const { relay, stop } = await startStreamProcessRelay({
        secret,
        token,
        dirPrefix: 'relay-alerts',
      });
      cleanups.push(stop);
      // Every kind of series the rules read: a stored webhook, a refused one, a subscriber.
      const subscriber = streamSubscriber(relay.url, token, null);
      cleanups.push(() => subscriber.ws.close());
      await eventually(() => expect(subscriber.subscribed()).toBe(true));
      const body = webhookBody();
      const stored = await postWebhook(relay.url, body, {
        'content-type': 'application/json',
        'x-stackone-signature': sign(body, secret),
      });
      expect(stored.status).toBe(200);
      const refused = await postWebhook(relay.url, body, {
        'content-type': 'application/json',
        'x-stackone-signature': sign(body, 'whsec_another_secret'),
      });
      expect(refused.status).toBe(401);

      const scrape = async () => (await fetch(`${relay.url}/metrics`)).text();
      const running = await scrape();
      for (const name of metricsTheRulesUse())
        expect(running, `the rules use ${name}`).toMatch(new RegExp(`^${name}(\\{| )`, 'm'));
      const checked = runPromtool(['check', 'metrics'], running);
      expect(checked.output).not.toContain('parsing error');
      expect(lintOfOurMetrics(checked.output)).toEqual([]);

      // With no stream process answering, its gauges have no value (NaN), which Prometheus reads.
      process.kill(streamProcessPid() as number, 'SIGKILL');
      await subscriber.closed;
      const withoutStreams = await scrape();
      expect(withoutStreams).toMatch(/^relay_stream_process_up 0$/m);
      const checkedWithout = runPromtool(['check', 'metrics'], withoutStreams);
      expect(checkedWithout.output).not.toContain('parsing error');
      expect(lintOfOurMetrics(checkedWithout.output)).toEqual([]);
    });
  },
);
