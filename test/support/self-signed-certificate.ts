import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp-dir';

/**
 * A self-signed certificate for localhost (its own authority) and its key, made with openssl, as
 * PEM text and as files in `dir`; null where openssl is missing.
 */
export function selfSignedCertificate(
  dir: string,
): { cert: string; key: string; certFile: string } | null {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  // prettier-ignore
  const args = [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ];
  try {
    execFileSync('openssl', args, { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
}

/** The same, with its files removed at once: the PEM text only. */
export function selfSignedCertificateText(): { cert: string; key: string } | null {
  const temp = makeTempDir('self-signed-certificate');
  try {
    const made = selfSignedCertificate(temp.path);
    return made && { cert: made.cert, key: made.key };
  } finally {
    temp.remove();
  }
}
