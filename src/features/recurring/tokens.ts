/**
 * Recurring tokens. A Sofort payment sent with `recurring_model` and `customer.reference`
 * leaves a token when the bank authorises it; the token names the payer's bank account,
 * and later `type: direct` orders with `recurring_id` charge that account as SEPA direct
 * debit (gateway DIRDEB) without the bank pages, as at MultiSafepay.
 *
 * Tokens are kept per site (API key) and customer reference, in the store collection
 * `recurring-tokens`, so a durable store keeps them across restarts. Every change of a token
 * goes through `transition()` (the state machine is domain/token-transitions.ts) and is told
 * to listeners as an event. The token of a first payment is made by an engine follow-up, so
 * it is on the order before any listener or notification sees the payment.
 */
import type { CreateOrderInput } from '../../domain/create-order.js';
import { ApiError } from '../../domain/errors.js';
import type { Cause, OrderRecord } from '../../domain/order.js';
import { GATEWAY, RECURRING_GATEWAY } from '../../domain/sofort-rules.js';
import type { TokenAction, TokenEvent, TokenRecord } from '../../domain/token-transitions.js';
import { applyTokenAction } from '../../domain/token-transitions.js';
import type { Engine, EngineEvent } from '../../engine/engine.js';
import type { JobRecord } from '../../engine/jobs.js';
import type { Collection } from '../../engine/store.js';
import { deleteSiteEntries } from '../../engine/store.js';

export type { TokenRecord, TokenEvent };
export type TokenListener = (event: TokenEvent, token: TokenRecord | null) => void;

export interface RecurringOptions {
  /** Delay between creating a token payment and charging it (sandbox ms); 0 charges before create-order answers. */
  readonly chargeDelayMs: number;
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHARGE_JOB = 'recurring_charge';

function tokenKey(site: string, reference: string, token: string): string {
  return `${site}\n${reference}\n${token}`;
}

/** The token as MultiSafepay's GET /recurring answers it (PHP SDK reads `model`, the OpenAPI example `recurring_model`). */
export function renderToken(t: TokenRecord) {
  const iban = t.bank.account_iban;
  return {
    token: t.token,
    // The code of a token made by a Sofort payment is not documented; later charges run as direct debit.
    code: RECURRING_GATEWAY,
    display: `${iban.slice(0, 4)} **** ${iban.slice(-4)}`,
    name_holder: t.bank.account_holder_name,
    expiry_date: t.expiry_date,
    expired: 0,
    last4: iban.slice(-4),
    model: t.model,
    recurring_model: t.model,
  };
}

export class RecurringService {
  private readonly tokens: Collection<TokenRecord>;
  private readonly listeners = new Set<TokenListener>();

  constructor(
    private readonly engine: Engine,
    private readonly opts: RecurringOptions,
  ) {
    this.tokens = engine.store.collection<TokenRecord>('recurring-tokens');
    engine.jobs.handle(CHARGE_JOB, (job) => this.chargeFromJob(job));
    // A reset site starts over: a token of a forgotten payment must not be chargeable.
    engine.onReset('recurring_tokens', (site) => deleteSiteEntries(this.tokens, site, (_k, t) => t.site === site));
    engine.onFollowUp('recurring-tokens', ({ event, order }) => this.onPayment(event, order));
  }

