/**
 * Hooks on the MultiSafepay API (/v1/json) that belong to the control plane: failure rules
 * (answer an error, 5xx, add latency, drop the connection, never answer) and the request
 * journal. Installed on the root instance before the API plugin so they wrap every API
 * route and the API's 404s; they return at once for every other URL.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readApiKey } from '../http/api-key.js';
import type { SandboxContext } from '../context.js';
import { ADVICE_HEADER } from '../domain/advisor.js';
import { ApiError, errorNameByCode } from '../domain/errors.js';
import type { FailureRule } from '../features/test-rules/failure-rules.js';
import type { JournalEntry } from '../features/inspection/journal.js';
import { maskQuoted, maskUrl, secretsOf, withLazyBodies } from '../features/inspection/journal.js';
import type { MatchSubject } from '../features/test-rules/match.js';
import { subjectOf } from '../features/test-rules/match.js';

const PREFIX = '/v1/json';

interface CallState {
  start: number;
  failure: FailureRule | null;
  errorCode: number | null;
  hint: string | null;
  advice: string[];
  logged: boolean;
  /** The answer's body as sent (set in onSend); undefined until then. */
  response: unknown;
}

function apiPath(url: string): string | null {
  const path = url.split('?')[0] ?? '';
  if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) return null;
  return path.slice(PREFIX.length) || '/';
}

/** The method the API handler acts on (the Java client sends PATCH/DELETE as POST + override). */
function effectiveMethod(req: FastifyRequest): string {
  const o = req.headers['x-http-method-override'];
  return req.method === 'POST' && typeof o === 'string' && o.trim() !== '' ? o.trim().toUpperCase() : req.method;
}

function idParam(req: FastifyRequest): string | null {
  const id = (req.params as Record<string, unknown> | undefined)?.id;
  return typeof id === 'string' ? id : null;
}

