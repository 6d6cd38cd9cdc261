/**
 * The webhook dispatcher: turns engine events into MultiSafepay notifications and
 * delivers them, one per sandbox (made in createContext, closed with the app).
 *
 * - What: on an event with `notify` (or on creation when `notifyOnCreate`), for an order
 *   with a notification_url, the exact bytes of `renderOrder(order)` at that moment.
 * - When: every attempt is a `webhook` job on the order's site clock (delay, then retries
 *   `retryIntervalMs` apart), so a manual or scaled clock runs the schedule; a job's
 *   promise settles once its attempt finished and the next one is scheduled.
 * - Order: a notification's first attempt is never due before an earlier one of the same
 *   order, and one order's requests never overlap (a per-order promise chain). Each
 *   notification is retried on its own, as MultiSafepay does.
 * - Bounds: a limiter caps requests in flight overall and per receiver.
 * - Nothing lost: records and jobs are in the store; a job needs only the record's id.
 */
import type { Engine, EngineEvent } from '../../engine/engine.js';
import type { JobRecord } from '../../engine/jobs.js';
import type { OrderRecord } from '../../domain/order.js';
import type { RenderOptions } from '../../domain/render.js';
import { renderOrder } from '../../domain/render.js';
import { GATEWAY } from '../../domain/sofort-rules.js';
import type { WebhookConfig } from '../../options/webhook-config.js';
import type { AttemptKind, AttemptRecord, NotificationRecord } from './delivery-log.js';
import { ATTEMPTS_KEPT, DeliveryLog, isOpen } from './delivery-log.js';
import { FaultBook } from './faults.js';
import type { FailureRules } from '../test-rules/failure-rules.js';
import type { Obj } from '../../domain/control-error.js';
import { Limiter } from './limiter.js';
import type { NotificationListener } from './notification-changes.js';
import { NotificationChanges } from './notification-changes.js';
import { Chains } from './order-chain.js';
import { buildRequest, originOf, toAttempt } from './request.js';
import { HttpSender, refusedResult } from './sender.js';
import { selfTargetRefusal } from './self-target.js';

export const JOB_KIND = 'webhook';

export type DeliveryListener = (record: NotificationRecord, attempt: AttemptRecord | null) => void;

export interface WebhookStats {
  pending: number;
  inFlight: number;
  queued: number;
}

interface Outcome {
  record: NotificationRecord;
  attempts: AttemptRecord[];
}

function jobId(notificationId: string): string {
  return `webhook:${notificationId}`;
}

