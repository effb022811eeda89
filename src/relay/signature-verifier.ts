import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks `x-stackone-signature`: base64url HMAC-SHA256 of the exact body bytes. Any of several
 * secrets may match, so a secret can be rotated without losing webhooks.
 */
export function isValidStackOneSignature(
  rawBody: Buffer,
  signatureHeader: string | undefined,
  secrets: readonly string[],
): boolean {
  if (signatureHeader === undefined || !couldBeStackOneSignature(signatureHeader)) return false;
  const received = Buffer.from(signatureHeader.trim().replace(/=+$/, ''), 'utf8');
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(
      createHmac('sha256', secret).update(rawBody).digest('base64url'),
      'utf8',
    );
    // Every secret is checked, so timing does not reveal which one matched.
    if (expected.length === received.length && timingSafeEqual(expected, received)) matched = true;
  }
  return matched;
}

/**
 * Whether a header value has the shape of a signature (43 base64url characters, the 32 bytes of
 * an HMAC-SHA256, padding allowed), so that one that cannot match is refused without the body.
 */
export function couldBeStackOneSignature(signatureHeader: string): boolean {
  return /^[A-Za-z0-9_-]{43}=*$/.test(signatureHeader.trim());
}

/** Compares a presented bearer token with the configured ones in constant time per token. */
export function isKnownToken(presented: string, tokens: readonly string[]): boolean {
  const candidate = Buffer.from(presented, 'utf8');
  let matched = false;
  for (const token of tokens) {
    const known = Buffer.from(token, 'utf8');
    if (known.length === candidate.length && timingSafeEqual(known, candidate)) matched = true;
  }
  return matched;
}
