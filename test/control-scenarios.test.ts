/**
 * Scenarios without a browser: every outcome through rules and per-order outcomes, rules
 * used once / n times / persistently, reset, request markers, and bad input.
 */
import t from 'tap';
import { API_KEY, OTHER_KEY, refusal, sandbox } from './helpers/control.js';

t.test('a scenario rule with a delay plays every outcome on its own when the clock reaches it', async (t) => {
  const { control, createOrder } = await sandbox(t);
  const expected: Record<string, [string, string]> = {
    completed: ['completed', 'completed'],
    uncleared: ['uncleared', 'uncleared'],
    declined: ['declined', 'declined'],
    cancelled: ['void', 'cancelled'],
    expired: ['expired', 'expired'],
    abandoned: ['initialized', 'initialized'],
  };
  for (const scenario of Object.keys(expected)) {
    await control.scenario(scenario as 'completed', { match: { order_id: `sc-${scenario}-*` }, delay: '5m' });
  }
  const ids: Record<string, string> = {};
  for (const scenario of Object.keys(expected)) ids[scenario] = await createOrder({ order_id: `sc-${scenario}-1`, days_active: 1 });

  for (const scenario of Object.keys(expected)) {
    const o = await control.order(ids[scenario]!);
    t.equal(o.status, 'initialized', `${scenario}: nothing happens before the delay`);
    t.equal(o.scenario, scenario, `${scenario}: the order carries its scenario (the payment page preselects it)`);
  }
  await control.advance('4m59s');
  t.equal((await control.order(ids.completed!)).status, 'initialized', 'still waiting one second before the delay');
  await control.advance('1s');
  for (const [scenario, [status, financial]] of Object.entries(expected)) {
    const o = await control.order(ids[scenario]!);
    t.same([o.status, o.financial_status], [status, financial], `${scenario} played out`);
  }
  const completed = await control.timeline(ids.completed!);
  t.match(completed.at(-1), { cause: 'control', action: 'authorise', to: { status: 'completed' }, at: '2026-03-02T10:05:00.000Z' });

  // Uncleared completes 24 hours later by the clock; abandoned expires after a day.
  await control.advance('1d');
  t.equal((await control.order(ids.uncleared!)).status, 'completed', 'uncleared then completed');
  t.match((await control.timeline(ids.uncleared!)).at(-1), { cause: 'clock', action: 'clear' });
  t.equal((await control.order(ids.abandoned!)).status, 'expired', 'the customer never came back: the order expired');
});

t.test('the outcome of one order: now (delay 0), later, or at the bank', async (t) => {
  const { control, createOrder, api } = await sandbox(t);
  const now = await createOrder();
  const r = await control.outcome(now, 'declined', { delay: 0 });
  t.equal(r.played, true);
  t.equal(r.order.status, 'declined');
  const apiView = await api('GET', `/orders/${now}`);
  t.equal(apiView.json.data.status, 'declined', 'the MultiSafepay API shows the outcome');
  t.equal(apiView.json.data.reason_code, '1024');

  const later = await createOrder();
  const r2 = await control.outcome(later, 'completed', { delay: '2h' });
  t.equal(r2.played, false);
  t.equal(r2.order.scenario_plays_at, '2026-03-02T12:00:00.000Z');
  await control.advance('2h');
  t.equal((await control.order(later)).status, 'completed');

  const atBank = await createOrder();
  await control.outcome(atBank, 'cancelled');
  await control.advance('1h');
  const o = await control.order(atBank);
  t.same([o.status, o.scenario, o.scenario_plays_at], ['initialized', 'cancelled', null], 'without a delay the outcome waits for the shopper at the bank');

  const err = await refusal(t, () => control.outcome(later, 'declined', { delay: 0 }));
  t.match(err, { status: 409, code: 'conflict', message: /already completed/ }, 'a paid order cannot be given another outcome');
  const missing = await refusal(t, () => control.outcome('no-such-order', 'declined'));
  t.match(missing, { status: 404, code: 'order_not_found' });
});