  /** Hear of every token change (created, expiry set, removed). */
  onChange(listener: TokenListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The one place a token changes: applies the state machine, stores the result and tells
   * listeners (in its place among the engine step's news).
   */
  private transition(current: TokenRecord | null, action: TokenAction, site: string, cause: Cause, at = this.engine.now(site)): TokenRecord | null {
    this.engine.checkMayChange('a token');
    const { token, event } = applyTokenAction(current, action, { now: at, cause });
    const key = tokenKey(event.site, event.reference, event.token);
    this.engine.store.transaction(() => {
      if (token === null) this.tokens.delete(key);
      else this.tokens.set(key, token);
    });
    this.engine.announce(() => {
      for (const l of this.listeners) {
        try {
          l(event, token);
        } catch (err) {
          console.error('sofort-sandbox: token listener failed', err);
        }
      }
    });
    return token;
  }

  list(site: string, reference: string): TokenRecord[] {
    const out: TokenRecord[] = [];
    for (const t of this.tokens.values()) if (t.site === site && t.reference === reference) out.push(t);
    return out.sort((a, b) => a.created - b.created || a.token.localeCompare(b.token));
  }

  /** Tokens of one site (or all), for inspection. */
  all(site: string | null): TokenRecord[] {
    return [...this.tokens.values()].filter((t) => site === null || t.site === site).sort((a, b) => a.created - b.created);
  }

  get(site: string, reference: string, token: string): TokenRecord | undefined {
    return this.tokens.get(tokenKey(site, reference, token));
  }

  require(site: string, reference: string, token: string): TokenRecord {
    const t = this.get(site, reference, token);
    if (!t) throw new ApiError('NOT_FOUND', `no token ${token.slice(0, 40)} for customer reference ${reference.slice(0, 60)} on this site`);
    return t;
  }

  updateExpiry(site: string, reference: string, token: string, expiry: string): void {
    this.transition(this.require(site, reference, token), { kind: 'set_expiry', expiry_date: expiry }, site, 'api');
  }

  remove(site: string, reference: string, token: string): void {
    this.transition(this.require(site, reference, token), { kind: 'remove' }, site, 'api');
  }

  /**
   * Before a token payment is created: the token must exist and belong to the customer
   * reference the order names (MultiSafepay answers 1000 "Not found" otherwise).
   */
  checkOrder(site: string, input: CreateOrderInput): void {
    if (input.recurring_id === null) return;
    const ref = input.customer.reference;
    if (ref === null || ref === '') {
      throw new ApiError('MISSING_DATA', 'customer.reference is required with recurring_id: send the reference the token was created for');
    }
    this.require(site, ref, input.recurring_id);
  }

  /**
   * After a token payment is created: charge it (now, or after the configured delay),
   * unless a test scenario was set for it; then the control plane plays that scenario.
   */
  afterCreate(site: string, created: OrderRecord): void {
    const order = this.engine.getOrder(site, created.transaction_id) ?? created;
    if (order.type !== 'direct' || order.recurring_id === null || order.status !== 'initialized' || order.scenario !== null) return;
    if (this.opts.chargeDelayMs <= 0) {
      this.charge(site, order.transaction_id, 'api');
      return;
    }
    this.engine.jobs.schedule({
      id: `${CHARGE_JOB}:${site}:${order.transaction_id}`,
      site,
      kind: CHARGE_JOB,
      due: this.engine.now(site) + this.opts.chargeDelayMs,
      data: { transaction_id: order.transaction_id },
    });
  }

  private charge(site: string, tx: number, cause: Cause): void {
    const order = this.engine.getOrder(site, tx);
    if (!order || order.status !== 'initialized' || order.scenario !== null || order.recurring_id === null) return;
    const token = order.customer.reference ? this.get(site, order.customer.reference, order.recurring_id) : undefined;
    if (!token) {
      // Removed between create and charge: the debit fails as it would at the bank.
      this.engine.transition(site, tx, { kind: 'decline', reason: 'Recurring token no longer exists' }, cause);
      return;
    }
    this.engine.transition(site, tx, { kind: 'authorise', bank: token.bank, external_transaction_id: this.engine.ids.bankReference() }, cause);
  }

  private chargeFromJob(job: JobRecord): void {
    try {
      this.charge(job.site, job.data.transaction_id as number, 'clock');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
  }

  /**
   * A first payment with recurring_model + customer.reference leaves a token once the bank
   * authorised it. A follow-up of the payment's step: the token and the order's recurring_id
   * are in place before any listener hears of the payment or its notification is made.
   */
  private onPayment(event: EngineEvent, order: OrderRecord): void {
    if (event.type !== 'status_changed' || event.action !== 'authorise') return;
    if (order.gateway !== GATEWAY || order.recurring_model === null || order.recurring_id !== null || order.bank === null) return;
    const reference = order.customer.reference;
    if (reference === null || reference === '') return;
    let token = this.newToken();
    while (this.tokens.has(tokenKey(order.site, reference, token))) token = this.newToken();
    this.transition(null, { kind: 'create', site: order.site, reference, token, model: order.recurring_model, bank: order.bank, transaction_id: order.transaction_id }, order.site, event.cause, event.at);
    this.engine.transition(order.site, order.transaction_id, { kind: 'update', recurring_id: token }, event.cause);
  }

  private newToken(): string {
    let s = '';
    for (let i = 0; i < 10; i++) s += ALNUM[Math.floor(this.engine.ids.random() * ALNUM.length)] ?? 'x';
    return s;
  }
}
