import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy } from '../../src/main/security/content-security-policy';
import {
  isAllowedAppNavigation,
  isAllowedOAuthPopupNavigation,
} from '../../src/main/security/navigation-policy';
import { isTrustedSender } from '../../src/main/security/trusted-sender';
import { isPermissionGranted } from '../../src/main/security/permission-policy';
import { decideWindowOpen } from '../../src/main/security/window-open-policy';

const hub = 'https://api.stackone.com';

describe('window-open policy', () => {
  it.each([
    [`${hub}/connect/oauth2/int_hubspot?redirect_uri=x&token=t`, 'allow-hub-oauth-popup'],
    ['http://127.0.0.1:4010/connect/oauth2/int_1?token=t', 'deny'],
    [`${hub}/hub/connectors`, 'open-in-system-browser'],
    ['https://docs.stackone.com/guides', 'open-in-system-browser'],
    ['https://evil.example/connect/oauth2/x', 'open-in-system-browser'],
    ['https://user:pass@api.stackone.com/connect/oauth2/x', 'deny'],
    ['http://example.com/', 'deny'],
    ['file:///etc/passwd', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['not a url', 'deny'],
    ['mailto:?subject=Link&body=https%3A%2F%2Fapp.stackone.com%2Fx', 'open-in-mail-app'],
    ['mailto:it@customer.example', 'open-in-mail-app'],
  ])('%s -> %s', (url, action) => {
    expect(decideWindowOpen(url, hub).action).toBe(action);
  });

  it('allows the local simulator popup when the simulator is the hub', () => {
    expect(
      decideWindowOpen(
        'http://127.0.0.1:4010/connect/oauth2/int_1?token=t',
        'http://127.0.0.1:4010',
      ).action,
    ).toBe('allow-hub-oauth-popup');
    expect(
      decideWindowOpen('http://127.0.0.1:4011/connect/oauth2/int_1', 'http://127.0.0.1:4010')
        .action,
    ).toBe('deny');
  });

  it('sends the demo’s auth link page (the simulator’s, plain http) to the system browser', () => {
    const simulator = 'http://127.0.0.1:4010';
    expect(decideWindowOpen(`${simulator}/embedded/integrations?token=t`, simulator).action).toBe(
      'open-in-system-browser',
    );
    // Nothing else of the simulator's, nor the page on another port or with a sign-in.
    for (const url of [
      `${simulator}/embedded/integrations/x?token=t`,
      `${simulator}/_simulator/accounts`,
      'http://127.0.0.1:4011/embedded/integrations?token=t',
      'http://user:pass@127.0.0.1:4010/embedded/integrations?token=t',
    ]) {
      expect(decideWindowOpen(url, simulator).action, url).toBe('deny');
    }
  });

  it('honours a hub base URL with a path', () => {
    expect(
      decideWindowOpen('https://eu.example/api/connect/oauth2/x', 'https://eu.example/api/').action,
    ).toBe('allow-hub-oauth-popup');
    expect(
      decideWindowOpen('https://eu.example/connect/oauth2/x', 'https://eu.example/api').action,
    ).toBe('open-in-system-browser');
  });
});

describe('navigation policy', () => {
  it('keeps the app window on app pages', () => {
    expect(isAllowedAppNavigation('app://onboarding/index.html', ['app://onboarding'])).toBe(true);
    expect(isAllowedAppNavigation('app://other/index.html', ['app://onboarding'])).toBe(false);
    expect(isAllowedAppNavigation('https://api.stackone.com/', ['app://onboarding'])).toBe(false);
    expect(isAllowedAppNavigation('http://localhost:5173/x', ['http://localhost:5173'])).toBe(true);
    expect(isAllowedAppNavigation('http://localhost:5174/x', ['http://localhost:5173'])).toBe(
      false,
    );
  });

  it('lets the OAuth popup use https and the hub origin only', () => {
    const local = 'http://127.0.0.1:4010';
    expect(isAllowedOAuthPopupNavigation('https://app.hubspot.com/oauth/authorize', hub)).toBe(
      true,
    );
    expect(isAllowedOAuthPopupNavigation(`${local}/embedded/accounts/callback`, local)).toBe(true);
    expect(isAllowedOAuthPopupNavigation('http://127.0.0.1:9999/', local)).toBe(false);
    expect(isAllowedOAuthPopupNavigation('file:///etc/passwd', local)).toBe(false);
  });
});

describe('trusted sender', () => {
  it('compares scheme and host, including custom schemes', () => {
    expect(isTrustedSender('app://onboarding/index.html#x', ['app://onboarding'])).toBe(true);
    expect(isTrustedSender('app://onboarding.evil/index.html', ['app://onboarding'])).toBe(false);
    expect(isTrustedSender('http://127.0.0.1:3000/', ['http://127.0.0.1:3000'])).toBe(true);
    expect(isTrustedSender('http://127.0.0.1:3001/', ['http://127.0.0.1:3000'])).toBe(false);
    expect(isTrustedSender('', ['app://onboarding'])).toBe(false);
    expect(isTrustedSender('about:blank', ['app://onboarding'])).toBe(false);
  });
});

describe('content security policy', () => {
  it('allows scripts only from the app and network only to the hub origin', () => {
    const policy = buildContentSecurityPolicy({ hubBaseUrl: 'http://127.0.0.1:4010/some/path' });
    const directives = new Map(
      policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:4010']);
    expect(directives.get('img-src')).toEqual([
      "'self'",
      'data:',
      'http://127.0.0.1:4010',
      'https:',
    ]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect(policy).not.toContain('unsafe-eval');
  });
});

describe('permission policy', () => {
  it('grants writing text to the clipboard and nothing else', () => {
    expect(isPermissionGranted('clipboard-sanitized-write')).toBe(true);
    for (const permission of [
      'clipboard-read',
      'media',
      'notifications',
      'geolocation',
      'openExternal',
      'fullscreen',
      '',
    ]) {
      expect(isPermissionGranted(permission)).toBe(false);
    }
  });
});
