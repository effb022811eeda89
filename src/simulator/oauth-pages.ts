import type { FastifyInstance } from 'fastify';
import { findConnector } from './catalogue';
import { escapeHtml, htmlPage } from './html-page';
import type { SimulatorState } from './simulator-state';
import type { WebhookSender } from './webhook-sender';

const page = (title: string, body: string) =>
  htmlPage(
    title,
    body,
    'body{max-width:28rem;margin-top:3rem}button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:.4rem;border:1px solid #8892a6;cursor:pointer}button.approve{background:#2454d6;color:#fff;border-color:#2454d6}',
  );

const linkNoLongerValid = page(
  'Link expired',
  '<h1>This sign-in link is no longer valid</h1><p>Close this window and start the connection again.</p>',
);

/** The provider's OAuth consent screen, as the popup opened by the Hub shows it. */
export function registerOAuthPages(
  app: FastifyInstance,
  deps: { state: SimulatorState; webhooks: WebhookSender },
): void {
  const { state, webhooks } = deps;

  app.get<{ Params: { integrationId: string }; Querystring: Record<string, string | undefined> }>(
    '/connect/oauth2/:integrationId',
    async (request, reply) => {
      const connector = findConnector(request.params.integrationId);
      const attemptId = request.query.connection_attempt_id ?? '';
      const attempt = state.attempt(attemptId);
      reply.type('text/html; charset=utf-8');
      if (
        !connector ||
        !attempt ||
        attempt.status !== 'pending' ||
        !state.liveSession(request.query.token)
      ) {
        return reply.code(400).send(linkNoLongerValid);
      }
      const hidden = (name: string, value: string) =>
        `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
      const fields =
        hidden('connection_attempt_id', attemptId) +
        hidden('redirect_uri', request.query.redirect_uri ?? '');
      return page(
        `Sign in to ${connector.name}`,
        `<h1>${escapeHtml(connector.name)}</h1>
<p><strong>StackOne</strong> is asking for access to your ${escapeHtml(connector.name)} data (read employees, contacts and companies).</p>
<form method="post" action="/connect/oauth2/${encodeURIComponent(connector.integrationId)}/decision">${fields}
<button class="approve" name="decision" value="approve" type="submit">Approve</button>
<button name="decision" value="deny" type="submit">Deny</button>
<button name="decision" value="cancel" type="submit">Cancel</button></form>`,
      );
    },
  );

  app.post<{ Params: { integrationId: string }; Body: Record<string, string | undefined> }>(
    '/connect/oauth2/:integrationId/decision',
    async (request, reply) => {
      const connector = findConnector(request.params.integrationId);
      const attempt = state.attempt(request.body.connection_attempt_id ?? '');
      const session = attempt ? state.liveSession(attempt.sessionToken) : null;
      reply.type('text/html; charset=utf-8');
      if (!connector || !attempt || attempt.status !== 'pending' || !session) {
        return reply.code(400).send(linkNoLongerValid);
      }
      if (request.body.decision === 'cancel') {
        // The user backed out of the provider's sign-in: the Hub returns to its form.
        attempt.status = 'cancelled';
        return page(
          'Cancelled',
          '<h1>Sign-in cancelled</h1><p>You can close this window.</p><script>window.close()</script>',
        );
      }
      if (request.body.decision !== 'approve') {
        attempt.status = 'error';
        attempt.error = {
          code: 'access_denied',
          description: `Access to ${connector.name} was denied. Approve access in the ${connector.name} window to link the account.`,
        };
        return page('Access denied', `<h1>Access denied</h1><p>You can close this window.</p>`);
      }
      const { account, created } = state.upsertAccount(session, connector, {
        access_token: `sim-access-${attempt.id}`,
      });
      attempt.status = 'authenticated';
      attempt.accountId = account.id;
      webhooks.send(created ? 'account.created' : 'account.updated', account);
      const redirect = request.body.redirect_uri ?? '';
      if (/^https?:\/\//.test(redirect)) return reply.redirect(redirect, 303);
      return page('Connected', '<h1>Connected</h1><p>You can close this window.</p>');
    },
  );

  app.get('/embedded/accounts/callback', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(page('Connected', '<h1>Account connected</h1><p>You can close this window.</p>')),
  );
}
