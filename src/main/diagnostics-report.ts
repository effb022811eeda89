import { countUnusedLinks } from '../shared/contract';
import type { RelayConnection } from '../shared/domain';
import type { SettingsView } from '../shared/live-settings';

/** What a support request needs to know about this app. Never a secret, customer or account. */
export interface DiagnosticsFacts {
  app: { name: string; version: string };
  system: { platform: string; arch: string; release: string };
  /** Runtime versions: Electron, Chromium and Node where they exist. */
  versions: Readonly<Record<string, string | undefined>>;
  mode: 'demo' | 'live';
  endpoints: { api: string; app: string; relay: string };
  relay: RelayConnection;
  /** The relay's release, as its last stream connection gave it; null where none has. */
  relayVersion: string | null;
  /**
   * How far the app has applied the relay's events (its cursor) and in which of the relay's logs
   * (its log id), to compare with the relay's `/healthz` and its log's `event log opened`.
   */
  relayPosition: { cursor: number | null; logId: string | null };
  /**
   * Since when every event the relay took in has reached the app or is held for it (see the
   * account store's `relayRecordUnbrokenSince`).
   */
  relayRecordUnbrokenSince: string;
  /** How the app reaches StackOne's API and the relay, by the system's proxy settings. */
  routes: { api: string; relay: string } | 'on this computer';
  /** The proxy a sign-in is saved for (not the user name), if any. */
  proxySignInFor: string | null;
  secretStorage: SettingsView['secretStorage'];
  customers: number;
  accountsLinked: number;
  accountsToRelink: number;
  /**
   * When each link kept with nothing linked since expires (or expired, in the last week), but
   * those another for the same outlasts.
   */
  linksWithNothingLinkedExpireAt: readonly string[];
  /** Whether the app tells StackOne who links each account (Settings, Who links). */
  whoLinksSaved: boolean;
  warnings: readonly string[];
  /** Errors the window reported since the app started (their details are in main's log). */
  windowErrors: { count: number; lastAt: Date | null };
  at: Date;
}

const secretStorageText: Record<SettingsView['secretStorage'], string> = {
  encrypted: 'encrypted by the system keyring',
  obfuscated: 'obfuscated only (no keyring)',
  unavailable: 'unavailable',
};

function relayPositionText({ cursor, logId }: DiagnosticsFacts['relayPosition']): string {
  if (cursor === null) return 'none yet (the next connection replays the relay’s log)';
  return `through seq ${cursor} of ${logId === null ? 'a log the relay has not named' : `log ${logId}`} (this app’s customers’ events applied, the rest passed over)`;
}

/** A plain-text report to paste into a message to support. */
export function diagnosticsReport(facts: DiagnosticsFacts): string {
  const runtime = (['electron', 'chrome', 'node'] as const)
    .filter((name) => facts.versions[name] !== undefined)
    .map((name) => `${name} ${facts.versions[name] ?? ''}`)
    .join(', ');
  const { working, expired } = countUnusedLinks(
    facts.linksWithNothingLinkedExpireAt,
    facts.at.getTime(),
  );
  return [
    `${facts.app.name} ${facts.app.version}: diagnostics, ${facts.at.toISOString()}`,
    `System: ${facts.system.platform} ${facts.system.arch} ${facts.system.release}; ${runtime}`,
    `Mode: ${facts.mode}`,
    `StackOne API: ${facts.endpoints.api} (app ${facts.endpoints.app})`,
    `Relay: ${facts.endpoints.relay}: ${facts.relay.state} (${facts.relay.detail})`,
    `StackOne’s events at the relay: ${facts.relay.stackOneEventsMissingSince === undefined ? 'none found missing' : `missing since ${facts.relay.stackOneEventsMissingSince} (an account linked through the Hub or a link sent was in StackOne with no event for it: is StackOne’s webhook set up for the relay, with one of its secrets?)`}`,
    `Relay release: ${facts.relayVersion ?? 'not known (no stream connection yet, or a relay from before it gave its release)'}`,
    `Relay log read: ${relayPositionText(facts.relayPosition)}`,
    `Relay events unbroken since: ${facts.relayRecordUnbrokenSince} (what the relay took in before may never reach the app: another log, or retention that passed it; an account linked before, or within a minute after by StackOne’s clock, is not taken for proof that StackOne’s events are missing)`,
    facts.routes === 'on this computer'
      ? 'Network: direct (the demo’s servers are on this computer)'
      : `Network: StackOne API ${facts.routes.api}; relay ${facts.routes.relay}`,
    `Proxy sign-in: ${facts.proxySignInFor === null ? 'none saved' : `saved for ${facts.proxySignInFor}`}`,
    `Secret storage: ${secretStorageText[facts.secretStorage]}`,
    `Customers: ${facts.customers}; accounts linked: ${facts.accountsLinked}, to re-link: ${facts.accountsToRelink}`,
    `Links sent with nothing linked since (the last to expire for each purpose): ${working} working, ${expired} expired in the last week`,
    `Who links: ${facts.whoLinksSaved ? 'saved, told to StackOne with each account' : 'none saved'}`,
    facts.warnings.length === 0
      ? 'Warnings: none'
      : ['Warnings:', ...facts.warnings.map((warning) => `- ${warning}`)].join('\n'),
    facts.windowErrors.lastAt === null
      ? 'Window errors: none'
      : `Window errors: ${facts.windowErrors.count}, the last at ${facts.windowErrors.lastAt.toISOString()} (details in main.log)`,
    'Not included: the API key, the relay token, the proxy sign-in, who links, and customers’ and accounts’ names and ids.',
  ].join('\n');
}
