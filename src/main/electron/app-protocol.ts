import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { protocol } from 'electron';
import { rendererContentType } from '../renderer-content-types';

export const appScheme = 'app';
export const appOrigin = 'app://onboarding';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * Serves the built renderer at app://onboarding/ with the CSP as a header (no file:// pages); the
 * CSP is the active profile's, so a page loaded after a switch gets the new one.
 */
export function serveRenderer(rendererDir: string, contentSecurityPolicy: () => string): void {
  const root = normalize(rendererDir + sep);
  protocol.handle(appScheme, async (request) => {
    const { host, pathname } = new URL(request.url);
    const relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    const file = normalize(join(root, relative));
    if (host !== 'onboarding' || !file.startsWith(root))
      return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': rendererContentType(file),
          'content-security-policy': contentSecurityPolicy(),
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