export function installApiHooks(app: FastifyInstance, ctx: SandboxContext): void {
  const { engine, control } = ctx;
  const real = engine.realTime;
  // Per-request state, owned by this app (no module state).
  const calls = new WeakMap<FastifyRequest, CallState>();

  const orderIdOf = (req: FastifyRequest): string | null => {
    const id = idParam(req);
    if (id !== null) return id.slice(0, 100);
    const body = req.body as Record<string, unknown> | undefined;
    const v = body && typeof body === 'object' ? body.order_id : undefined;
    return typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, 100) : null;
  };

  const record = (req: FastifyRequest, state: CallState, status: number | null, outcome: JournalEntry['outcome']): void => {
    if (state.logged) return;
    state.logged = true;
    const site = readApiKey(req);
    const url = maskUrl(req.url).slice(0, 2000);
    const body = req.body;
    const raw = req.url;
    let secretList: readonly string[] | undefined;
    const secrets = (): readonly string[] => (secretList ??= secretsOf(raw, body));
    control.journal.add(
      withLazyBodies(
        {
          at: new Date(engine.now(site ?? '')).toISOString(),
          method: effectiveMethod(req),
          url,
          path: apiPath(url) ?? '/',
          status,
          outcome,
          duration_ms: Math.max(0, real.now() - state.start),
          site,
          order_id: orderIdOf(req),
          error_code: state.errorCode,
          failure: state.failure?.id ?? null,
          hint: state.hint === null ? null : maskQuoted(state.hint, secrets()),
          advice: state.advice.length === 0 ? state.advice : state.advice.map((a) => maskQuoted(a, secrets())),
        },
        body,
        status === null ? null : state.response,
        secrets,
      ),
    );
  };

  const subject = (req: FastifyRequest, site: string | null, method: string, path: string): MatchSubject => {
    if (method === 'POST' && /^\/orders\/?$/.test(path)) return subjectOf(req.body as Record<string, unknown> | undefined);
    const id = idParam(req);
    const order = id !== null && site !== null ? engine.findOrder(site, id) : undefined;
    if (order) return subjectOf(order as unknown as Record<string, unknown>);
    return { ...subjectOf(null), order_id: id };
  };

  // Callback-style hooks: they run on every API call, and a callback hook that has nothing to
  // do costs less than an async one (no promise per hook per request).
  app.addHook('onRequest', (req, _reply, done) => {
    if (apiPath(req.url) !== null) calls.set(req, { start: real.now(), failure: null, errorCode: null, hint: null, advice: [], logged: false, response: undefined });
    done();
  });

  app.addHook('preHandler', (req, reply, done) => {
    const state = calls.get(req);
    if (!state || control.failures.size === 0) return done();
    const path = apiPath(req.url) ?? '/';
    const site = readApiKey(req);
    const method = effectiveMethod(req);
    const rule = control.failures.pick(site, method, path, () => subject(req, site, method, path));
    if (!rule) return done();
    state.failure = rule;
    // A rule that answered (or hijacked the reply) ends the request here; latency goes on.
    applyFailure(req, reply, rule, state).then(
      () => {
        if (!reply.sent) done();
      },
      (err: Error) => done(err),
    );
  });

  const applyFailure = async (req: FastifyRequest, reply: FastifyReply, rule: FailureRule, state: CallState): Promise<unknown> => {
    const why = `simulated by sandbox failure rule ${rule.id}`;
    switch (rule.kind) {
      case 'error': {
        const name = errorNameByCode(rule.error_code ?? 1024) ?? 'DECLINED';
        const err = new ApiError(name, why);
        state.errorCode = err.code;
        return reply.code(err.http).type('application/json; charset=utf-8').send(err.toEnvelope());
      }
      case 'http': {
        const status = rule.status ?? 503;
        if (rule.body === 'html') {
          return reply.code(status).type('text/html; charset=utf-8').send(`<html><head><title>${status}</title></head><body><h1>${status}</h1><p>${why}</p></body></html>`);
        }
        if (rule.body === 'empty') return reply.code(status).send();
        const err = new ApiError('UNKNOWN', `HTTP ${status} ${why}`, status);
        state.errorCode = err.code;
        return reply.code(status).type('application/json; charset=utf-8').send(err.toEnvelope());
      }
      case 'latency': {
        // Real time: latency is what the client's own timers see, not sandbox time.
        await new Promise<void>((resolve) => real.setTimeout(resolve, rule.latency_ms ?? 0));
        return undefined;
      }
      case 'drop': {
        if (rule.after) return undefined; // the handler runs; onSend drops the answer.
        reply.hijack();
        record(req, state, null, 'dropped');
        req.raw.socket?.destroy();
        return reply;
      }
      case 'timeout': {
        // Never answer. The connection stays open until the client gives up or the sandbox closes.
        reply.hijack();
        reply.raw.once('close', () => record(req, state, null, 'timeout'));
        return reply;
      }
    }
  };

  app.addHook('onSend', (req, reply, payload, done) => {
    const state = calls.get(req);
    if (!state) return done(null, payload);
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) state.response = payload;
    if (reply.statusCode >= 400 && state.errorCode === null && typeof payload === 'string' && payload.length < 65_536) {
      try {
        const parsed = JSON.parse(payload) as { error_code?: unknown; sandbox_hint?: unknown };
        if (typeof parsed.error_code === 'number') state.errorCode = parsed.error_code;
        if (typeof parsed.sandbox_hint === 'string') state.hint = parsed.sandbox_hint.slice(0, 1000);
      } catch {
        // Not JSON (an HTML error page): no error_code to note.
      }
    }
    const advice = reply.getHeader(ADVICE_HEADER);
    if (typeof advice === 'string' && advice !== '') state.advice = advice.split(' | ');
    if (state.failure?.kind === 'drop' && state.failure.after) {
      record(req, state, null, 'dropped');
      req.raw.socket?.destroy();
    }
    done(null, payload);
  });

  app.addHook('onResponse', (req, reply, done) => {
    const state = calls.get(req);
    if (state) record(req, state, reply.statusCode, 'answered');
    done();
  });
}
