/**
 * The QA dashboard at /dashboard (and / redirects there): what happened to every order
 * and notification, and buttons for what the control API can do. A thin door: reads come
 * from the engine and the feature services, buttons call the control plane's functions,
 * so nothing here changes an order except through engine.transition().
 *
 * Guarded like the control plane (see access.ts); served with @fastify/view + ejs in its
 * own scope, so its headers, error pages and view settings touch no other route.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import view from '@fastify/view';
import ejs from 'ejs';
import type { SandboxContext } from '../context.js';
import { VIEWS_DIR } from '../paths.js';
import { toControlError } from '../domain/control-error.js';
import { checkAccess, clearSessionCookie, isCrossSite, isTokenRight, loginPrompt, reachable, safeBack, setSessionCookie } from './access.js';
import { hostRefusal } from '../http/origin-guard.js';
import { LiveHub } from './live.js';
import { backOf, queryParam, sendPage } from './page.js';
import { formField } from '../http/format.js';
import { registerActions } from './routes-actions.js';
import { registerPages } from './routes-pages.js';
import { registerCreate } from './routes-create.js';
import { registerRules } from './routes-rules.js';
import { clockModel } from './model.js';
import { addHtmlSecurityHeaders } from '../http/security-headers.js';

/** No inline script or style can run whatever merchant data holds; the live stream and refreshes come from the sandbox only. */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Open without the token: the login form itself, and / which only redirects. */
const OPEN_PATHS = new Set(['/dashboard/login', '/']);

function bare(ctx: SandboxContext) {
  return { site: null, nav: 'bare', events: null, flash: null, back: '/dashboard', tokenSet: false, clock: clockModel(ctx, null) };
}

async function loginPage(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, status: number, message: string, error: string | null, next: string): Promise<FastifyReply> {
  return sendPage(reply, status, 'login.ejs', { ...bare(ctx), message, error, next: safeBack(next) });
}

async function errorPage(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, status: number, heading: string, message: string): Promise<FastifyReply> {
  const back = req.method === 'POST' ? safeBack(formField(req.body, 'back')) : '/dashboard';
  return sendPage(reply, status, 'error.ejs', { ...bare(ctx), status, heading, message, back });
}

export async function dashboardPlugin(app: FastifyInstance, opts: { ctx: SandboxContext }): Promise<void> {
  const { ctx } = opts;
  // No rmWhitespace: the order JSON and webhook bodies are shown in <pre> with their indentation.
  await app.register(view, { engine: { ejs }, root: VIEWS_DIR, production: true });

  const hub = new LiveHub(ctx);
  // Before the server closes its connections, so open streams end cleanly and nothing listens on.
  app.addHook('preClose', async () => hub.close());
  app.addHook('onClose', async () => hub.close());

  addHtmlSecurityHeaders(app, CSP, { 'x-frame-options': 'DENY' });

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (req.method === 'POST' && isCrossSite(req)) {
      return errorPage(ctx, req, reply, 403, 'Refused', 'This form was posted from another site. Use the dashboard’s own buttons.');
    }
    if (OPEN_PATHS.has(path)) {
      const far = reachable(req, ctx.config);
      if (far && !far.ok) return errorPage(ctx, req, reply, far.status, 'Not from here', far.message);
      const host = hostRefusal(req, ctx.config);
      if (host !== null) return errorPage(ctx, req, reply, 403, 'Not from here', `The dashboard refused this address: ${host}.`);
      return undefined;
    }
    const access = checkAccess(req, ctx.config, ctx.security);
    if (!access.ok) {
      if (path === '/dashboard/events') return reply.code(access.status).type('text/plain; charset=utf-8').send(access.message);
      if (access.status === 403) return errorPage(ctx, req, reply, 403, 'Not from here', access.message);
      if (access.status === 429) return errorPage(ctx, req, reply, 429, 'Too many tries', access.message);
      return loginPage(ctx, req, reply, 401, access.message, null, req.method === 'GET' ? backOf(req) : '/dashboard');
    }
    if (access.via === 'query' && ctx.config.controlToken !== null) {
      setSessionCookie(reply, ctx.security);
      // The token leaves the address bar (and the history) once the cookie carries it.
      if (req.method === 'GET' && path !== '/dashboard/events' && path !== '/') return reply.redirect(backOf(req), 303);
    }
    return undefined;
  });

  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const ce = toControlError(err);
    if (ce.status >= 500) req.log.error({ err }, 'dashboard page failed');
    const heading = ce.status === 404 ? 'Not found' : ce.status === 409 ? 'Not possible now' : ce.status >= 500 ? 'Something broke' : 'Cannot do that';
    try {
      return await errorPage(ctx, req, reply, ce.status, heading, ce.message);
    } catch {
      return reply.code(ce.status).type('text/plain; charset=utf-8').send(ce.message);
    }
  });

  await app.register(
    async (scope) => {
      scope.setNotFoundHandler((req, reply) => errorPage(ctx, req, reply, 404, 'Not found', `The dashboard has no page ${req.method} ${(req.url.split('?')[0] ?? '').slice(0, 120)}. Start from the orders list.`));
    },
    { prefix: '/dashboard' },
  );

  app.get('/dashboard/login', async (req, reply) => {
    if (ctx.config.controlToken === null) return reply.redirect('/dashboard', 303);
    return loginPage(ctx, req, reply, 200, loginPrompt(ctx.config), null, queryParam(req, 'next') ?? '/dashboard');
  });

  app.post('/dashboard/login', async (req, reply) => {
    const token = ctx.config.controlToken;
    if (token === null) return reply.redirect('/dashboard', 303);
    const next = formField(req.body, 'next');
    // formField cuts at 200 characters; a token can be 256, so read it whole.
    const raw = (req.body as Record<string, unknown> | undefined)?.token;
    const sent = typeof raw === 'string' ? raw.trim() : '';
    const wait = ctx.security.guesses.retryAfter(req.socket.remoteAddress);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return loginPage(ctx, req, reply, 429, loginPrompt(ctx.config), `Too many wrong tokens from this address: try again in ${wait} s.`, next);
    }
    if (!isTokenRight(ctx.config, sent)) {
      ctx.security.guesses.fail(req.socket.remoteAddress);
      return loginPage(ctx, req, reply, 401, loginPrompt(ctx.config), 'That is not the control token this sandbox was started with.', next);
    }
    setSessionCookie(reply, ctx.security);
    const u = new URL(safeBack(next), 'http://dashboard.local');
    u.searchParams.set('done', 'logged_in');
    return reply.redirect(u.pathname + u.search, 303);
  });

  app.post('/dashboard/logout', async (req, reply) => {
    clearSessionCookie(req, reply, ctx.security);
    return reply.redirect('/dashboard/login', 303);
  });

  registerPages(app, ctx, hub);
  registerActions(app, ctx);
  registerCreate(app, ctx);
  registerRules(app, ctx);
}
