import { silentLogger } from '../../src/main/logger';
import type { EventLog } from '../../src/relay/event-log';
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
  /** Stands in for the log, e.g. to watch its reads. */
  wrapLog?: (log: EventLog) => EventLog;
}): Promise<{ relay: RunningRelay; stop: () => Promise<void> }> {
  const wrapLog = options.wrapLog ?? ((log: EventLog) => log);
  const temp = makeTempDir(options.dirPrefix);
  const relay = await startRelayServer({
    webhookSecrets: [options.secret],
    clientTokens: [options.token],
    eventLog: wrapLog(openFileEventLog({ dataDir: temp.path })),
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
