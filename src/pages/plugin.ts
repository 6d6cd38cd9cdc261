/**
 * The shopper's pages: the payment page of the redirect flow and the fake Sofort bank.
 * Server-rendered with @fastify/view + ejs; every value goes through ejs `<%= %>` (escaped).
 * Registered without fastify-plugin, so the view engine, the error handler and the
 * security headers here apply to these pages only, not to the JSON API.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import view from '@fastify/view';
import ejs from 'ejs';
import type { SandboxContext } from '../context.js';
import { VIEWS_DIR } from '../paths.js';
import { loadBankDirectory } from './banks.js';
import { bankSessions } from './bank-session.js';
import { registerBankPages } from './bank-pages.js';
import { renderNotFound } from './guard.js';
import { createPageKit, langHint } from './page-kit.js';
import { registerPaymentPage } from './payment-page.js';
import { registerStatic } from './static.js';
import { addHtmlSecurityHeaders } from '../http/security-headers.js';

/**
 * Scripts only from the sandbox itself (no inline script can run, whatever a description
 * holds); forms may land on any http(s) merchant URL because cancel redirects there.
 */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action 'self' http: https:; base-uri 'none'";

export async function pagesPlugin(app: FastifyInstance, opts: { ctx: SandboxContext }): Promise<void> {
  const { ctx } = opts;
  // production: compile each template once per sandbox; rmWhitespace: no <pre> in these pages, so indentation can go.
  await app.register(view, { engine: { ejs }, root: VIEWS_DIR, production: true, options: { rmWhitespace: true } });

  const sessions = bankSessions(ctx.store);
  const kit = createPageKit(ctx, loadBankDirectory(ctx.engine.rules), sessions);

  // Bank step state lives only while its order is payable.
  const unsubscribe = ctx.engine.onEvent((_event, order) => {
    if (order.status !== 'initialized') sessions.delete(order.session_id);
  });
  // Retention forgets old orders: forget their bank step state with them.
  const unsubscribeForget = ctx.engine.onForget((orders) => {
    for (const o of orders) sessions.delete(o.session_id);
  });
  // A reset forgets where shoppers of the site's orders were in the bank.
  const unsubscribeReset = ctx.engine.onReset('bank_sessions', (_site, orders) => {
    let n = 0;
    for (const o of orders) if (sessions.delete(o.session_id)) n++;
    return n;
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    unsubscribeForget();
    unsubscribeReset();
  });

  addHtmlSecurityHeaders(app, CSP);

  // Anything unexpected becomes a page in the shopper's language, never a stack trace.
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'payment page failed');
    try {
      // The order only picks the language; whatever broke may break this lookup too.
      const order = ctx.engine.findBySession((req.params as { session?: string } | undefined)?.session ?? '');
      return await kit.send(reply, status, 'error.ejs', { ...kit.model(order ?? null, langHint(req)), status });
    } catch {
      return reply.code(status).type('text/plain; charset=utf-8').send(`sofort-sandbox: the page could not be shown (${status})`);
    }
  });

  registerStatic(app);
  // Mistyped links under the pages' prefixes get the HTML 404 page too.
  for (const prefix of ['/connect', '/bank']) {
    await app.register(async (scope) => {
      scope.setNotFoundHandler((req, reply) => renderNotFound(kit, req, reply));
    }, { prefix });
  }
  registerPaymentPage(app, kit);
  registerBankPages(app, kit);
}
