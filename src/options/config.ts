/**
 * The options of a sandbox resolved once, at start: each declaration of declarations.ts
 * applies its default and validates its value (a refusal names the option and the fix), and
 * the result is frozen into the config the code that uses it reads. Environment variables
 * are read by the command only (cli-options.ts); the library takes plain options.
 */
import type { SandboxConfig, SandboxOptions } from './sandbox-options.js';
import { ConfigError } from './sandbox-options.js';
import type { OptionDecl, OptionPath } from './option-kinds.js';
import type { ResolvedOptions } from './declarations.js';
import { OPTIONS } from './declarations.js';

export type { SandboxConfig, SandboxOptions } from './sandbox-options.js';
export { ConfigError } from './sandbox-options.js';

/** The value at a library option path (`webhooks.delayMs`) of `opts`. */
export function optionValue(opts: SandboxOptions, path: OptionPath): unknown {
  const [head, key] = path.split('.') as [string, string | undefined];
  const v = (opts as Record<string, unknown>)[head];
  if (key === undefined) return v;
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
}

/** Every option's resolved value by path, in declaration order; the first refusal throws. */
export function resolveOptions(opts: SandboxOptions): ResolvedOptions {
  const out: Partial<Record<OptionPath, unknown>> = {};
  for (const [path, decl] of Object.entries(OPTIONS) as Array<[OptionPath, OptionDecl<OptionPath>]>) {
    const fail = (message: string, at: string = path): never => {
      throw new ConfigError(`${at}: ${message}`);
    };
    out[path] = decl.resolve(optionValue(opts, path) as never, fail, opts);
  }
  return out as ResolvedOptions;
}

export function resolveConfig(opts: SandboxOptions = {}): SandboxConfig {
  const r = resolveOptions(opts);
  const controlToken = r.controlToken;
  return Object.freeze({
    host: r.host,
    port: r.port,
    apiKeys: r.apiKeys,
    rules: r.rules,
    timeScale: r.timeScale,
    manualClock: r.manualClock,
    startTime: r.startTime,
    seed: r.seed,
    publicUrl: r.publicUrl,
    afterPayment: Object.freeze({
      refundSettle: r['refunds.settle'],
      recurringChargeDelayMs: r['recurring.chargeDelayMs'],
      secondChance: Object.freeze({ enabled: r['secondChance.enabled'], from: r['secondChance.from'] }),
      smtp: r.smtp,
    }),
    bodyLimit: r.bodyLimit,
    logger: r.logger,
    realTime: r.realTime,
    controlToken,
    controlAllowRemote: r.controlAllowRemote,
    controlOpen: r.controlOpen,
    controlTokenSource: controlToken === null ? null : 'option',
    allowedHosts: r.allowedHosts,
    maxOrdersPerSite: r.maxOrdersPerSite,
    scenarioFiles: r.scenarioFiles,
    journalSize: r.journalSize,
    dataDir: r.dataDir,
    retentionDays: r.retentionDays,
    dataMaxMb: r.dataMaxMb,
    webhooks: Object.freeze({
      delayMs: r['webhooks.delayMs'],
      retries: r['webhooks.retries'],
      retryIntervalMs: r['webhooks.retryIntervalMs'],
      timeoutMs: r['webhooks.timeoutMs'],
      notifyOnCreate: r['webhooks.notifyOnCreate'],
      maskIbans: r['webhooks.maskIbans'],
      concurrency: r['webhooks.concurrency'],
      perReceiverConcurrency: r['webhooks.perReceiverConcurrency'],
      logLimit: r['webhooks.logLimit'],
      faults: r['webhooks.faults'],
    }),
    timeZone: r.timeZone,
    transactionFee: r.transactionFee,
    confirmationPage: r.confirmationPage,
    initializedNotifications: r.initializedNotifications,
    siteNotificationUrl: r.siteNotificationUrl,
  });
}
