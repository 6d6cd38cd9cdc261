/**
 * The control plane's state for one sandbox: scenario and failure rules, the request
 * journal, the webhook acknowledgement source for long-polls, and reset. Made per app in
 * createContext (no module state); the HTTP routes in this folder are thin over it.
 */
import type { SandboxConfig } from '../../options/config.js';
import type { Engine } from '../../engine/engine.js';
import { FailureRules } from './failure-rules.js';
import { Journal } from '../inspection/journal.js';
import { loadPresets } from './presets.js';
import { ScenarioRules } from './scenario-rules.js';
import type { ResetSummary } from '../../domain/control-wire.js';

/** What a long-poll reads of one notification: what it reports, when, and how far its delivery got. */
export interface NotificationSummary {
  readonly status: string;
  readonly financial_status: string;
  /** Sandbox time of the change it reports. */
  readonly created_at: number;
  readonly state: 'pending' | 'held' | 'delivered' | 'failed' | 'dropped';
  readonly next_attempt_at: number | null;
}

/** What a long-poll needs from the webhook dispatcher to wait for an acknowledged notification. */
export interface WebhookAckSource {
  /** The order's notifications, oldest first: which status each reports and whether it was acknowledged. */
  notifications(site: string, orderId: string): readonly NotificationSummary[];
  /** Call `listener` after any delivery attempt finishes; returns the unsubscribe function. */
  onDelivery(listener: (site: string, orderId: string) => void): () => void;
}

export type { ResetSummary };

export type ResetHook = (site: string | null) => void | Promise<void>;

export class ControlService {
  readonly scenarios: ScenarioRules;
  readonly failures: FailureRules;
  readonly journal: Journal;
  /** Every route the control plugin registered (method + URL), for the OpenAPI check. */
  readonly routes: Array<{ method: string; url: string; schema?: object }> = [];
  private readonly resetHooks = new Set<ResetHook>();
  private ackSource: WebhookAckSource | null = null;

  constructor(
    readonly engine: Engine,
    config: SandboxConfig,
  ) {
    this.scenarios = new ScenarioRules(engine);
    this.failures = new FailureRules(engine);
    this.journal = new Journal(config.journalSize);
    loadPresets(config.scenarioFiles, this);
    // The control plane's own per-site state forgets through the engine's one reset event too.
    engine.onReset('scenario_rules', (site) => this.scenarios.reset(site));
    engine.onReset('failure_rules', (site) => this.failures.reset(site));
    engine.onReset('journal', (site) => this.journal.clear(site));
  }

  /** The webhook dispatcher plugs in here so `wait ... webhook=acked` can work. */
  setWebhookAckSource(source: WebhookAckSource | null): void {
    this.ackSource = source;
  }

  get webhookAcks(): WebhookAckSource | null {
    return this.ackSource;
  }

  /** Hear that a reset happened (a pending long-poll answers 409); features forget through Engine.onReset. */
  onReset(hook: ResetHook): () => void {
    this.resetHooks.add(hook);
    return () => this.resetHooks.delete(hook);
  }

  /**
   * Forget a site (or everything) through the engine's reset event: orders, jobs, its own
   * clock, and every feature's per-site state (rules come back as presets). Pending waits
   * learn of it through `onReset`.
   */
  async reset(site: string | null): Promise<ResetSummary> {
    const counts = this.engine.resetSite(site);
    const summary = { site, ...counts } as ResetSummary;
    for (const hook of [...this.resetHooks]) await hook(site);
    return summary;
  }
}
