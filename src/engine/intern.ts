/**
 * Shares equal parts of stored orders. A shop sends the same notification, redirect and cancel
 * URLs with every order, and a test suite the same customer fixture; 100,000 orders would
 * otherwise keep 100,000 equal copies of each (about 400 bytes an order). Records are
 * immutable values (the engine replaces, never edits them), so equal parts can be one frozen
 * object.
 *
 * A new part is compared, field by field, with the few most recently stored distinct ones
 * (a hash of the whole part cost more CPU per create-order than the comparison): equal
 * parts almost always come in runs, and a stream of all-different customers costs a handful
 * of comparisons and keeps its own copies, as before.
 */
import type { Customer, PaymentOptions } from '../domain/order.js';

/** Distinct values remembered per kind. */
const RECENT = 8;

type Flat = Readonly<Record<string, unknown>>;

/** Same own keys, in the same order, with identical primitive values; objects never count as equal. */
function sameFlat(a: Flat, b: Flat): boolean {
  let n = 0;
  for (const k in a) {
    const v = a[k];
    if (typeof v === 'object' && v !== null) return false;
    if (v !== b[k] || !Object.prototype.hasOwnProperty.call(b, k)) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

class Recent<T extends Flat> {
  private readonly ring: T[] = [];
  private next = 0;
  share(value: T): T {
    for (const known of this.ring) if (sameFlat(known, value)) return known;
    const frozen = Object.freeze(value);
    if (this.ring.length < RECENT) this.ring.push(frozen);
    else {
      this.ring[this.next] = frozen;
      this.next = (this.next + 1) % RECENT;
    }
    return frozen;
  }
}

export class OrderInterner {
  private readonly options = new Recent<PaymentOptions & Flat>();
  private readonly customers = new Recent<Customer & Flat>();

  paymentOptions(p: PaymentOptions): PaymentOptions {
    return this.options.share(p as PaymentOptions & Flat);
  }

  customer(c: Customer): Customer {
    return this.customers.share(c as Customer & Flat);
  }
}
