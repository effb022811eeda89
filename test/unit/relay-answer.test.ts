import { describe, expect, it } from 'vitest';
import { describeRelayAnswer, retryAfterMs } from '../../src/main/relay-answer';

const host = 'relay.example.com';

describe('what a relay’s answer in place of the stream means', () => {
  it('takes 403 as a token refused, as 401 is', () => {
    expect(describeRelayAnswer(403, host)).toEqual({
      tokenRefused: true,
      causeInSettings: true,
      message: `The relay at ${host} refused this app’s relay token (HTTP 403). Check the relay token in Settings with whoever runs the relay.`,
    });
  });

  it('names where a redirect leads, a relative one on the relay’s own host, and none it cannot read', () => {
    expect(describeRelayAnswer(308, host, { location: '/stream/v1?token=abc' }).message).toContain(
      `(HTTP 308, to http://${host}/stream/v1).`,
    );
    expect(describeRelayAnswer(302, host).message).toContain('(HTTP 302).');
    expect(describeRelayAnswer(302, host, { location: 'http://[broken' }).message).toContain(
      '(HTTP 302).',
    );
  });

  it('leaves a server error to the relay, and any other answer to the relay URL', () => {
    expect(describeRelayAnswer(502, host)).toMatchObject({
      tokenRefused: false,
      causeInSettings: false,
    });
    expect(describeRelayAnswer(426, host)).toMatchObject({
      tokenRefused: false,
      causeInSettings: true,
      message: `The relay at ${host} answered HTTP 426, not with its stream. Check the relay URL in Settings (it ends in /v1/stream).`,
    });
  });

  it('tells a relay serving as many apps as it takes from one down, by its refusal header alone', () => {
    const full = describeRelayAnswer(503, host, { 'relay-refused': 'too-many-clients' });
    expect(full).toMatchObject({ tokenRefused: false, causeInSettings: false });
    expect(full.message).toContain('serving as many apps as it is set to (HTTP 503)');
    expect(describeRelayAnswer(503, host, { 'relay-refused': 'something-else' }).message).toContain(
      'it may be down or restarting',
    );
    expect(
      describeRelayAnswer(502, host, { 'relay-refused': 'too-many-clients' }).message,
    ).toContain('it may be down or restarting');
  });

  it('reads a Retry-After in seconds or as a date, at most five minutes, and none it cannot read', () => {
    expect(retryAfterMs('30')).toBe(30_000);
    expect(retryAfterMs(' 5 ')).toBe(5_000);
    expect(retryAfterMs('0')).toBe(0);
    expect(retryAfterMs('86400')).toBe(300_000);
    expect(retryAfterMs(undefined)).toBe(0);
    expect(retryAfterMs('')).toBe(0);
    expect(retryAfterMs('-1')).toBe(0);
    expect(retryAfterMs('1.5')).toBe(0);
  });

  it('reads a Retry-After date from now: none where it has passed, at most five minutes', () => {
    const now = Date.parse('2026-12-07T07:28:00Z');
    expect(retryAfterMs('Mon, 07 Dec 2026 07:28:45 GMT', now)).toBe(45_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 07:27:00 GMT', now)).toBe(0);
    expect(retryAfterMs('Mon, 07 Dec 2026 09:00:00 GMT', now)).toBe(300_000);
    // Dates in the other forms HTTP/1.0 allowed, or not dates, are not read.
    expect(retryAfterMs('Monday, 07-Dec-26 07:28:45 GMT', now)).toBe(0);
    expect(retryAfterMs('Mon, 07 Dec 2026 07:28:45 +0000', now)).toBe(0);
    expect(retryAfterMs('Mon, 99 Dec 2026 07:28:45 GMT', now)).toBe(0);
  });
});
