/**
 * Run as its own process (the trusted certificates are process-wide): fetches `url` with Node's
 * own fetch, after `trustSystemCertificates()` when asked, and prints `ok <body>` or the error's
 * code.
 */
import { trustSystemCertificates } from '../../src/main/network/system-certificates';

const [url, trust] = process.argv.slice(2);
if (trust === 'trust') trustSystemCertificates();
try {
  const response = await fetch(url ?? '');
  process.stdout.write(`ok ${await response.text()}`);
} catch (error) {
  const cause = (error as { cause?: { code?: string } }).cause;
  process.stdout.write(cause?.code ?? String(error));
}
