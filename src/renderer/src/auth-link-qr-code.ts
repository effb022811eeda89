import type QRCodeLibrary from 'qrcode';

export type QrCodeResult = { dataUrl: string } | { problem: string };

/**
 * The auth link as a QR code image (a data: URL), or why there is none: a QR code holds at most
 * about 2,300 bytes at the error correction a phone camera needs, and the library that draws it
 * may not load.
 */
export async function authLinkQrCode(url: string): Promise<QrCodeResult> {
  let QRCode: typeof QRCodeLibrary;
  try {
    // Loaded with the first link, not with the window: most sessions never make one.
    ({ default: QRCode } = await import('qrcode'));
  } catch {
    return {
      problem:
        'The QR code could not be made: part of the app could not be loaded. Copy the link or email it instead.',
    };
  }
  try {
    return {
      dataUrl: await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 240 }),
    };
  } catch {
    return {
      problem: `This link is too long to show as a QR code (${url.length} characters): copy it or email it instead.`,
    };
  }
}
