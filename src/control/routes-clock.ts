/**
 * Time travel: read the clock, advance it (everything due fires, in order, before the call
 * answers), freeze, unfreeze, set the scale, and give a site a clock of its own so parallel
 * suites sharing one sandbox travel in time without disturbing each other.
 *
 * A call with an API key acts on that site's clock: its own if it has one, else the
 * sandbox clock (which every site without its own clock shares).
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ControlError, badField } from '../domain/control-error.js';
import { ADVANCE_CLOCK, DROP_OWN_CLOCK, FREEZE_CLOCK, LIST_CLOCKS, OWN_CLOCK, READ_CLOCK, SCALE_CLOCK, UNFREEZE_CLOCK } from '../domain/wire/clock.js';
import type { SchemaTypes } from '../http/schema-types.js';
import { parseDuration, parseInstant } from '../options/duration.js';
import { isTimeScale, TIME_SCALE_RULE } from '../options/declarations.js';
import { clockView, siteOf } from '../http/control-views.js';

/** The range of the --time-scale option (src/options/declarations.ts): one rule, two doors. */
function parseScale(v: unknown, field: string): number {
  if (!isTimeScale(v)) throw badField(field, TIME_SCALE_RULE);
  return v;
}

export function registerClockRoutes(fastify: FastifyInstance, ctx: SandboxContext): void {
  const app = fastify.withTypeProvider<SchemaTypes>();
  const { engine } = ctx;
  const clockOf = (site: string | null) => (site === null ? engine.clock : engine.clockFor(site));

  app.get('/clock', { schema: READ_CLOCK }, async (req) => clockView(engine, siteOf(req, ctx)));

  app.get('/clocks', { schema: LIST_CLOCKS }, async () => ({
    clocks: [clockView(engine, null), ...engine.siteClockNames().map((s) => clockView(engine, s))],
  }));

  app.post('/clock/advance', { schema: ADVANCE_CLOCK }, async (req) => {
    const site = siteOf(req, ctx);
    const body = req.body;
    if ((body.by === undefined) === (body.to === undefined)) {
      throw new ControlError(400, 'bad_request', 'send either "by" (a duration such as "24h") or "to" (an ISO 8601 time), not both and not neither');
    }
    const clock = clockOf(site);
    const from = clock.now();
    let target: number;
    if (body.by !== undefined) {
      target = from + parseDuration(body.by, 'by');
    } else {
      target = parseInstant(body.to, 'to');
      if (target < from) throw badField('to', `${new Date(target).toISOString()} is before the clock's now (${new Date(from).toISOString()}); the clock only moves forward`, 'invalid_time');
    }
    const fired = await clock.advanceTo(target);
    return { ...clockView(engine, site), from: new Date(from).toISOString(), fired };
  });

  app.post('/clock/freeze', { schema: FREEZE_CLOCK }, async (req) => {
    const site = siteOf(req, ctx);
    clockOf(site).freeze();
    return clockView(engine, site);
  });

  app.post('/clock/unfreeze', { schema: UNFREEZE_CLOCK }, async (req) => {
    const site = siteOf(req, ctx);
    clockOf(site).unfreeze();
    return clockView(engine, site);
  });

  app.post('/clock/scale', { schema: SCALE_CLOCK }, async (req) => {
    const site = siteOf(req, ctx);
    clockOf(site).setScale(parseScale(req.body.scale, 'scale'));
    return clockView(engine, site);
  });

  // A site's own clock starts where the sandbox clock is, unless told otherwise.
  app.post('/clock/own', { schema: OWN_CLOCK }, async (req, reply) => {
    const site = siteOf(req, ctx, true) as string;
    const body = req.body;
    const state = {
      ...(body.start !== undefined ? { virtual: parseInstant(body.start, 'start') } : {}),
      ...(body.scale !== undefined ? { scale: parseScale(body.scale, 'scale') } : {}),
      ...(typeof body.frozen === 'boolean' ? { frozen: body.frozen } : {}),
    };
    const existed = engine.hasOwnClock(site);
    if (existed && Object.keys(state).length > 0) {
      throw new ControlError(409, 'conflict', 'this site already has its own clock; advance, freeze or scale it, or DELETE /_sandbox/clock/own first');
    }
    engine.createSiteClock(site, state);
    reply.code(existed ? 200 : 201);
    return clockView(engine, site);
  });

  app.delete('/clock/own', { schema: DROP_OWN_CLOCK }, async (req) => {
    const site = siteOf(req, ctx, true) as string;
    const removed = engine.removeSiteClock(site);
    return { removed, ...clockView(engine, site) };
  });
}