export class WebhookDispatcher {
  readonly faults: FaultBook;
  private readonly log: DeliveryLog;
  /** Every change of a notification's state goes through here. */
  private readonly changes: NotificationChanges;
  private readonly sender: HttpSender;
  private readonly ownHosts: readonly string[];
  private readonly limiter: Limiter;
  /** One order's requests one after another (and what close() waits for). */
  private readonly chains = new Chains();
  private readonly listeners = new Set<DeliveryListener>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly engine: Engine,
    readonly config: WebhookConfig,
    /** Zone of times and the fee line: the same bytes GET /orders/{id} answers with. */
    private readonly render: RenderOptions = {},
    /** Notify `initialized` when a Sofort transaction starts (MultiSafepay does; see shouldNotify). */
    private readonly initialized = false,
    /** Site-level notification URL for orders that name none (dashboard/control setting per API key). */
    private readonly siteUrl: (site: string) => string | null = () => null,
    self: { ownPorts?: Set<number>; ownHosts?: readonly string[] },
    /** The one book of deliberate misbehaviour; its notification rules decide each notification's faults. */
    faultRules: FailureRules,
  ) {
    this.sender = new HttpSender(1024, self.ownPorts);
    this.ownHosts = self.ownHosts ?? [];
    this.log = new DeliveryLog(engine.store, config.logLimit);
    this.faults = new FaultBook(faultRules, engine.store, config.faults);
    this.limiter = new Limiter(config.concurrency, config.perReceiverConcurrency);
    this.changes = new NotificationChanges(engine, this.log, { schedule: (rec, due) => this.schedule(rec, due), cancel: (rec) => engine.jobs.cancel(jobId(rec.id)) }, config);
    engine.jobs.handle(JOB_KIND, (job) => this.runJob(job));
    // Once the step settled: the notification carries the order as the whole step left it
    // (a first payment's token included), whatever order the features were wired in.
    this.unsubscribe = engine.onSettled('webhooks', ({ event, order }) => this.onEvent(event, order));
    this.recover();
  }

  // ---- public API ---------------------------------------------------------------------

  /** A site's notifications (every site's with null) with every attempt, oldest first; of one order if given (by order_id). */
  deliveries(site: string | null, orderId?: string | number): NotificationRecord[] {
    return this.log.list(site, orderId === undefined ? undefined : String(orderId));
  }

  /** One notification of a site (of any site with null). */
  delivery(site: string | null, id: string): NotificationRecord | undefined {
    const r = this.log.get(id);
    return r && (site === null || r.site === site) ? r : undefined;
  }

  /** Called after every attempt (and when a fault drops a notification, with attempt null). */
  onDelivery(listener: DeliveryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hear of every change of a notification's state (queued, delivered, failed, ...). */
  onChange(listener: NotificationListener): () => void {
    return this.changes.onChange(listener);
  }

  /**
   * Resolves with the first notification of the order that reaches `state` (one already
   * there counts): what a "wait until the webhook was acknowledged" long-poll needs.
   * Rejects when `signal` aborts.
   */
  waitFor(site: string, orderId: string | number, opts: { state?: NotificationRecord['state']; signal?: AbortSignal } = {}): Promise<NotificationRecord> {
    const state = opts.state ?? 'delivered';
    const id = String(orderId);
    const found = this.log.list(site, id).find((r) => r.state === state);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        off();
        reject(opts.signal?.reason ?? new Error('aborted'));
      };
      const off = this.onDelivery((rec) => {
        if (rec.site === site && String(rec.order_id) === id && rec.state === state) {
          off();
          opts.signal?.removeEventListener('abort', onAbort);
          resolve(rec);
        }
      });
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Send a notification again now (the dashboard's "resend"): same body, fresh timestamp
   * and signature. Does not use up its automatic retries; an acknowledged resend ends them.
   */
  async resend(site: string | null, id: string): Promise<NotificationRecord | undefined> {
    const rec = this.delivery(site, id);
    if (!rec) return undefined;
    await this.attempt(rec, 'resend');
    return this.log.get(id);
  }

  /** Whether any notification of the order was acknowledged (the long-poll asks per status, through ackSource). */
  isAcknowledged(site: string, orderId: string | number): boolean {
    return this.log.list(site, String(orderId)).some((r) => r.state === 'delivered');
  }

  /** The shape the control plane's `wait` takes: acknowledged yet?, and a ping after every attempt. */
  ackSource(): { notifications(site: string, orderId: string): readonly NotificationRecord[]; onDelivery(listener: (site: string, orderId: string) => void): () => void } {
    return {
      notifications: (site, orderId) => this.deliveries(site, orderId),
      onDelivery: (listener) => this.onDelivery((rec) => listener(rec.site, String(rec.order_id))),
    };
  }

  /** Drop what the log keeps about orders the engine forgot (retention). */
  forget(orders: ReadonlyArray<{ site: string; transaction_id: number }>): number {
    let n = 0;
    for (const o of orders) {
      for (const r of this.log.remove(o.site, o.transaction_id)) {
        this.engine.jobs.cancel(jobId(r.id));
        n++;
      }
    }
    return n;
  }

  stats(): WebhookStats {
    return { pending: this.log.countOpen(), inFlight: this.limiter.inFlight, queued: this.limiter.queued };
  }

  /** Forget a site's notifications, their jobs and its notification fault rules (or everything). */
  reset(site: string | null): number {
    const removed = this.forgetNotifications(site);
    this.faults.reset(site);
    return removed;
  }

  /**
   * Forget a site's notifications and their jobs only: what the sandbox's reset asks of the
   * webhooks, since the rule book forgets its own rules (all targets, counted once) in its
   * own reset step, whichever step runs first.
   */
  forgetNotifications(site: string | null): number {
    const removed = this.log.reset(site);
    for (const r of removed) this.engine.jobs.cancel(jobId(r.id));
    return removed.length;
  }

  /**
   * Stop: no new notifications, requests in flight aborted (they stay pending, not
   * failed, and their jobs stay stored so a durable restart sends them). Returns and
   * reports how many notifications were pending.
   */
  async close(): Promise<{ pending: number }> {
    if (this.closed) return { pending: this.log.countOpen() };
    this.closed = true;
    this.unsubscribe();
    this.sender.close();
    await this.chains.settled();
    const pending = this.log.countOpen();
    if (pending > 0) {
      const where = this.engine.store.kind === 'memory' ? 'the in-memory store forgets them' : `kept in the ${this.engine.store.kind} store for the next start`;
      console.warn(`sofort-sandbox: webhooks stopped with ${pending} notification${pending === 1 ? '' : 's'} pending (${where})`);
    }
    return { pending };
  }

  // ---- queueing -------------------------------------------------------------------------

  private onEvent(event: EngineEvent, order: OrderRecord): void {
    if (this.closed) return;
    if (!this.shouldNotify(event, order)) return;
    const url = order.payment_options.notification_url ?? this.siteUrl(order.site);
    if (!url) return;
    // The order as the step left it: a follow-up may have added data in the same step (a
    // recurring token on the payment that created it), which MultiSafepay's notification carries.
    this.queue(this.engine.getOrder(order.site, order.transaction_id) ?? order, event.type, url);
  }

  /**
   * MultiSafepay notifies when "a customer begins the payment process but does not finalize
   * it" (docs webhook.md), and plugin logs show `initialized` notifications. A direct order's
   * Sofort transaction begins at creation; a redirect or payment-link order's when the
   * shopper starts paying by Sofort (select_gateway). Token payments (DIRDEB) are charged at
   * once and get their status notification only.
   */
  private shouldNotify(event: EngineEvent, order: OrderRecord): boolean {
    if (event.type === 'order_created') {
      return this.config.notifyOnCreate || (this.initialized && order.gateway === GATEWAY && order.started_at !== null && order.status === 'initialized');
    }
    if (event.action === 'select_gateway') return this.initialized;
    return event.notify;
  }

  private drawDelay(): number {
    const [lo, hi] = this.config.delayMs;
    // A fixed delay uses no randomness, so it does not shift the seeded ids that follow.
    return lo === hi ? lo : lo + Math.floor(this.engine.ids.random() * (hi - lo + 1));
  }

  private queue(order: OrderRecord, event: string, url: string): void {
    const site = order.site;
    const now = this.engine.now(site);
    const method = order.payment_options.notification_method;
    const body = method === 'POST' ? JSON.stringify(renderOrder(order, { ...this.render, maskIbans: this.config.maskIbans })) : null;
    const faults = this.faults.decide(site, order as unknown as Obj, order.status);
    let naturalDue = now + this.drawDelay();
    // Never before an earlier notification of this order still waiting for its first attempt.
    for (const prev of this.log.openForOrder(site, order.order_id)) {
      if (prev.state === 'pending' && prev.attempts_made === 0) naturalDue = Math.max(naturalDue, prev.natural_due);
    }
    const seq = this.log.nextSeq();
    const due = faults.reorder_hold_ms !== undefined ? naturalDue + faults.reorder_hold_ms : naturalDue + (faults.delay_ms ?? 0);
    const draft: NotificationRecord = {
      id: `whk_${String(seq).padStart(6, '0')}`,
      seq,
      site,
      order_id: order.order_id,
      transaction_id: order.transaction_id,
      event,
      status: order.status,
      financial_status: order.financial_status,
      created_at: now,
      method,
      url,
      body,
      faults,
      state: 'pending',
      natural_due: naturalDue,
      next_attempt_at: null,
      attempts_made: 0,
      attempts: [],
      attempts_total: 0,
    };
    const rec = this.changes.transition(null, draft, { kind: 'queue', drop: faults.drop === true, hold: faults.reorder_hold_ms !== undefined }, due);
    if (rec.state === 'dropped') {
      this.engine.announce(() => this.emit(rec, null));
    }
  }

  private schedule(rec: NotificationRecord, due: number): void {
    this.engine.jobs.schedule({ id: jobId(rec.id), site: rec.site, kind: JOB_KIND, due, data: { notification_id: rec.id } });
  }

  /** After a restart: an open notification whose job was lost (it was in flight) gets one again. */
  private recover(): void {
    for (const rec of this.log.open()) {
      if (this.engine.jobs.get(jobId(rec.id))) continue;
      this.schedule(rec, Math.max(rec.next_attempt_at ?? 0, this.engine.now(rec.site)));
    }
  }

  // ---- sending --------------------------------------------------------------------------

  private async runJob(job: JobRecord): Promise<void> {
    const id = job.data.notification_id;
    if (typeof id !== 'string') return;
    const rec = this.log.get(id);
    if (!rec || !isOpen(rec.state)) return;
    // A clock entry armed twice for one id (a re-arm after a restart) can fire a later
    // retry early: the record in the store says when it is really due, so wait for that.
    if (job.due > this.engine.now(job.site)) {
      this.engine.jobs.schedule(job);
      return;
    }
    await this.attempt(rec, rec.attempts_made === 0 ? 'first' : 'retry');
  }

  /** One attempt, in its order's chain, within the limiter's bounds. */
  private attempt(rec: NotificationRecord, kind: AttemptKind): Promise<void> {
    return this.chains.run(`${rec.site}\n${String(rec.order_id)}`, async () => {
      const release = await this.limiter.acquire(originOf(rec.url));
      let outcome: Outcome | undefined;
      try {
        outcome = await this.sendOnce(rec.id, kind);
      } finally {
        release();
      }
      // Listeners hear of an attempt once its slot is free, so stats() they read are settled.
      if (outcome) for (const a of outcome.attempts) this.emit(outcome.record, a);
    });
  }

  private async sendOnce(id: string, kind: AttemptKind): Promise<Outcome | undefined> {
    const before = this.log.get(id);
    if (!before) return undefined;
    const automatic = kind === 'first' || kind === 'retry';
    // A resend delivered it while this attempt waited for its turn: nothing left to send.
    if (automatic && !isOpen(before.state)) return undefined;
    if (this.closed) return this.keepForRestart(before);
    const site = before.site;
    const at = this.engine.now(site);
    const req = buildRequest(before, Math.floor(at / 1000), this.config.timeoutMs);
    const attempts: AttemptRecord[] = [];
    // Checked before every attempt too: an order stored before this check existed may have such a URL.
    const refused = selfTargetRefusal(before.url, this.ownHosts);
    const res = refused !== null ? refusedResult(`notification_url ${refused}`) : await this.sender.send(req);
    if (this.closed && res.status === null) return this.keepForRestart(before);
    attempts.push(toAttempt(before.attempts_total + 1, kind, at, req, res));
    if (before.faults.duplicate && kind === 'first' && !this.closed) {
      // The same request again, byte for byte: what a merchant must recognise as a replay.
      const again = await this.sender.send(req);
      attempts.push(toAttempt(before.attempts_total + 2, 'duplicate', this.engine.now(site), req, again));
    }

    const rec = this.log.get(id);
    if (!rec) return undefined; // reset while in flight
    if (automatic && !isOpen(rec.state)) return undefined;
    const acknowledged = attempts.some((a) => a.acknowledged);
    const all = [...rec.attempts, ...attempts];
    const draft: NotificationRecord = {
      ...rec,
      attempts: all.length > ATTEMPTS_KEPT ? all.slice(all.length - ATTEMPTS_KEPT) : all,
      attempts_total: rec.attempts_total + attempts.length,
    };
    let updated = draft;
    this.engine.store.transaction(() => {
      updated = this.changes.transition(rec, draft, automatic ? { kind: 'attempt', acknowledged, retries: this.config.retries } : { kind: 'resend', acknowledged });
      if (kind === 'first' && rec.faults.reorder_hold_ms === undefined) this.releaseHeld(updated);
    });
    return { record: updated, attempts };
  }

  /** A reorder fault held earlier notifications of this order back: this one went out, so they follow now. */
  private releaseHeld(sent: NotificationRecord): void {
    for (const held of this.log.openForOrder(sent.site, sent.order_id)) {
      if (held.state !== 'held' || held.seq > sent.seq) continue;
      this.changes.transition(held, held, { kind: 'release' });
    }
  }

  /** Shutting down before or during a request: not an attempt; the job is stored again for the next start. */
  private keepForRestart(rec: NotificationRecord): undefined {
    if (isOpen(rec.state)) this.schedule(rec, Math.max(rec.next_attempt_at ?? 0, this.engine.now(rec.site)));
    return undefined;
  }

  private emit(rec: NotificationRecord, attempt: AttemptRecord | null): void {
    for (const l of this.listeners) {
      try {
        l(rec, attempt);
      } catch (err) {
        console.error('sofort-sandbox: webhook delivery listener failed', err);
      }
    }
  }
}
