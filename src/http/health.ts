/**
 * /health: whether the sandbox can do its job, for Docker's health check and for people. Besides
 * the order count and the clock: memory pressure (the V8 heap against its limit, and the
 * process's resident memory) and storage (a write that failed: full disk, read-only volume;
 * what start-up had to skip).
 *
 * Hand-written rather than @fastify/under-pressure: that plugin samples the event loop on a
 * timer all the time and answers 503 on every route past its thresholds, while a sandbox under
 * pressure should keep answering and only say so here; reading the figures when asked costs
 * nothing at start-up or at rest.
 */
import { getHeapStatistics } from 'node:v8';
import type { SandboxContext } from '../context.js';

/** Above this share of the heap limit, the sandbox reports memory pressure. */
export const HEAP_PRESSURE = 0.85;

export function healthReport(ctx: SandboxContext) {
  const mem = process.memoryUsage();
  const limit = getHeapStatistics().heap_size_limit;
  const heapShare = mem.heapUsed / limit;
  const problems = ctx.store.problems?.() ?? { failing: null, warnings: [] };
  const pressure = heapShare >= HEAP_PRESSURE;
  const status = problems.failing !== null ? 'storage_failing' : pressure ? 'memory_pressure' : 'ok';
  return {
    status,
    orders: ctx.engine.countOrders(),
    clock: new Date(ctx.engine.clock.now()).toISOString(),
    memory: {
      pressure,
      rss_mb: Math.round(mem.rss / 1048576),
      heap_used_mb: Math.round(mem.heapUsed / 1048576),
      heap_limit_mb: Math.round(limit / 1048576),
      heap_used_percent: Math.round(heapShare * 1000) / 10,
      max_orders_per_site: ctx.config.maxOrdersPerSite,
    },
    storage: {
      kind: ctx.store.kind,
      ok: problems.failing === null,
      error: problems.failing?.message ?? null,
      failed_at: problems.failing?.at ?? null,
      warnings: problems.warnings,
    },
  };
}
