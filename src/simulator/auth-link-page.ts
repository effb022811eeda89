import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { escapeHtml, htmlPage } from './html-page';
import type { SimulatorState } from './simulator-state';

let webComponentSource: Promise<Buffer> | null = null;
/** The Hub's own framework-free bundle (`@stackone/hub/webcomponent`), read once. */
function loadHubWebComponent(): Promise<Buffer> {
  webComponentSource ??= readFile(
    createRequire(import.meta.url).resolve('@stackone/hub/webcomponent'),
  );
  return webComponentSource;
}

const page = (title: string, body: string) =>
  htmlPage(
    title,
    body,
    'body{max-width:44rem}.done{display:none;padding:1rem;border-radius:.5rem;background:#dcf5e7;color:#116236}',
  );

/**
 * The hosted auth-link page (`auth_link_url`): a customer opens it in any browser and links an
 * account with the real Hub, without the app. It stops working when the session expires.
 */
export function registerAuthLinkPage(
  app: FastifyInstance,
  deps: { state: SimulatorState; baseUrl: () => string },
): void {
  app.get('/embedded/hub-webcomponent.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(await loadHubWebComponent()),
  );

  app.get<{ Querystring: { token?: string } }>('/embedded/integrations', async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    const session = deps.state.liveSession(request.query.token);
    if (!session) {
      return reply
        .code(410)
        .send(
          page(
            'Link expired',
            '<h1>This link has expired</h1><p>Ask the person who sent it to you for a new link.</p>',
          ),
        );
    }
    const base = escapeHtml(deps.baseUrl());
    return page(
      `Connect your systems – ${session.originOwnerName}`,
      `<h1>Connect your systems</h1>
<p>For <strong>${escapeHtml(session.originOwnerName)}</strong>. Choose a system and sign in; you can close this page when you are done.</p>
<p class="done" role="status" id="done">Your account is connected. You can close this page.</p>
<stackone-hub token="${escapeHtml(session.token)}" base-url="${base}" app-url="${base}" height="560px"></stackone-hub>
<script src="/embedded/hub-webcomponent.js"></script>
<script>document.querySelector('stackone-hub').addEventListener('success', function () { document.getElementById('done').style.display = 'block'; });</script>`,
    );
  });
}
