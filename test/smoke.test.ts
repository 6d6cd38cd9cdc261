import t from 'tap';
import { api, build, createOrder } from './helpers/build.js';

t.test('a redirect order is created and read back by order_id and transaction_id', async (t) => {
  const app = await build(t);
  const { data, order_id } = await createOrder(app);
  t.equal(data.order_id, order_id);
  t.match(data.payment_url, /^http:\/\/localhost:80\/connect\/[A-Za-z0-9]{35}\/\?lang=en_US$/);
  const byId = await api(app, 'GET', `/orders/${order_id}`);
  t.equal(byId.statusCode, 200);
  const order = byId.json().data;
  t.equal(order.status, 'initialized');
  t.equal(order.financial_status, 'initialized');
  const byTx = await api(app, 'GET', `/orders/${order.transaction_id}`);
  t.equal(byTx.json().data.order_id, order_id);
});
