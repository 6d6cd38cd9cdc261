/**
 * Second Chance: reminder emails for unpaid orders, 1 hour and 24 hours after the order
 * started, as jobs on the site's clock. When a reminder falls due the rules of MultiSafepay's
 * Second Chance page decide whether it goes out; either way the outcome is recorded in the
 * outbox (store collection `second-chance-outbox`), which the control plane serves:
 * an email (subject, recipient, text, link to the payment page) or a suppression with its
 * reason. With `smtp` configured, each email is also handed to that SMTP server.
 */
import type { OrderRecord } from '../../domain/order.js';
import { HOUR_MS } from '../../domain/sofort-rules.js';
import { isPaid } from '../../domain/statuses.js';
import type { Engine, EngineEvent } from '../../engine/engine.js';
import type { JobRecord } from '../../engine/jobs.js';
import type { Collection } from '../../engine/store.js';
import { deleteSiteEntries } from '../../engine/store.js';
import { paymentPageUrl } from '../../domain/shopper-urls.js';
import { reminderText, toRfc5322 } from './email.js';
import type { SmtpTarget } from './smtp.js';
import { sendMail } from './smtp.js';

/** When reminders fall due, counted from the order's start (MultiSafepay: 1 h and 24 h). */
export const REMINDER_DELAYS_MS: readonly number[] = [HOUR_MS, 24 * HOUR_MS];
/** MultiSafepay sends none for a shopper who started another transaction less than 120 minutes before. */
export const RECENT_WINDOW_MS = 120 * 60_000;
/** The outbox keeps this many entries (oldest dropped first), so weeks of QA use stay bounded. */
export const OUTBOX_LIMIT = 5000;

const JOB_KIND = 'second_chance';

export type SuppressionReason =
  | 'no_email'
  | 'recurring'
  | 'paid'
  | 'exclude_order'
  | 'cancelled'
  | 'expired'
  | 'declined'
  | 'order_id_paid'
  | 'newer_attempt'
  | 'recent_transaction'
  | 'recent_payment';

export interface OutboxEntry {
  readonly id: string;
  readonly site: string;
  readonly order_id: string | number;
  readonly transaction_id: number;
  /** 1 (after an hour) or 2 (after a day); 0 when suppressed at order creation. */
  readonly reminder: number;
  /** Sandbox time the reminder fell due, ISO 8601. */
  readonly created: string;
  readonly status: 'sent' | 'suppressed';
  readonly reason?: SuppressionReason;
  readonly detail?: string;
  readonly from?: string;
  readonly to?: string;
  readonly subject?: string;
  readonly text?: string;
  /** The payment page of the order: the link in the email. */
  readonly link?: string;
  /** SMTP hand-over: not configured, delivered, or failed with the reason. */
  readonly smtp?: { status: 'off' | 'delivered' | 'failed'; detail?: string };
}

export interface SecondChanceOptions {
  readonly enabled: boolean;
  readonly from: string;
  readonly smtp: SmtpTarget | null;
}

export class SecondChanceService {
  private readonly outbox: Collection<OutboxEntry>;
  /** Origin for links when no publicUrl is configured (set once the app listens). */
  private origin: () => string | null = () => null;

  constructor(
    private readonly engine: Engine,
    private readonly opts: SecondChanceOptions,
    private readonly publicUrl: string | null,
  ) {
    this.outbox = engine.store.collection<OutboxEntry>('second-chance-outbox');
    engine.jobs.handle(JOB_KIND, (job) => this.fire(job));
    engine.onReset('second_chance_emails', (site) => deleteSiteEntries(this.outbox, site, (_k, e) => e.site === site));
    // Work a new order starts (its reminder jobs), not a listener: listeners only observe.
    engine.onSettled('second-chance', ({ event, order }) => this.onEvent(event, order));
    // Retention forgets old orders: their reminders go with them.
    engine.onForget((orders) => {
      const gone = new Set(orders.map((o) => `${o.site}\n${o.transaction_id}`));
      for (const [k, e] of [...this.outbox.entries()]) if (gone.has(`${e.site}\n${e.transaction_id}`)) this.outbox.delete(k);
    });
  }

  /** Where links point when no publicUrl is set: the address the sandbox listens on. */
  useOrigin(origin: () => string | null): void {
    this.origin = origin;
  }

  list(site: string | null, filter: { order_id?: string; status?: string } = {}): OutboxEntry[] {
    return [...this.outbox.values()]
      .filter((e) => (site === null || e.site === site) && (filter.order_id === undefined || String(e.order_id) === filter.order_id) && (filter.status === undefined || e.status === filter.status))
      .sort((a, b) => a.created.localeCompare(b.created) || a.reminder - b.reminder || a.id.localeCompare(b.id));
  }

  clear(site: string | null): number {
    let n = 0;
    this.engine.store.transaction(() => {
      for (const [k, e] of [...this.outbox.entries()]) {
        if (site !== null && e.site !== site) continue;
        this.outbox.delete(k);
        n++;
      }
    });
    return n;
  }

  /** Reminders still to fall due (for inspection). */
  pending(site: string | null): JobRecord[] {
    return this.engine.jobs.list((j) => j.kind === JOB_KIND && (site === null || j.site === site));
  }

