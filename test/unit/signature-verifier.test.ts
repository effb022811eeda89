import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isKnownToken, isValidStackOneSignature } from '../../src/relay/signature-verifier';
import { signWebhookBody } from '../../src/simulator/webhook-sender';

/** An independent signer (WebCrypto, manual base64url) to check both sides against. */
async function referenceSignature(body: string, secret: string): Promise<string> {
  const key = await webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(
    await webcrypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)),
  );
  return btoa(String.fromCharCode(...mac))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const body = '{"event":"account.created","account_id":"123","note":"héllo ✓"}';

describe('x-stackone-signature', () => {
  it('the simulator signs as the reference implementation does', async () => {
    expect(signWebhookBody(body, 'whsec_1')).toBe(await referenceSignature(body, 'whsec_1'));
  });

  it('the relay accepts a reference signature over the exact bytes', async () => {
    const signature = await referenceSignature(body, 'whsec_1');
    expect(isValidStackOneSignature(Buffer.from(body), signature, ['whsec_1'])).toBe(true);
  });

  it('accepts any of several secrets, for rotation', async () => {
    const signature = await referenceSignature(body, 'new-secret');
    expect(
      isValidStackOneSignature(Buffer.from(body), signature, ['old-secret', 'new-secret']),
    ).toBe(true);
  });

  it('rejects a wrong secret, a changed byte, re-serialised JSON and an empty header', async () => {
    const signature = await referenceSignature(body, 'whsec_1');
    expect(isValidStackOneSignature(Buffer.from(body), signature, ['other'])).toBe(false);
    expect(
      isValidStackOneSignature(Buffer.from(body.replace('123', '124')), signature, ['whsec_1']),
    ).toBe(false);
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    expect(isValidStackOneSignature(Buffer.from(reserialised), signature, ['whsec_1'])).toBe(false);
    expect(isValidStackOneSignature(Buffer.from(body), '', ['whsec_1'])).toBe(false);
    expect(isValidStackOneSignature(Buffer.from(body), undefined, ['whsec_1'])).toBe(false);
  });

  it('matches client tokens exactly', () => {
    expect(isKnownToken('token-a', ['token-b', 'token-a'])).toBe(true);
    expect(isKnownToken('token-', ['token-a'])).toBe(false);
    expect(isKnownToken('token-aa', ['token-a'])).toBe(false);
  });
});
