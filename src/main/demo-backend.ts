import { randomBytes, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { openFileEventLog } from '../relay/file-event-log';
import { startRelayServer, webhookPath } from '../relay/relay-server';
import { relayStreamPath } from '../shared/relay-protocol';
import { startSimulator } from '../simulator/simulator-server';
import type { Logger } from './logger';
import type { Profile } from './profile';

export interface DemoBackend {
  profile: Profile;
  /** The simulator's URL, for its control API in demos and tests. */
  simulatorUrl: string;
  /** Set when the demo's saved accounts could not be used (the file was moved aside). */
  warning: string | null;
  close(): Promise<void>;
}

/**
 * Demo mode: the StackOne simulator and the relay, on random 127.0.0.1 ports, with fresh random
 * credentials. The simulator posts signed webhooks to the relay exactly as StackOne would.
 */
export async function startDemoBackend(options: {
  relayDataDir: string;
  logger: Logger;
  webhookRetryBaseMs?: number;
  /** Keeps the demo's linked accounts across restarts; in memory only without it. */
  simulatorAccountsFile?: string;
  /** Starts afresh: the relay's events and the simulator's saved accounts are deleted first. */
  fresh?: boolean;
}): Promise<DemoBackend> {
  if (options.fresh === true) {
    rmSync(options.relayDataDir, { recursive: true, force: true });
    if (options.simulatorAccountsFile !== undefined)
      rmSync(options.simulatorAccountsFile, { force: true });
  }
  const apiKey = `v1.demo.${randomBytes(24).toString('base64url')}`;
  const webhookSecret = randomBytes(32).toString('base64url');
  const relayToken = randomBytes(32).toString('base64url');

  const relay = await startRelayServer({
    webhookSecrets: [webhookSecret],
    clientTokens: [relayToken],
    eventLog: openFileEventLog({ dataDir: options.relayDataDir }),
    logger: options.logger.child({ component: 'demo-relay' }),
  });
  const simulator = await startSimulator({
    apiKey,
    // A fresh seed each run, so account ids never collide with ones a previous demo left behind.
    seed: randomInt(1, 2 ** 31),
    webhookTargets: [{ url: `${relay.url}${webhookPath}`, secret: webhookSecret }],
    logger: options.logger.child({ component: 'demo-simulator' }),
    ...(options.webhookRetryBaseMs !== undefined && {
      webhookRetryBaseMs: options.webhookRetryBaseMs,
    }),
    ...(options.simulatorAccountsFile !== undefined && {
      accountsFile: options.simulatorAccountsFile,
    }),
  }).catch(async (error: unknown) => {
    await relay.close();
    throw error;
  });

  return {
    profile: simulatorProfile({
      apiKey,
      simulatorUrl: simulator.url,
      relayUrl: relay.url,
      relayToken,
    }),
    simulatorUrl: simulator.url,
    warning: simulator.warning,
    async close() {
      await simulator.close();
      await relay.close();
    },
  };
}

/** The profile for a simulator and a relay on this computer: the demo's, or a test's. */
export function simulatorProfile(options: {
  apiKey: string;
  simulatorUrl: string;
  relayUrl: string;
  relayToken: string;
}): Profile {
  return {
    mode: 'demo',
    apiKey: options.apiKey,
    apiBaseUrl: options.simulatorUrl,
    hubBaseUrl: options.simulatorUrl,
    hubAppUrl: options.simulatorUrl,
    relayStreamUrl: `${options.relayUrl.replace(/^http/, 'ws')}${relayStreamPath}`,
    relayToken: options.relayToken,
  };
}