  private onEvent(event: EngineEvent, order: OrderRecord): void {
    if (event.type !== 'order_created' || !order.second_chance || !this.opts.enabled) return;
    if (!order.customer.email) {
      this.record(order, 0, { status: 'suppressed', reason: 'no_email', detail: 'second_chance was requested but the order has no customer.email' });
      return;
    }
    if (order.recurring_id !== null || order.recurring_model !== null) {
      this.record(order, 0, { status: 'suppressed', reason: 'recurring', detail: 'MultiSafepay sends no Second Chance emails for recurring payments' });
      return;
    }
    REMINDER_DELAYS_MS.forEach((delay, i) => {
      this.engine.jobs.schedule({
        id: `${JOB_KIND}:${order.site}:${order.transaction_id}:${i + 1}`,
        site: order.site,
        kind: JOB_KIND,
        due: order.created + delay,
        data: { transaction_id: order.transaction_id, reminder: i + 1 },
      });
    });
  }

  /** Why no reminder may go out for this order now, or null when one may. */
  private suppression(order: OrderRecord, now: number): { reason: SuppressionReason; detail: string } | null {
    if (isPaid(order.status)) return { reason: 'paid', detail: `the order is ${order.status}` };
    if (order.exclude_order) return { reason: 'exclude_order', detail: 'the merchant excluded the order (exclude_order)' };
    if (order.status === 'void' || order.status === 'cancelled') return { reason: 'cancelled', detail: 'the order was cancelled' };
    if (order.status === 'expired') return { reason: 'expired', detail: 'the payment link expired' };
    if (order.status === 'declined') return { reason: 'declined', detail: 'the payment was declined' };
    const latest = this.engine.findOrder(order.site, String(order.order_id));
    if (latest && latest.transaction_id !== order.transaction_id && latest.order_id === order.order_id) {
      return isPaid(latest.status)
        ? { reason: 'order_id_paid', detail: `another transaction (${latest.transaction_id}) of order_id ${String(order.order_id)} is paid` }
        : { reason: 'newer_attempt', detail: `a newer transaction (${latest.transaction_id}) of order_id ${String(order.order_id)} gets the reminders` };
    }
    const email = order.customer.email?.toLowerCase();
    for (const other of this.engine.listOrders(order.site)) {
      if (other.transaction_id === order.transaction_id || other.customer.email?.toLowerCase() !== email) continue;
      if (other.created < order.created && order.created - other.created < RECENT_WINDOW_MS) {
        return { reason: 'recent_transaction', detail: `the same shopper started transaction ${other.transaction_id} less than 120 minutes before this one` };
      }
      if (other.amount === order.amount && other.completed !== null && now - other.completed < RECENT_WINDOW_MS) {
        return { reason: 'recent_payment', detail: `the same shopper paid the same amount (transaction ${other.transaction_id}) less than 120 minutes ago` };
      }
    }
    return null;
  }

  private async fire(job: JobRecord): Promise<void> {
    const order = this.engine.getOrder(job.site, job.data.transaction_id as number);
    if (!order) return;
    const reminder = job.data.reminder as number;
    const now = this.engine.now(job.site);
    const stop = this.suppression(order, now);
    if (stop) {
      this.record(order, reminder, { status: 'suppressed', ...stop });
      return;
    }
    const link = paymentPageUrl(this.publicUrl ?? this.origin() ?? 'http://localhost', order);
    const { subject, text } = reminderText(order, link);
    const to = order.customer.email!;
    const entry = this.record(order, reminder, { status: 'sent', from: this.opts.from, to, subject, text, link, smtp: { status: 'off' } });
    if (!this.opts.smtp) return;
    let smtp: NonNullable<OutboxEntry['smtp']>;
    try {
      const data = toRfc5322({ from: this.opts.from, to, subject, text, date: now, id: entry.id });
      const answer = await sendMail(this.opts.smtp, { from: this.opts.from, to, data });
      smtp = { status: 'delivered', detail: answer.slice(0, 200) };
    } catch (err) {
      smtp = { status: 'failed', detail: err instanceof Error ? err.message : String(err) };
    }
    if (this.outbox.has(entry.id)) this.engine.store.transaction(() => this.outbox.set(entry.id, { ...entry, smtp }));
  }

  private record(order: OrderRecord, reminder: number, fields: Omit<OutboxEntry, 'id' | 'site' | 'order_id' | 'transaction_id' | 'reminder' | 'created'>): OutboxEntry {
    const entry: OutboxEntry = {
      id: this.engine.ids.shortId('mail'),
      site: order.site,
      order_id: order.order_id,
      transaction_id: order.transaction_id,
      reminder,
      created: new Date(this.engine.now(order.site)).toISOString(),
      ...fields,
    };
    this.engine.store.transaction(() => {
      this.outbox.set(entry.id, entry);
      if (this.outbox.size > OUTBOX_LIMIT) {
        const oldest = [...this.outbox.values()].sort((a, b) => a.created.localeCompare(b.created))[0];
        if (oldest) this.outbox.delete(oldest.id);
      }
    });
    return entry;
  }
}
