/**
 * The engine: orders, their one `transition()`, the store, the clocks and the jobs.
 * The four doors (MultiSafepay API, payment pages, control plane, clock) call into it;
 * none of them edits an order. Every change runs as one step (steps.ts): follow-ups that
 * change state (a first payment's token), work over the settled step (its notifications),
 * then listeners that only observe (event stream, dashboard).
 */
import { ApiError } from '../domain/errors.js';
import type { CreateOrderInput } from '../domain/create-order.js';
import type { Cause, OrderRecord } from '../domain/order.js';
import { INITIAL_STATE, NO_CUSTOM_INFO, NO_REFUNDS, orderIdKey, orderKey } from '../domain/order.js';
import type { SofortRules } from '../domain/sofort-rules.js';
import { isSupportedCountry } from '../domain/sofort-rules.js';
import { isPaid } from '../domain/statuses.js';
import type { Action, TransitionEvent, TransitionResult } from '../domain/transitions.js';
import { applyTransition } from '../domain/transitions.js';
import type { ClockState, RealTime } from './clock.js';
import { SandboxClock, systemRealTime } from './clock.js';
import type { IdGenerator } from './ids.js';
import { OrderInterner } from './intern.js';
import type { JobRecord } from './jobs.js';
import { JobScheduler } from './jobs.js';
import type { Collection, Store } from './store.js';
import type { StepWork } from './steps.js';
import { StepQueue } from './steps.js';

export interface OrderCreatedEvent {
  type: 'order_created';
  site: string;
  order_id: string | number;
  transaction_id: number;
  cause: Cause;
  at: number;
  notify: false;
}

export type EngineEvent = TransitionEvent | OrderCreatedEvent;
export type EngineListener = (event: EngineEvent, order: OrderRecord) => void;
/** One change of an order: the event and the order as that change left it. */
export interface EngineChange {
  readonly event: EngineEvent;
  readonly order: OrderRecord;
}
/** A clock changed time or speed (`site` null = the sandbox clock); `state` null = the site's own clock was removed. */
export type ClockListener = (site: string | null, state: ClockState | null) => void;
/** Orders the engine forgot (retention): features drop what they keep about them (delivery logs...). */
export type ForgetListener = (orders: readonly OrderRecord[]) => void;
/**
 * A site (`site` null: every site) is being reset: forget what the feature keeps about it
 * and say how many things it forgot. `orders` are the orders the engine dropped.
 */
export type ResetListener = (site: string | null, orders: readonly OrderRecord[]) => number;
/** What one reset forgot: `orders`, `site_clocks`, and one count per feature that listens. */
export type ResetCounts = { orders: number; site_clocks: number } & Record<string, number>;

export interface EngineOptions {
  store: Store;
  ids: IdGenerator;
  rules: SofortRules;
  /** Initial state of the sandbox-wide clock. */
  clock?: Partial<ClockState>;
  realTime?: RealTime;
}

export interface OrderFilter {
  status?: string;
  financial_status?: string;
  q?: string;
  limit?: number;
}

export class Engine {
  readonly store: Store;
  readonly ids: IdGenerator;
  readonly rules: SofortRules;
  readonly jobs: JobScheduler;
  readonly realTime: RealTime;
  private readonly globalClock: SandboxClock;
  private readonly siteClocks = new Map<string, SandboxClock>();
  private readonly orders: Collection<OrderRecord>;
  /** order_id -> transaction_id of its latest attempt. */
  private readonly byOrderId: Collection<number>;
  /** session_id -> order key (sessions are global: the payment page URL carries no API key). */
  private readonly bySession: Collection<string>;
  private readonly listeners = new Set<EngineListener>();
  private readonly clockListeners = new Set<ClockListener>();
  private readonly forgetListeners = new Set<ForgetListener>();
  /** Equal customers and payment options of new orders are stored once (see intern.ts). */
  private readonly interner = new OrderInterner();
  private readonly resetListeners = new Map<string, ResetListener>();
  private readonly steps = new StepQueue<EngineChange>((c) => this.tell(c));

