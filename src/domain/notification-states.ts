/**
 * The notification state machine: what becomes of one MultiSafepay notification to a shop.
 * Pure, like the order's (transitions.ts): `nextNotification` answers the next state; the
 * dispatcher's one `transition()` (features/webhooks/notification-states.ts) stores it and
 * tells it.
 *
 * pending: waiting for its next attempt (a job on the site's clock).
 * held: kept back by a reorder fault until the order's next notification went out.
 * delivered: acknowledged. failed: retries spent without an acknowledgement.
 * dropped: a drop fault swallowed it (it can still be re-sent).
 */
export type NotificationState = 'pending' | 'held' | 'delivered' | 'failed' | 'dropped';

export const NOTIFICATION_STATES: readonly NotificationState[] = ['pending', 'held', 'delivered', 'failed', 'dropped'];

export type NotificationAction =
  /** A change MultiSafepay notifies: a fault may drop it or hold it back. */
  | { kind: 'queue'; drop: boolean; hold: boolean }
  /** An automatic attempt (first or retry) ended; `retries` is how many retries the sandbox makes. */
  | { kind: 'attempt'; acknowledged: boolean; retries: number }
  /** A tester sent it again: does not use up retries; an acknowledgement ends them. */
  | { kind: 'resend'; acknowledged: boolean }
  /** The order's next notification went out: a held one follows now. */
  | { kind: 'release' };

export interface NotificationProgress {
  readonly state: NotificationState;
  /** Automatic attempts made (first + retries). */
  readonly attempts_made: number;
}

export interface NotificationNext extends NotificationProgress {
  /** Whether another automatic attempt is to be scheduled (retry interval from now). */
  readonly retry: boolean;
}

/** Which state may follow which (`new`: not queued yet). */
export const NOTIFICATION_TRANSITIONS: Readonly<Record<NotificationState | 'new', readonly NotificationState[]>> = {
  new: ['pending', 'held', 'dropped'],
  pending: ['pending', 'delivered', 'failed'],
  held: ['held', 'pending', 'delivered', 'failed'],
  dropped: ['delivered', 'failed'],
  delivered: ['delivered'],
  failed: ['failed', 'delivered'],
};

/** Still to be sent by the sandbox on its own. */
export function isOpen(state: NotificationState): boolean {
  return state === 'pending' || state === 'held';
}

export function nextNotification(current: NotificationProgress | null, action: NotificationAction): NotificationNext {
  let next: NotificationNext;
  if (action.kind === 'queue') {
    if (current !== null) throw new Error('a notification is queued once');
    next = { state: action.drop ? 'dropped' : action.hold ? 'held' : 'pending', attempts_made: 0, retry: false };
  } else {
    if (current === null) throw new Error(`a notification must be queued before a ${action.kind}`);
    const { state, attempts_made } = current;
    switch (action.kind) {
      case 'attempt': {
        if (!isOpen(state)) throw new Error(`a ${state} notification gets no automatic attempt`);
        const made = attempts_made + 1;
        next = action.acknowledged
          ? { state: 'delivered', attempts_made: made, retry: false }
          : made <= action.retries
            ? { state: 'pending', attempts_made: made, retry: true }
            : { state: 'failed', attempts_made: made, retry: false };
        break;
      }
      case 'resend':
        next = { state: action.acknowledged ? 'delivered' : state === 'dropped' ? 'failed' : state, attempts_made, retry: false };
        break;
      case 'release':
        next = { state: 'pending', attempts_made, retry: false };
        break;
    }
  }
  const from = current?.state ?? 'new';
  if (!NOTIFICATION_TRANSITIONS[from].includes(next.state)) throw new Error(`a notification cannot go from ${from} to ${next.state} by ${action.kind}`);
  return next;
}
