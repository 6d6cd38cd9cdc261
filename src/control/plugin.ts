/**
 * The sandbox control plane under /_sandbox: scenarios, failures, time travel, inspection.
 * Outside /v1/json so a merchant's client never meets it. JSON in and out.
 *
 * Other features add their control routes as extensions (webhook log and resend, refund
 * "Accept", Second Chance outbox) so that this plugin's guard covers them all.
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';

export type ControlExtension = (app: FastifyInstance, ctx: SandboxContext) => void | Promise<void>;

export async function controlPlugin(app: FastifyInstance, opts: { ctx: SandboxContext; extensions?: ControlExtension[] }): Promise<void> {
  const { ctx } = opts;
  // TODO(control plane issue): guard (control token, loopback only), error handler, core routes.
  for (const ext of opts.extensions ?? []) await ext(app, ctx);
}
