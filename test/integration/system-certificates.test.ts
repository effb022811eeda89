import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../support/self-signed-certificate';
import { makeTempDir } from '../support/temp-dir';

const run = promisify(execFile);
const script = join(import.meta.dirname, '../support/fetch-with-system-certificates.ts');
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Node's fetch in a process of its own, whose system store holds only `certificateFile`. */
async function fetchWithSystemStore(url: string, certificateFile: string, trust: boolean) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', script, url, trust ? 'trust' : 'leave'],
    // OpenSSL reads the system's certificate authorities from these.
    { env: { ...process.env, SSL_CERT_FILE: certificateFile, SSL_CERT_DIR: '/nonexistent' } },
  );
  return stdout;
}

describe("the system's certificate authorities", () => {
  it('are trusted by the main process as they are by the window, and not without it', async (context) => {
    const temp = makeTempDir('system-certificates');
    cleanups.push(() => temp.remove());
    const certificate = selfSignedCertificate(temp.path);
    if (certificate === null) {
      console.warn('skipped: openssl is not installed, so no certificate authority can be made');
      context.skip();
      return;
    }
    // As a TLS-inspecting network's authority: in the system's store, unknown to Node.
    const server: Server = createServer(
      { key: certificate.key, cert: certificate.cert },
      (_request, response) => response.end('pong'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `https://localhost:${(server.address() as AddressInfo).port}/`;

    expect(await fetchWithSystemStore(url, certificate.certFile, false)).toBe(
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    );
    expect(await fetchWithSystemStore(url, certificate.certFile, true)).toBe('ok pong');
  });
});