  constructor(opts: EngineOptions) {
    this.store = opts.store;
    this.ids = opts.ids;
    this.rules = opts.rules;
    this.realTime = opts.realTime ?? systemRealTime;
    this.globalClock = new SandboxClock('global', this.realTime, opts.clock);
    this.globalClock.onChange = (state) => this.emitClock(null, state);
    this.orders = this.store.collection<OrderRecord>('orders');
    this.byOrderId = this.store.collection<number>('order-ids');
    this.bySession = this.store.collection<string>('sessions');
    this.jobs = new JobScheduler(this.store, (site) => this.clockFor(site));
    this.jobs.handle('expire', (job) => this.runTimed(job, { kind: 'expire' }));
    this.jobs.handle('clear', (job) => this.runTimed(job, { kind: 'clear' }));
  }

  // ---- clocks -------------------------------------------------------------------------

  get clock(): SandboxClock {
    return this.globalClock;
  }

  /** The clock a site's orders live on: its own if it has one, else the sandbox clock. */
  clockFor(site: string): SandboxClock {
    return this.siteClocks.get(site) ?? this.globalClock;
  }

  hasOwnClock(site: string): boolean {
    return this.siteClocks.has(site);
  }

  siteClockNames(): string[] {
    return [...this.siteClocks.keys()];
  }

  /** Give a site a clock of its own (starting where the sandbox clock is, unless told). */
  createSiteClock(site: string, state: Partial<ClockState> = {}): SandboxClock {
    const existing = this.siteClocks.get(site);
    if (existing) return existing;
    this.jobs.disarm(site, this.globalClock);
    const clock = new SandboxClock(site, this.realTime, { ...this.globalClock.state(), ...state });
    clock.onChange = (s) => this.emitClock(site, s);
    this.siteClocks.set(site, clock);
    this.jobs.rearm((j) => j.site === site);
    this.emitClock(site, clock.state());
    return clock;
  }

  /** Drop a site's own clock: its jobs go back to the sandbox clock. */
  removeSiteClock(site: string): boolean {
    const clock = this.siteClocks.get(site);
    if (!clock) return false;
    this.jobs.disarm(site, clock);
    clock.close();
    this.siteClocks.delete(site);
    this.jobs.rearm((j) => j.site === site);
    this.emitClock(site, null);
    return true;
  }

  now(site: string): number {
    return this.clockFor(site).now();
  }

  /** Hear of every clock change (persistence, live dashboard). */
  onClockChange(listener: ClockListener): () => void {
    this.clockListeners.add(listener);
    return () => this.clockListeners.delete(listener);
  }

  private emitClock(site: string | null, state: ClockState | null): void {
    for (const l of this.clockListeners) {
      try {
        l(site, state);
      } catch (err) {
        console.error('sofort-sandbox: clock listener failed', err);
      }
    }
  }

  // ---- events -------------------------------------------------------------------------

