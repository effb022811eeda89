import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { rendererContentType } from '../../src/main/renderer-content-types';

/**
 * Serves the built renderer (out/renderer) on 127.0.0.1 with the same CSP header the app's
 * `app://` protocol sends (the active profile's), so browser tests run the real bundle under the
 * real policy.
 */
export async function serveBuiltRenderer(
  rendererDir: string,
  contentSecurityPolicy: () => string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const root = normalize(rendererDir + sep);
  const server: Server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = normalize(
      join(root, decodeURIComponent(pathname === '/' ? '/index.html' : pathname)),
    );
    if (!file.startsWith(root)) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) =>
        response
          .writeHead(200, {
            'content-type': rendererContentType(file),
            'content-security-policy': contentSecurityPolicy(),
          })
          .end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
