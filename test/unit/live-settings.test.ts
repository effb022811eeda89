import { describe, expect, it } from 'vitest';
import { liveProfile } from '../../src/main/live-profile';
import { regionHint } from '../../src/main/live-profile-check';
import { bridgeCalls } from '../../src/shared/contract';
import { liveEndpointsSchema, settingsViewSchema } from '../../src/shared/live-settings';

const valid = {
  apiUrl: 'https://api.stackone.com',
  appUrl: 'https://app.stackone.com',
  relayUrl: 'wss://relay.example.com/v1/stream',
};

const firstMessage = (input: unknown) => {
  const parsed = liveEndpointsSchema.safeParse(input);
  return parsed.success ? null : parsed.error.issues[0]?.message;
};

describe('live endpoints', () => {
  it('accepts https and wss anywhere, http and ws only on this computer', () => {
    expect(firstMessage(valid)).toBeNull();
    expect(
      firstMessage({
        apiUrl: 'http://127.0.0.1:4010',
        appUrl: 'http://localhost:4010',
        relayUrl: 'ws://[::1]:4020/v1/stream',
      }),
    ).toBeNull();
    expect(firstMessage({ ...valid, apiUrl: 'http://api.stackone.com' })).toBe(
      'The StackOne API URL must start with https:// (http:// only for this computer).',
    );
    expect(firstMessage({ ...valid, relayUrl: 'ws://relay.example.com/v1/stream' })).toBe(
      'The relay URL must start with wss:// (ws:// only for this computer).',
    );
    expect(firstMessage({ ...valid, relayUrl: 'https://relay.example.com/v1/stream' })).toBe(
      'The relay URL must start with wss:// (ws:// only for this computer).',
    );
  });

  it.each([
    ['not an address', 'api.stackone.com', 'The StackOne API URL is not a web address.'],
    ['empty', '  ', 'Enter the StackOne API URL.'],
    [
      'credentials',
      'https://user:pass@api.stackone.com',
      'The StackOne API URL must not carry a user name, password, query or fragment.',
    ],
    [
      'a query',
      'https://api.stackone.com/?key=v1.x',
      'The StackOne API URL must not carry a user name, password, query or fragment.',
    ],
  ])('refuses an API URL with %s', (_case, apiUrl, message) => {
    expect(firstMessage({ ...valid, apiUrl })).toBe(message);
  });

  it('refuses fields it does not know, so nothing else rides along', () => {
    expect(firstMessage({ ...valid, extra: 1 })).not.toBeNull();
  });
});

describe('the settings calls', () => {
  it('take secrets in, and never give one back', () => {
    const input = bridgeCalls.switchToLiveMode.input;
    expect(input.safeParse({ ...valid, apiKey: 'v1.eu1.abc', relayToken: 't0k' }).success).toBe(
      true,
    );
    expect(input.safeParse(valid).success).toBe(true);
    expect(input.safeParse({ ...valid, apiKey: 'has space' }).success).toBe(false);
    expect(input.safeParse({ ...valid, relayToken: '' }).success).toBe(false);
    const view = {
      mode: 'live',
      live: valid,
      secretStorage: 'encrypted',
      proxySignIn: { proxy: 'proxy.corp:8080', username: 'j.doe' },
      proxyAskingForSignIn: null,
      linkedBy: 'jo@implementers.example',
    };
    expect(settingsViewSchema.safeParse(view).success).toBe(true);
    expect(
      settingsViewSchema.safeParse({
        ...view,
        proxySignIn: { ...view.proxySignIn, password: 'p' },
      }).success,
    ).toBe(false);
    expect(settingsViewSchema.safeParse({ ...view, apiKey: 'v1.eu1.abc' }).success).toBe(false);
    expect(
      settingsViewSchema.safeParse({ ...view, live: { ...valid, relayToken: 't0k' } }).success,
    ).toBe(false);
  });
});

describe('who links', () => {
  it('is a name or an email, trimmed, or empty for nobody; not control characters or a novel', () => {
    const input = bridgeCalls.saveLinkedBy.input;
    expect(input.parse({ linkedBy: '  Jo Implementer ' })).toEqual({ linkedBy: 'Jo Implementer' });
    expect(input.parse({ linkedBy: '' })).toEqual({ linkedBy: '' });
    expect(input.safeParse({ linkedBy: 'Jo\nImplementer' }).error?.issues[0]?.message).toBe(
      'Your name cannot contain control characters.',
    );
    expect(input.safeParse({ linkedBy: 'x'.repeat(201) }).error?.issues[0]?.message).toBe(
      'Your name is at most 200 characters.',
    );
    expect(input.safeParse({}).success).toBe(false);
  });
});

describe('liveProfile', () => {
  it('uses the API URL for the Hub too, without a trailing slash', () => {
    const profile = liveProfile(
      { ...valid, apiUrl: 'https://api.eu1.stackone.com/', appUrl: 'https://app.stackone.com/' },
      { apiKey: 'k', relayToken: 't' },
    );
    expect(profile).toMatchObject({
      mode: 'live',
      apiBaseUrl: 'https://api.eu1.stackone.com',
      hubBaseUrl: 'https://api.eu1.stackone.com',
      hubAppUrl: 'https://app.stackone.com',
      relayStreamUrl: 'wss://relay.example.com/v1/stream',
    });
  });

  it("adds the relay's stream path to a relay URL given without a path", () => {
    const streamUrl = (relayUrl: string) =>
      liveProfile({ ...valid, relayUrl }, { apiKey: 'k', relayToken: 't' }).relayStreamUrl;
    expect(streamUrl('wss://relay.example.com')).toBe('wss://relay.example.com/v1/stream');
    expect(streamUrl('wss://relay.example.com/')).toBe('wss://relay.example.com/v1/stream');
    expect(streamUrl('wss://example.com/relay/v1/stream')).toBe(
      'wss://example.com/relay/v1/stream',
    );
  });
});

describe('regionHint', () => {
  it('points an EU key at the EU API URL, and says nothing it does not know', () => {
    expect(regionHint('v1.eu1.abc', 'https://api.stackone.com')).toBe(
      'The key is for StackOne’s EU region, whose API URL is https://api.eu1.stackone.com.',
    );
    expect(regionHint('v1.eu1.abc', 'https://api.eu1.stackone.com')).toBeNull();
    expect(regionHint('v1.us1.abc', 'https://api.stackone.com')).toBeNull();
    expect(regionHint('v1.us1.abc', 'https://api.eu1.stackone.com')).toBeNull();
  });
});