  /** Hear of every order change once its step settled. Listeners observe: a change started from one throws. */
  onEvent(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Work an order change starts that changes state itself (a token for a first payment, a
   * scenario for a new order): it runs before any listener hears of the change, and the
   * changes it makes join the same step. `name` orders follow-ups (not registration).
   */
  onFollowUp(name: string, work: StepWork<EngineChange>): () => void {
    return this.steps.onFollowUp(name, work);
  }

  /** Work over the outcome of a whole step (a notification of the order as the step left it); it may not change orders. */
  onSettled(name: string, work: StepWork<EngineChange>): () => void {
    return this.steps.onSettled(name, work);
  }

  /** News of a change of a feature's own records (a token, a notification), told in its place among the step's news. */
  announce(news: () => void): void {
    this.steps.announce(news);
  }

  /** Throws when a change of `what` is not allowed now (from a listener; an order once the step settled). */
  checkMayChange(what: 'an order' | 'a token' | 'a notification'): void {
    this.steps.check(what);
  }

  private emit(event: EngineEvent, order: OrderRecord): void {
    this.steps.changed({ event, order });
  }

  private tell({ event, order }: EngineChange): void {
    for (const l of this.listeners) {
      try {
        l(event, order);
      } catch (err) {
        console.error('sofort-sandbox: event listener failed', err);
      }
    }
  }

  // ---- orders -------------------------------------------------------------------------

  /**
   * Create an order (or a new attempt for an order_id not yet paid: plugins retry a payment
   * with the same order number). An order_id whose latest attempt was paid is refused (1006).
   */
  createOrder(site: string, input: CreateOrderInput, extra: Partial<Pick<OrderRecord, 'scenario' | 'advice'>> = {}, cause: Cause = 'api'): OrderRecord {
    this.steps.check('an order');
    const now = this.now(site);
    const previousTx = this.byOrderId.get(orderIdKey(site, input.order_id));
    if (previousTx !== undefined) {
      const prev = this.orders.get(orderKey(site, previousTx));
      if (prev && isPaid(prev.status)) {
        throw new ApiError('INVALID_ORDER_ID', `order_id ${String(input.order_id)} was already used for a paid order on this site; use a new order_id`);
      }
    }
    let transactionId = this.ids.transactionId(now);
    let key = orderKey(site, transactionId);
    while (this.orders.has(key)) {
      transactionId = this.ids.transactionId(now);
      key = orderKey(site, transactionId);
    }
    let sessionId = this.ids.sessionId();
    while (this.bySession.has(sessionId)) sessionId = this.ids.sessionId();

    // A direct order is a Sofort transaction from the start: it lives one day. A redirect or
    // payment-link order lives as a link (days_active/seconds_active, default 30 days), even
    // with DIRECTBANK preselected; Sofort's day starts when the shopper starts paying.
    const linkLifetime = input.link_lifetime_ms ?? this.rules.defaultLinkLifetimeMs;
    const startsNow = input.type === 'direct';
    const lifetime = startsNow ? Math.min(linkLifetime, this.rules.transactionLifetimeMs) : linkLifetime;

    const order: OrderRecord = {
      site,
      order_id: input.order_id,
      transaction_id: transactionId,
      session_id: sessionId,
      type: input.type,
      gateway: input.gateway,
      status: 'initialized',
      financial_status: 'initialized',
      amount: input.amount,
      currency: input.currency,
      amount_refunded: 0,
      description: input.description,
      items: input.items,
      var1: input.var1,
      var2: input.var2,
      var3: input.var3,
      custom_info:
        input.custom_info.custom_1 === null && input.custom_info.custom_2 === null && input.custom_info.custom_3 === null
          ? NO_CUSTOM_INFO
          : input.custom_info,
      customer: this.interner.customer(input.customer),
      delivery: input.delivery,
      payment_options: this.interner.paymentOptions(input.payment_options),
      second_chance: input.second_chance,
      recurring_model: input.recurring_model,
      recurring_id: input.recurring_id,
      bank: null,
      external_transaction_id: null,
      reason: '',
      reason_code: '',
      shipping: null,
      invoice: null,
      refunds: NO_REFUNDS,
      created: now,
      modified: now,
      completed: null,
      expires_at: now + lifetime,
      clears_at: null,
      exclude_order: false,
      scenario: extra.scenario ?? null,
      timeline: [
        {
          at: now,
          cause,
          action: 'create',
          from: INITIAL_STATE,
          to: INITIAL_STATE,
          ...(extra.advice?.length ? { note: `advice: ${extra.advice.join(' | ')}` } : {}),
        },
      ],
      plugin: input.plugin,
      cart: input.cart ?? null,
      ...(extra.advice?.length ? { advice: extra.advice } : {}),
      started_at: startsNow ? now : null,
    };
    this.store.transaction(() => {
      // One key string for both the order and its session's lookup (not two equal copies).
      this.orders.set(key, order);
      this.byOrderId.set(orderIdKey(site, input.order_id), transactionId);
      this.bySession.set(sessionId, key);
      // A new order has one timer, its expiry, and no earlier job to look up or cancel.
      const due = order.expires_at!;
      this.jobs.schedule({ id: ['expire', site, transactionId].join(':'), site, kind: 'expire', due, data: { transaction_id: transactionId } });
    });
    this.emit({ type: 'order_created', site, order_id: order.order_id, transaction_id: transactionId, cause, at: now, notify: false }, order);
    return order;
  }

  /** Look an order up as MultiSafepay does: by order_id first, then by PSP id (transaction_id). */
  findOrder(site: string, id: string): OrderRecord | undefined {
    const tx = this.byOrderId.get(orderIdKey(site, id));
    if (tx !== undefined) return this.orders.get(orderKey(site, tx));
    if (/^\d{1,16}$/.test(id)) return this.orders.get(orderKey(site, Number(id)));
    return undefined;
  }

  getOrder(site: string, transactionId: number): OrderRecord | undefined {
    return this.orders.get(orderKey(site, transactionId));
  }

  findBySession(sessionId: string): OrderRecord | undefined {
    const key = this.bySession.get(sessionId);
    return key === undefined ? undefined : this.orders.get(key);
  }

  /** Orders of one site (or all), newest first. */
  listOrders(site: string | null, filter: OrderFilter = {}): OrderRecord[] {
    const out: OrderRecord[] = [];
    const q = filter.q?.toLowerCase();
    for (const o of this.orders.values()) {
      if (site !== null && o.site !== site) continue;
      if (filter.status && o.status !== filter.status) continue;
      if (filter.financial_status && o.financial_status !== filter.financial_status) continue;
      if (q && !`${String(o.order_id)} ${o.transaction_id} ${o.description} ${o.customer.email ?? ''}`.toLowerCase().includes(q)) continue;
      out.push(o);
    }
    out.sort((a, b) => b.created - a.created || b.transaction_id - a.transaction_id);
    return filter.limit ? out.slice(0, filter.limit) : out;
  }

  countOrders(): number {
    return this.orders.size;
  }

  /**
   * The one place an order changes. Applies the state machine, stores the result, keeps
   * the order's timers (expiry, uncleared completion) in step, and emits the events.
   */
  transition(site: string, transactionId: number, action: Action, cause: Cause, note?: string): TransitionResult {
    this.steps.check('an order');
    const key = orderKey(site, transactionId);
    const order = this.orders.get(key);
    if (!order) throw new ApiError('INVALID_ORDER_ID', `no order with transaction_id ${transactionId} on this site`);
    if (action.kind === 'select_gateway' && order.customer.country && !isSupportedCountry(this.rules, order.customer.country)) {
      throw new ApiError('DECLINED', `Sofort is not available in customer.country ${order.customer.country}; supported: ${this.rules.countries.join(', ')}`);
    }
    const result = applyTransition(order, action, { now: this.now(site), rules: this.rules, cause, ...(note ? { note } : {}) });
    if (result.order === order) return result;
    this.store.transaction(() => {
      this.orders.set(key, result.order);
      if (isPaid(result.order.status)) this.byOrderId.set(orderIdKey(site, order.order_id), transactionId);
      this.syncTimers(result.order);
    });
    for (const e of result.events) this.emit(e, result.order);
    return result;
  }

  /** Keep the expire/clear jobs in step with the order's `expires_at` and `clears_at`. */
  private syncTimers(order: OrderRecord): void {
    const pairs: Array<['expire' | 'clear', number | null]> = [
      ['expire', order.expires_at],
      ['clear', order.clears_at],
    ];
    for (const [kind, due] of pairs) {
      const id = [kind, order.site, order.transaction_id].join(':'); // a flat string (see orderKey)
      const existing = this.jobs.get(id);
      if (due === null) {
        if (existing) this.jobs.cancel(id);
      } else if (!existing || existing.due !== due) {
        this.jobs.schedule({ id, site: order.site, kind, due, data: { transaction_id: order.transaction_id } });
      }
    }
  }

  /** A timer fired: apply its transition unless the order moved on meanwhile. */
  private runTimed(job: JobRecord, action: Action): void {
    const tx = job.data.transaction_id as number;
    const order = this.getOrder(job.site, tx);
    if (!order) return;
    try {
      this.transition(job.site, tx, action, 'clock');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // The order was paid, cancelled or expired some other way first: nothing to do.
    }
  }

  // ---- housekeeping -------------------------------------------------------------------

  /** Forget every order and job of one site (or of all sites); the number of orders forgotten. */
  reset(site: string | null): number {
    return this.resetSite(site).orders;
  }

  /**
   * Start a site (or everything) over: its orders, their lookups, its jobs and its own clock
   * go, then every feature that keeps per-site state (tokens, refunds, outbox, bank
   * sessions, notifications, rules, journal) forgets it through the one reset event, in one
   * store transaction. Answers what each forgot.
   */
  resetSite(site: string | null): ResetCounts {
    const counts: ResetCounts = { orders: 0, site_clocks: 0 };
    this.store.transaction(() => {
      const gone: OrderRecord[] = [];
      for (const [key, o] of [...this.orders.entries()]) {
        if (site !== null && o.site !== site) continue;
        this.orders.delete(key);
        this.bySession.delete(o.session_id);
        this.byOrderId.delete(orderIdKey(o.site, o.order_id));
        gone.push(o);
      }
      counts.orders = gone.length;
      for (const j of this.jobs.list((j) => site === null || j.site === site)) this.jobs.cancel(j.id);
      for (const [name, listener] of this.resetListeners) counts[name] = listener(site, gone);
    });
    for (const s of site === null ? this.siteClockNames() : [site]) if (this.removeSiteClock(s)) counts.site_clocks++;
    return counts;
  }

  /**
   * Forget per-site state on every reset. `name` is the count's key in the reset summary
   * (one listener per name: a feature registers once, in its constructor).
   */
  onReset(name: string, listener: ResetListener): () => void {
    if (this.resetListeners.has(name) || name === 'orders' || name === 'site_clocks') throw new Error(`a reset listener named ${name} is already registered`);
    this.resetListeners.set(name, listener);
    return () => this.resetListeners.delete(name);
  }

  /** Hear of orders the engine forgets (retention), to drop what a feature keeps about them. */
  onForget(listener: ForgetListener): () => void {
    this.forgetListeners.add(listener);
    return () => this.forgetListeners.delete(listener);
  }

  /**
   * Forget orders for good (retention): the orders, their lookups and their timers, then
   * the listeners drop their own records, all in one transaction.
   */
  forgetOrders(orders: readonly OrderRecord[]): void {
    if (orders.length === 0) return;
    this.store.transaction(() => {
      for (const o of orders) {
        this.orders.delete(orderKey(o.site, o.transaction_id));
        if (this.bySession.get(o.session_id) === orderKey(o.site, o.transaction_id)) this.bySession.delete(o.session_id);
        const idKey = orderIdKey(o.site, o.order_id);
        if (this.byOrderId.get(idKey) === o.transaction_id) this.byOrderId.delete(idKey);
        for (const kind of ['expire', 'clear']) this.jobs.cancel(`${kind}:${o.site}:${o.transaction_id}`);
      }
      for (const l of this.forgetListeners) {
        try {
          // A savepoint each: a failing listener loses its own writes, not the purge.
          this.store.transaction(() => l(orders));
        } catch (err) {
          console.error('sofort-sandbox: forget listener failed', err);
        }
      }
    });
  }

  close(): void {
    this.globalClock.close();
    for (const c of this.siteClocks.values()) c.close();
  }
}
