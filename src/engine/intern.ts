/**
 * Shares equal parts of stored orders. A shop sends the same notification, redirect and cancel
 * URLs with every order, and a test suite the same customer fixture; 100,000 orders would
 * otherwise keep 100,000 equal copies of each (about 400 bytes an order). Records are
 * immutable values (the engine replaces, never edits them), so equal parts can be one frozen
 * object. Only values already validated by the API are interned, and the table is bounded:
 * when it is full it starts again, so a stream of all-different customers costs a lookup and
 * nothing more.
 */
import type { Customer, PaymentOptions } from '../domain/order.js';

/** Distinct values remembered per kind before the table starts again. */
const LIMIT = 512;

class Table<T extends object> {
  private readonly byKey = new Map<string, T>();
  share(key: string, value: T): T {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    if (this.byKey.size >= LIMIT) this.byKey.clear();
    const frozen = Object.freeze(value);
    this.byKey.set(key, frozen);
    return frozen;
  }
}

/**
 * Interns the flat parts of new orders. The key is the part's JSON, so every field (including
 * any added later) takes part in the comparison and no separator can be forged by a value.
 */
export class OrderInterner {
  private readonly options = new Table<PaymentOptions>();
  private readonly customers = new Table<Customer>();

  paymentOptions(p: PaymentOptions): PaymentOptions {
    return this.options.share(JSON.stringify(p), p);
  }

  customer(c: Customer): Customer {
    return this.customers.share(JSON.stringify(c), c);
  }
}