t.test('once, times(n), persistent, the pending list and reset', async (t) => {
  const { control, createOrder } = await sandbox(t);
  const once = await control.scenario('declined', { match: { order_id: 'once-*' }, once: true, delay: 0 });
  const twice = await control.scenario('cancelled', { match: { order_id: 'twice-*' }, times: 2, delay: 0 });
  const always = await control.scenario('completed', { match: { amount: { min: 4200, max: 4299 } }, delay: 0 });
  t.same((await control.scenarios()).map((r) => r.id), [always.id, twice.id, once.id], 'pending rules, newest first');

  const a = await createOrder({ order_id: 'once-1' });
  const b = await createOrder({ order_id: 'once-2' });
  t.equal((await control.order(a)).status, 'declined');
  t.equal((await control.order(b)).status, 'initialized', 'a once rule applies to one order only');

  const t1 = await createOrder({ order_id: 'twice-1' });
  t.equal((await control.scenarios()).find((r) => r.id === twice.id)?.remaining, 1, 'the list shows the uses left');
  const t2 = await createOrder({ order_id: 'twice-2' });
  const t3 = await createOrder({ order_id: 'twice-3' });
  t.same(
    [(await control.order(t1)).status, (await control.order(t2)).status, (await control.order(t3)).status],
    ['void', 'void', 'initialized'],
  );
  t.same((await control.scenarios()).map((r) => r.id), [always.id], 'spent rules leave the list');

  for (const n of [1, 2, 3]) {
    const id = await createOrder({ amount: 4200 + n });
    t.equal((await control.order(id)).status, 'completed', `persistent rule, order ${n}`);
  }

  const removed = await control.removeScenario(always.id);
  t.same(removed, { removed: always.id });
  await control.scenario('declined', { delay: 0 });
  const reset = await control.request<{ removed: number }>('DELETE', '/scenarios');
  t.equal(reset.removed, 1);
  t.same(await control.scenarios(), [], 'reset restores the defaults (none here)');
  const after = await createOrder();
  t.equal((await control.order(after)).scenario, null);
});

t.test('rules match amount, email, country and var1-3; a site rule stays on its site', async (t) => {
  const { control, createOrder } = await sandbox(t);
  await control.scenario('declined', { match: { email: '*@blocked.example', country: ['AT'] }, delay: 0 });
  await control.scenario('cancelled', { match: { var1: '/^cart-\\d+$/', var2: 'mobile' }, delay: 0 });
  await control.scenario('expired', { match: { var3: 'EXP*' }, delay: 0 });

  const blocked = await createOrder({ customer: { locale: 'de_AT', country: 'AT', email: 'x@blocked.example' } });
  const blockedDe = await createOrder({ customer: { locale: 'de_DE', country: 'DE', email: 'x@blocked.example' } });
  const cart = await createOrder({ var1: 'cart-17', var2: 'MOBILE' });
  const cartNo = await createOrder({ var1: 'cart-x', var2: 'mobile' });
  const exp = await createOrder({ var3: 'exp-42' });
  t.same(
    await Promise.all([blocked, blockedDe, cart, cartNo, exp].map(async (id) => (await control.order(id)).status)),
    ['declined', 'initialized', 'void', 'initialized', 'expired'],
  );

  // A rule made with one site's key does not touch another site; a rule made without a key touches all.
  await control.scenario('declined', { match: { order_id: 'shared-*' }, delay: 0 });
  const other = control.forSite(OTHER_KEY);
  const mine = await createOrder({ order_id: 'shared-1' });
  const theirs = await createOrder({ order_id: 'shared-1' }, OTHER_KEY);
  t.equal((await control.order(mine)).status, 'declined');
  t.equal((await other.order(theirs)).status, 'initialized');
  await control.forSite(null).scenario('completed', { match: { order_id: 'global-*' }, delay: 0 });
  const g1 = await createOrder({ order_id: 'global-1' });
  const g2 = await createOrder({ order_id: 'global-2' }, OTHER_KEY);
  t.equal((await control.order(g1)).status, 'completed');
  t.equal((await other.order(g2)).status, 'completed');
  t.equal((await other.scenarios()).length, 1, 'the other site sees only the sandbox-wide rule');
});

