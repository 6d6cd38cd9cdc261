/**
 * Everything one sandbox instance owns: config, store, ids, engine. Made per app (no state
 * at module level), so two sandboxes in one process never share anything.
 */
import type { SandboxConfig } from './options/config.js';
import type { AfterPaymentServices } from './features/after-payment.js';
import { createAfterPayment } from './features/after-payment.js';
import { Engine } from './engine/engine.js';
import { createIds } from './engine/ids.js';
import type { Store } from './engine/store.js';
import { MemoryStore } from './engine/store.js';
import { ControlService } from './features/test-rules/service.js';
import { SqliteStore } from './engine/sqlite-store.js';
import { nextBoot, persistClocks, resumeStoredWork, seedForBoot, storedGlobalClock } from './engine/persistence.js';
import { startRetention } from './engine/retention.js';
import { systemRealTime } from './engine/clock.js';
import { WebhookDispatcher } from './features/webhooks/dispatcher.js';
import type { SecurityState } from './features/security/state.js';
import { createSecurityState } from './features/security/state.js';
import { ownHostNames } from './features/webhooks/self-target.js';
import { renderOptionsOf } from './domain/render.js';
import { SiteSettings } from './features/webhooks/site-settings.js';

/** Refund, recurring-token and Second Chance services (`refunds`, `recurring`, `secondChance`) come from AfterPaymentServices. */
export interface SandboxContext extends AfterPaymentServices {
  readonly config: SandboxConfig;
  readonly store: Store;
  readonly engine: Engine;
  /** Control plane state: scenario/failure rules, request journal, reset (src/control/). */
  readonly control: ControlService;
  /** Notifications to merchants' notification_url: queue, retries, faults, delivery log (src/webhooks/). */
  readonly webhooks: WebhookDispatcher;
  /** Token guess throttle, dashboard sessions, the sender's own ports (src/security/). */
  readonly security: SecurityState;
  /** Per-site settings of MultiSafepay's dashboard (site-level notification URL). */
  readonly siteSettings: SiteSettings;
  /** Things to close when the app closes, last added first. */
  readonly closers: Array<() => void | Promise<void>>;
}

/**
 * Make a sandbox's context. The store is SQLite in `config.dataDir` when set, else in memory
 * (tests may pass one). A store that ran a sandbox before gives back its clocks; its pending
 * work comes back in `resumeContext`, once every feature has registered its handlers.
 */
export function createContext(config: SandboxConfig, store?: Store): SandboxContext {
  const own = store === undefined;
  const st = store ?? (config.dataDir !== null ? new SqliteStore(config.dataDir, config.dataMaxMb !== null ? { maxBytes: config.dataMaxMb * 1048576 } : {}) : new MemoryStore());
  try {
    const boot = nextBoot(st);
    const ids = createIds(config.seed === null ? undefined : seedForBoot(config.seed, boot));
    const realTime = config.realTime ?? systemRealTime;
    const stored = storedGlobalClock(st, realTime.now());
    const engine = new Engine({
      store: st,
      ids,
      rules: config.rules,
      clock: stored ?? {
        ...(config.startTime !== null ? { virtual: config.startTime } : {}),
        scale: config.timeScale,
        frozen: config.manualClock,
      },
      realTime,
    });
    persistClocks(engine, st);
    // The order in which features are made carries no meaning: work that changes state is an
    // engine follow-up, notifications are made once the step settled (engine/steps.ts).
    const afterPayment = createAfterPayment(engine, config);
    const control = new ControlService(engine, config);
    const security = createSecurityState(realTime);
    const siteSettings = new SiteSettings(st, config.siteNotificationUrl);
    const webhooks = new WebhookDispatcher(engine, config.webhooks, renderOptionsOf(config), config.initializedNotifications, (site) => siteSettings.notificationUrl(site), {
      ownPorts: security.ownOutgoingPorts,
      ownHosts: ownHostNames(config),
    }, control.failures);
    control.setWebhookAckSource(webhooks.ackSource());
    engine.onReset('notifications', (site) => webhooks.forgetNotifications(site));
    engine.onReset('site_settings', (site) => siteSettings.reset(site));
    engine.onForget((orders) => void webhooks.forget(orders));
    engine.onForget((orders) => afterPayment.refunds.forget(orders));
    return { config, store: st, engine, control, webhooks, security, siteSettings, ...afterPayment, closers: [() => webhooks.close().then(() => undefined)] };
  } catch (err) {
    if (own) st.close();
    throw err;
  }
}

/** At app ready: stored site clocks and jobs go back on their clocks; housekeeping starts. */
export function resumeContext(ctx: SandboxContext): void {
  resumeStoredWork(ctx.engine, ctx.store, ctx.engine.realTime.now());
  if (ctx.config.retentionDays !== null) startRetention(ctx.engine, ctx.config.retentionDays);
}
