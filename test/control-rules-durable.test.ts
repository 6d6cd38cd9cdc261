/**
 * The one rule book in a data directory: notification rules survive a restart like API
 * failure rules, and fault rules a sandbox stored by scope before the book existed (the
 * `webhook-faults` collection) move into it on start.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildApp } from '../src/index.js';
import { API_KEY, createOrder } from './helpers/build.js';
import { pay, receiver } from './helpers/webhooks.js';

const open = (dataDir: string) => buildApp({ seed: 'durable-rules', manualClock: true, apiKeys: [API_KEY], dataDir, webhooks: { delayMs: 0 } });

t.test('notification rules stored by scope move into the rule book and still apply', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sofort-rules-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const first = await open(dir);
  const kept = await first.inject({ method: 'POST', url: '/_sandbox/failures', headers: { api_key: API_KEY }, payload: { target: 'notification', kind: 'duplicate', match: { order_id: 'dup-*' } } });
  t.equal(kept.statusCode, 201);
  await first.close();

  // What a data directory of the previous release holds: fault rules by scope.
  const db = new Database(join(dir, 'sandbox.db'));
  db.prepare('INSERT INTO entries (collection, key, value) VALUES (?, ?, ?)').run('webhook-faults', `site\n${API_KEY}`, JSON.stringify({ scope: { kind: 'site', site: API_KEY }, rules: [{ fault: 'drop', times: 1, statuses: ['completed'] }] }));
  db.close();

  const rx = await receiver(t);
  const app = await open(dir);
  t.teardown(() => app.close());
  const rules = (await app.inject({ method: 'GET', url: '/_sandbox/failures?target=notification', headers: { api_key: API_KEY } })).json().rules;
  t.match(rules, [{ kind: 'drop', match: {}, statuses: ['completed'], remaining: 1 }, { kind: 'duplicate', match: { order_id: 'dup-*' } }], 'the moved rule (newest) and the kept one');
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  t.same(app.sandbox.webhooks.deliveries(API_KEY, order_id)[0]?.faults, { drop: true }, 'the moved rule applies');
  t.same((await app.inject({ method: 'GET', url: '/_sandbox/webhooks/faults', headers: { api_key: API_KEY } })).json().site, [], 'and was spent');
});
