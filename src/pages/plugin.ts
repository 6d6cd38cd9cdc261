/**
 * The shopper's pages: payment page (redirect flow) and the fake Sofort bank.
 * Server-rendered with @fastify/view + ejs; every value is escaped by ejs `<%= %>`.
 */
import type { FastifyInstance } from 'fastify';
import view from '@fastify/view';
import ejs from 'ejs';
import type { SandboxContext } from '../context.js';
import { renderOrder } from '../domain/render.js';
import { VIEWS_DIR } from '../paths.js';

export async function pagesPlugin(app: FastifyInstance, opts: { ctx: SandboxContext }): Promise<void> {
  const { ctx } = opts;
  await app.register(view, { engine: { ejs }, root: VIEWS_DIR });

  app.get('/connect/:session/', async (req, reply) => {
    const order = ctx.engine.findBySession((req.params as { session: string }).session);
    if (!order) return reply.code(404).view('not-found.ejs', {});
    return reply.view('order.ejs', { order: renderOrder(order) });
  });

  app.get('/bank/:session/', async (req, reply) => {
    const order = ctx.engine.findBySession((req.params as { session: string }).session);
    if (!order) return reply.code(404).view('not-found.ejs', {});
    return reply.view('order.ejs', { order: renderOrder(order) });
  });
}