t.test('request markers pick a scenario without a control call, and beat the rules', async (t) => {
  const { control, createOrder } = await sandbox(t);
  await control.scenario('completed', { delay: 0 });
  const v3 = await createOrder({ var3: 'sandbox:declined:10m' });
  const v3now = await createOrder({ var3: 'sandbox:cancelled' });
  const email = await createOrder({ customer: { locale: 'en_US', country: 'DE', email: 'jane+uncleared@example.com' } });
  const notMarker = await createOrder({ customer: { locale: 'en_US', country: 'DE', email: 'jane+newsletter@example.com' } });
  const bad = await createOrder({ var3: 'sandbox:explode' });

  t.same([(await control.order(v3)).status, (await control.order(v3)).scenario], ['initialized', 'declined'], 'var3 marker with a delay waits for it');
  t.same([(await control.order(v3now)).status, (await control.order(v3now)).scenario], ['initialized', 'cancelled'], 'a marker without a delay waits for the bank');
  t.equal((await control.order(email)).scenario, 'uncleared', 'the email +tag picks the scenario');
  t.equal((await control.order(notMarker)).status, 'completed', 'a +tag that names no scenario is no marker: the rule applies');
  const badOrder = await control.order(bad);
  t.equal(badOrder.scenario, null, 'an unknown marker sets nothing');
  t.match(badOrder.timeline.at(-1)?.note, /names no scenario/, 'and says so on the timeline');
  await control.advance('10m');
  t.equal((await control.order(v3)).status, 'declined');
  t.match((await control.timeline(v3)).find((e) => e.action === 'update')?.note, /request marker \(var3\)/);
});

t.test('bad scenario input gets a 4xx naming the problem and changes nothing', async (t) => {
  const { control, createOrder } = await sandbox(t);
  const cases: Array<[unknown, RegExp, string]> = [
    [{ scenario: 'paid' }, /scenario: "paid" is not a scenario; use one of completed/, 'unknown_scenario'],
    [{ scenario: 'declined', delay: '24x' }, /delay: "24x" is not a duration/, 'invalid_duration'],
    [{ scenario: 'declined', match: { amount: { min: 500, max: 100 } } }, /min 500 is above max 100/, 'invalid_rule'],
    [{ scenario: 'declined', match: { country: 'US' } }, /US is not a Sofort country.*could never match/, 'invalid_rule'],
    [{ scenario: 'declined', match: { amount: { max: 5 } } }, /below the Sofort minimum/, 'invalid_rule'],
    [{ scenario: 'declined', times: 0 }, /times: must be a whole number from 1/, 'invalid_rule'],
    [{ scenario: 'declined', once: true, times: 2 }, /only one of once, times and persist/, 'invalid_rule'],
    [{ scenario: 'declined', match: { orderId: 'x' } }, /match\.orderId: unknown field/, 'bad_request'],
    [{ scenario: 'declined', match: { order_id: '/[/' } }, /not a valid regular expression/, 'invalid_rule'],
    [{ scenario: 'declined', colour: 'red' }, /colour: unknown field/, 'bad_request'],
  ];
  for (const [body, message, code] of cases) {
    const err = await refusal(t, () => control.request('POST', '/scenarios', body));
    t.match(err, { status: 400, code, message }, JSON.stringify(body));
  }
  const notObject = await fetch(`${control.url}/_sandbox/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json', api_key: API_KEY }, body: '[1,2]' });
  t.equal(notObject.status, 400);
  const broken = await fetch(`${control.url}/_sandbox/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json', api_key: API_KEY }, body: '{"scenario":' });
  t.equal(broken.status, 400);
  t.match(await broken.json(), { error: { code: 'invalid_body' } });
  t.same(await control.scenarios(), [], 'no rule was added');
  const id = await createOrder();
  const e = await refusal(t, () => control.outcome(id, 'nope' as 'declined', { delay: 0 }));
  t.match(e, { status: 400, code: 'unknown_scenario' });
  t.same([(await control.order(id)).scenario, (await control.order(id)).timeline.length], [null, 1], 'the order is untouched');
  const unknownRule = await refusal(t, () => control.removeScenario('sr_nope'));
  t.match(unknownRule, { status: 404, code: 'not_found' });
});

t.test('a token payment (no bank page) with a scenario plays it at once instead of charging', async (t) => {
  const { control, createOrder, api } = await sandbox(t);
  const customer = { locale: 'de_DE', country: 'DE', email: 'jane@example.com', reference: 'cust-1' };
  const first = await createOrder({ recurring_model: 'cardOnFile', customer });
  await control.outcome(first, 'completed', { delay: 0 });
  const recurringId = (await api('GET', `/orders/${first}`)).json.data.payment_details.recurring_id;
  t.type(recurringId, 'string', 'the paid first payment made a token');

  const declined = await createOrder({ type: 'direct', recurring_id: recurringId, recurring_model: 'cardOnFile', customer: { ...customer, email: 'jane+declined@example.com' } });
  t.equal((await control.order(declined)).status, 'declined', 'the marker decided the token payment');
  const charged = await createOrder({ type: 'direct', recurring_id: recurringId, recurring_model: 'cardOnFile', customer });
  t.equal((await control.order(charged)).status, 'completed', 'without a scenario the token is charged as usual');
});
