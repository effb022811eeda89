import { describe, expect, it } from 'vitest';
import { describeRelayAnswer } from '../../src/main/relay-answer';

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
    expect(describeRelayAnswer(308, host, '/stream/v1?token=abc').message).toContain(
      `(HTTP 308, to http://${host}/stream/v1).`,
    );
    expect(describeRelayAnswer(302, host).message).toContain('(HTTP 302).');
    expect(describeRelayAnswer(302, host, 'http://[broken').message).toContain('(HTTP 302).');
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
});
