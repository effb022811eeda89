import { describe, expect, it } from 'vitest';
import { diagnosticsReport, type DiagnosticsFacts } from '../../src/main/diagnostics-report';

const facts = (overrides: Partial<DiagnosticsFacts> = {}): DiagnosticsFacts => ({
  app: { name: 'StackOne Onboarding', version: '1.4.0' },
  system: { platform: 'darwin', arch: 'arm64', release: '24.1.0' },
  versions: { node: '22.20.0', chrome: '142.0.7444.0', electron: '45.4.1', v8: '14.2' },
  mode: 'demo',
  endpoints: {
    api: 'http://127.0.0.1:5100',
    app: 'http://127.0.0.1:5100',
    relay: 'ws://127.0.0.1:5200/v1/stream',
  },
  relay: { state: 'offline', detail: 'Lost the connection to the relay. Retrying in 4 s.' },
  relayVersion: '1.3.2',
  relayPosition: { cursor: 1234, logId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' },
  relayRecordUnbrokenSince: '2026-12-01T08:00:00.000Z',
  routes: 'on this computer',
  proxySignInFor: null,
  secretStorage: 'obfuscated',
  customers: 3,
  accountsLinked: 5,
  accountsToRelink: 2,
  linksWithNothingLinkedExpireAt: [],
  whoLinksSaved: false,
  warnings: [],
  windowErrors: { count: 0, lastAt: null },
  at: new Date('2026-12-03T10:00:00.000Z'),
  ...overrides,
});

describe('the diagnostics report', () => {
  it('says what support needs, one fact a line, runtimes in a fixed order', () => {
    expect(diagnosticsReport(facts()).split('\n')).toEqual([
      'StackOne Onboarding 1.4.0: diagnostics, 2026-12-03T10:00:00.000Z',
      'System: darwin arm64 24.1.0; electron 45.4.1, chrome 142.0.7444.0, node 22.20.0',
      'Mode: demo',
      'StackOne API: http://127.0.0.1:5100 (app http://127.0.0.1:5100)',
      'Relay: ws://127.0.0.1:5200/v1/stream: offline (Lost the connection to the relay. Retrying in 4 s.)',
      'StackOne’s events at the relay: none found missing',
      'Relay release: 1.3.2',
      'Relay log read: through seq 1234 of log 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 (this app’s customers’ events applied, the rest passed over)',
      'Relay events unbroken since: 2026-12-01T08:00:00.000Z (what the relay took in before may never reach the app: another log, or retention that passed it; an account linked before, or within a minute after by StackOne’s clock, is not taken for proof that StackOne’s events are missing)',
      'Network: direct (the demo’s servers are on this computer)',
      'Proxy sign-in: none saved',
      'Secret storage: obfuscated only (no keyring)',
      'Customers: 3; accounts linked: 5, to re-link: 2',
      'Links sent with nothing linked since (the last to expire for each purpose): 0 working, 0 expired in the last week',
      'Who links: none saved',
      'Warnings: none',
      'Window errors: none',
      'Not included: the API key, the relay token, the proxy sign-in, who links, and customers’ and accounts’ names and ids.',
    ]);
  });

  it('says where the app is in the relay’s log: nowhere yet, or in a log the relay did not name', () => {
    expect(diagnosticsReport(facts({ relayPosition: { cursor: null, logId: null } }))).toContain(
      '\nRelay log read: none yet (the next connection replays the relay’s log)\n',
    );
    expect(diagnosticsReport(facts({ relayPosition: { cursor: 7, logId: null } }))).toContain(
      '\nRelay log read: through seq 7 of a log the relay has not named (this app’s customers’ events applied, the rest passed over)\n',
    );
  });

  it('says since when StackOne’s events have been found not to reach the relay', () => {
    const report = diagnosticsReport(
      facts({
        relay: {
          state: 'connected',
          detail: 'Connected to the relay.',
          stackOneEventsMissingSince: '2026-12-03T09:50:00.000Z',
        },
      }),
    );
    expect(report).toContain(
      '\nStackOne’s events at the relay: missing since 2026-12-03T09:50:00.000Z (an account linked through the Hub or a link sent was in StackOne with no event for it: is StackOne’s webhook set up for the relay, with one of its secrets?)\n',
    );
  });

  it('says where the relay has not given its release', () => {
    expect(diagnosticsReport(facts({ relayVersion: null }))).toContain(
      '\nRelay release: not known (no stream connection yet, or a relay from before it gave its release)\n',
    );
  });

  it('lists each warning, and only the runtimes there are', () => {
    const report = diagnosticsReport(
      facts({ versions: { node: '22.23.5' }, warnings: ['First.', 'Second.'] }),
    );
    expect(report).toContain('System: darwin arm64 24.1.0; node 22.23.5\n');
    expect(report).toContain('\nWarnings:\n- First.\n- Second.\n');
  });

  it('counts the errors the window reported, with the last one’s time', () => {
    const report = diagnosticsReport(
      facts({ windowErrors: { count: 3, lastAt: new Date('2026-12-03T09:58:12.000Z') } }),
    );
    expect(report).toContain(
      '\nWindow errors: 3, the last at 2026-12-03T09:58:12.000Z (details in main.log)\n',
    );
  });

  it('counts the links out with nothing linked since: working, expired, and not those a week past', () => {
    const report = diagnosticsReport(
      facts({
        linksWithNothingLinkedExpireAt: [
          '2026-11-26T10:00:00.000Z', // expired a week ago: no longer listed
          '2026-11-26T10:00:00.001Z',
          '2026-12-03T10:00:00.000Z', // expiring as the report is made
          '2026-12-03T10:00:00.001Z',
          '2026-12-09T08:00:00.000Z',
        ],
        whoLinksSaved: true,
      }),
    );
    expect(report).toContain(
      '\nLinks sent with nothing linked since (the last to expire for each purpose): 2 working, 2 expired in the last week\n',
    );
    expect(report).toContain('\nWho links: saved, told to StackOne with each account\n');
  });

  it('says how live mode reaches StackOne and the relay', () => {
    const report = diagnosticsReport(
      facts({
        mode: 'live',
        routes: { api: 'proxy proxy.corp:8080, then direct', relay: 'direct' },
        proxySignInFor: 'proxy.corp:8080',
      }),
    );
    expect(report).toContain('\nProxy sign-in: saved for proxy.corp:8080\n');
    expect(report).toContain(
      '\nNetwork: StackOne API proxy proxy.corp:8080, then direct; relay direct\n',
    );
  });
});
