import { describe, expect, it } from 'vitest';
import { authLinkQrCode } from '../../src/renderer/src/auth-link-qr-code';

// That the image holds exactly the link is checked in the browser, by decoding the shown pixels
// (test/e2e/onboarding.spec.ts, "a link for the customer").
describe('the auth link QR code', () => {
  it('is a PNG for a link of a usual length', async () => {
    const url = 'https://app.stackone.com/embedded/integrations?token=' + 'a'.repeat(400);
    const result = await authLinkQrCode(url);
    expect('dataUrl' in result && result.dataUrl.startsWith('data:image/png;base64,')).toBe(true);
  });

  it('says why there is none for a link too long to fit', async () => {
    const url = 'https://app.stackone.com/embedded/integrations?token=' + 'a'.repeat(3_000);
    expect(await authLinkQrCode(url)).toEqual({
      problem: `This link is too long to show as a QR code (${url.length} characters): copy it or email it instead.`,
    });
  });
});
