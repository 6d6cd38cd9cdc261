/**
 * The programmatic front door: startSandbox() for test suites, buildApp() for `inject`.
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxOptions } from './options/config.js';
import { buildApp } from './app.js';
import { SandboxControl } from './client/control-client.js';

export { buildApp } from './app.js';
export type { SandboxOptions, SandboxConfig } from './options/config.js';
export { ConfigError, resolveConfig } from './options/config.js';
export { ERROR_CATALOGUE, ApiError } from './domain/errors.js';
export type { OrderRecord } from './domain/order.js';
export { authHeader, verifyAuth } from './features/webhooks/signer.js';
export type { WebhookOptions } from './options/webhook-config.js';
export type { FaultScope } from './features/webhooks/faults.js';
export type { NotificationState } from './features/webhooks/delivery-log.js';
// The wire shapes of the webhook log and fault rules, derived from their declarations (src/domain/wire/webhooks.ts).
export type { NotificationRecord, AttemptRecord, AttemptKind, FaultRule } from './client/control-client.js';
export { SandboxControl, ControlClientError, RequestVerificationError } from './client/control-client.js';
// Every type a suite handles through the control client (the wire shapes come from one declaration, src/domain/control-wire.ts).
export type {
  ControlClientOptions, ScenarioRuleOptions, FailureRuleOptions, ClockInfo, OrderSummary, OrderDetail, TimelineEntry, WaitOptions,
  Duration, RuleUses, RuleMatch, RuleView, ScenarioRuleView, FailureRuleView, FailureKind, ResetSummary, JournalEntry, RequestFilter,
  Scenario, WaitStatus, WaitAnswer, NotificationFaultOptions, NotificationFaultKind, RuleTarget, FailureRuleInput,
} from './client/control-client.js';
export type { OrderStatus, FinancialStatus } from './domain/statuses.js';

export interface RunningSandbox {
  /** Origin, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** MultiSafepay API base, e.g. http://127.0.0.1:41234/v1/json/ (what clients call BaseUrl.TEST). */
  readonly apiUrl: string;
  readonly app: FastifyInstance;
  /**
   * Typed control-plane client (time travel, scenarios, failures, inspection). Acts on the
   * only configured API key if exactly one was given, else sandbox-wide; `.forSite(key)` for another.
   */
  readonly control: SandboxControl;
  /** The control token in force (given, or made by the sandbox when it answers beyond loopback), or null. */
  readonly controlToken: string | null;
  /** The QA dashboard's address, with ?token= when a token is needed (it becomes a session cookie at once). */
  readonly dashboardUrl: string;
  close(): Promise<void>;
}

/** Start a sandbox listening on `host:port` (default 127.0.0.1, a port the OS picks). */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const app = await buildApp(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (options.port ?? 0);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  let closed: Promise<void> | null = null;
  const token = app.sandbox.config.controlToken;
  return {
    url,
    apiUrl: `${url}/v1/json/`,
    app,
    control: new SandboxControl({ url, apiKey: options.apiKeys?.length === 1 ? options.apiKeys[0]! : null, token }),
    controlToken: token,
    dashboardUrl: token === null ? `${url}/dashboard` : `${url}/dashboard?token=${encodeURIComponent(token)}`,
    close: () => (closed ??= app.close()),
  };
}
