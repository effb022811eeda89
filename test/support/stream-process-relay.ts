import { silentLogger } from '../../src/main/logger';
import { openFileEventLog } from '../../src/relay/file-event-log';
import { startRelayServer, type RunningRelay } from '../../src/relay/relay-server';
import { makeTempDir } from './temp-dir';

/**
 * A relay on a log in a temporary directory, its streams in a process of their own (the
 * default), and how to take it down: closed at once, its directory removed.
 */
export async function startStreamProcessRelay(options: {
  secret: string;
  token: string;
  dirPrefix: string;
}): Promise<{ relay: RunningRelay; stop: () => Promise<void> }> {
  const temp = makeTempDir(options.dirPrefix);
  const relay = await startRelayServer({
    webhookSecrets: [options.secret],
    clientTokens: [options.token],
    eventLog: openFileEventLog({ dataDir: temp.path }),
    logger: silentLogger(),
    streamsInOwnProcess: true,
  });
  return {
    relay,
    stop: async () => {
      await relay.close(100).catch(() => undefined);
      temp.remove();
    },
  };
}
