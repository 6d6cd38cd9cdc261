/**
 * A tiny shop for the CI recipes (docs/control-plane.md), standing in for "your code": it
 * creates Sofort orders on the sandbox, receives MultiSafepay notifications on a loopback
 * port and, as MultiSafepay asks, reads the order back from the API when notified.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';

export interface Shop {
  /** Create an order and answer its order_id. */
  checkout(opts: { amount: number }): Promise<string>;
  /** What the shop shows: 'paid' once a notification told it the order completed. */
  paymentStatus(orderId: string): Promise<'paid' | 'pending' | 'failed'>;
  close(): Promise<void>;
}

let counter = 0;

export async function createShop(opts: { baseUrl: string; apiKey: string }): Promise<Shop> {
  const statuses = new Map<string, string>();
  const call = async (method: string, path: string, body?: unknown): Promise<{ success: boolean; data: Record<string, unknown>; error_info?: string }> => {
    const res = await fetch(new URL(path, opts.baseUrl), {
      method,
      headers: { api_key: opts.apiKey, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as { success: boolean; data: Record<string, unknown>; error_info?: string };
  };
  const server: Server = createServer((req, res) => {
    const id = new URL(req.url ?? '/', 'http://shop').searchParams.get('transactionid');
    req.resume();
    req.on('end', () => {
      if (!id) return void res.writeHead(400).end();
      // Never trust the notification body: read the order from the API, then acknowledge.
      call('GET', `orders/${encodeURIComponent(id)}`).then((order) => {
        statuses.set(id, String(order.data.status));
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      }, () => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    async checkout({ amount }) {
      const orderId = `shop-${process.pid}-${++counter}`;
      const r = await call('POST', 'orders', {
        type: 'redirect', gateway: 'DIRECTBANK', order_id: orderId, currency: 'EUR', amount, description: `Order ${orderId}`,
        payment_options: { notification_url: `http://127.0.0.1:${port}/notify`, redirect_url: 'https://shop.example/thanks', cancel_url: 'https://shop.example/cart' },
        customer: { locale: 'de_DE', country: 'DE', email: 'shopper@example.com' },
      });
      if (!r.success) throw new Error(`checkout failed: ${r.error_info ?? 'unknown error'}`);
      return orderId;
    },
    async paymentStatus(orderId) {
      const s = statuses.get(orderId);
      return s === 'completed' ? 'paid' : s === undefined || s === 'initialized' || s === 'uncleared' ? 'pending' : 'failed';
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The one-call checkout of the Jest and Vitest recipes: the shop's answer, error included. */
export async function shopCheckout(apiUrl: string, apiKey = 'ci-key-0001'): Promise<{ orderId: string | null; error: string | null }> {
  const shop = await createShop({ baseUrl: apiUrl, apiKey });
  try {
    return { orderId: await shop.checkout({ amount: 1000 }), error: null };
  } catch (err) {
    return { orderId: null, error: (err as Error).message };
  } finally {
    await shop.close();
  }
}
