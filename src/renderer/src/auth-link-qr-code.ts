import type QRCodeLibrary from 'qrcode';
import { importAfterFailure } from './module-load-retry';

export type QrCodeResult = { dataUrl: string } | { problem: string };

type QrLibrary = Pick<typeof QRCodeLibrary, 'toDataURL'>;

// Loaded with the first link, not with the window: most sessions never make one.
const importQrLibraryPlain = (): Promise<{ default: QrLibrary }> => import('qrcode');
let importQrLibrary = importQrLibraryPlain;
let qrLibraryRetries = 0;

/**
 * The QR code library. A fetch of it that failed is tried again at once under a new URL (a page
 * keeps a failed module fetch for its life: `moduleUrlToRetry`), and a link made later starts from
 * the last URL tried, so each link's QR code gets its own new fetch until one loads.
 */
async function loadQrLibrary(): Promise<QrLibrary> {
  let library: Partial<QrLibrary> | undefined;
  try {
    library = (await importQrLibrary()).default;
  } catch (failure) {
    importQrLibrary = importAfterFailure(
      failure,
      ++qrLibraryRetries,
      window.location.href,
      importQrLibraryPlain,
    );
    library = (await importQrLibrary()).default;
  }
  // Imported under a new URL it is the build's chunk itself, whose default export is the library.
  if (typeof library?.toDataURL !== 'function')
    throw new Error('The QR code library loaded without toDataURL.');
  return library as QrLibrary;
}

/**
 * The auth link as a QR code image (a data: URL), or why there is none: a QR code holds at most
 * about 2,300 bytes at the error correction a phone camera needs, and the library that draws it
 * may not load.
 */
export async function authLinkQrCode(url: string): Promise<QrCodeResult> {
  let QRCode: QrLibrary;
  try {
    QRCode = await loadQrLibrary();
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
