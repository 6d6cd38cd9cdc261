/**
 * The one place a notification changes state: applies the pure state machine
 * (domain/notification-states.ts), stores the record, keeps its delivery job in step and
 * tells listeners (the control event stream) through the engine's step, as orders do.
 */
import type { NotificationAction, NotificationState } from '../../domain/notification-states.js';
import { isOpen, nextNotification } from '../../domain/notification-states.js';
import type { Engine } from '../../engine/engine.js';
import type { DeliveryLog, NotificationRecord } from './delivery-log.js';

export interface NotificationEvent {
  type: 'notification_changed';
  id: string;
  site: string;
  order_id: string | number;
  transaction_id: number;
  /** Order status the notification reports. */
  status: string;
  action: NotificationAction['kind'];
  from: NotificationState | null;
  to: NotificationState;
  at: number;
  attempts_made: number;
  next_attempt_at: number | null;
}

export type NotificationListener = (event: NotificationEvent, record: NotificationRecord) => void;

export interface NotificationJobs {
  schedule(rec: NotificationRecord, due: number): void;
  cancel(rec: NotificationRecord): void;
}

export class NotificationChanges {
  private readonly listeners = new Set<NotificationListener>();

  constructor(
    private readonly engine: Engine,
    private readonly log: DeliveryLog,
    private readonly jobs: NotificationJobs,
    private readonly policy: { retries: number; retryIntervalMs: number },
  ) {}

  onChange(listener: NotificationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Apply `action` to `current` (null: a new notification, `draft` its record) and store the
   * result with `draft`'s other fields. `due` is when a queued notification's first attempt
   * is due. Returns the stored record.
   */
  transition(current: NotificationRecord | null, draft: NotificationRecord, action: NotificationAction, due?: number): NotificationRecord {
    this.engine.checkMayChange('a notification');
    const at = this.engine.now(draft.site);
    const next = nextNotification(current === null ? null : { state: current.state, attempts_made: current.attempts_made }, action);
    const open = isOpen(next.state);
    const plan = !open ? null : next.retry ? at + this.policy.retryIntervalMs : action.kind === 'release' ? at : action.kind === 'queue' ? (due ?? at) : draft.next_attempt_at;
    const rec: NotificationRecord = { ...draft, state: next.state, attempts_made: next.attempts_made, next_attempt_at: plan };
    this.engine.store.transaction(() => {
      if (current === null) this.log.add(rec);
      else this.log.update(rec);
      if (!open) this.jobs.cancel(rec);
      else if (plan !== null && (next.retry || action.kind === 'queue' || action.kind === 'release')) this.jobs.schedule(rec, plan);
    });
    const event: NotificationEvent = {
      type: 'notification_changed',
      id: rec.id,
      site: rec.site,
      order_id: rec.order_id,
      transaction_id: rec.transaction_id,
      status: rec.status,
      action: action.kind,
      from: current?.state ?? null,
      to: rec.state,
      at,
      attempts_made: rec.attempts_made,
      next_attempt_at: rec.next_attempt_at,
    };
    this.engine.announce(() => {
      for (const l of this.listeners) {
        try {
          l(event, rec);
        } catch (err) {
          console.error('sofort-sandbox: notification listener failed', err);
        }
      }
    });
    return rec;
  }
}
