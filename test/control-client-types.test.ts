/**
 * The typed control client: every type a suite handles is exported from the package,
 * statuses and scenarios are string unions (a misspelling does not compile), and the
 * README's first screen, startSandbox({ manualClock: true }), reaches the webhook log.
 *
 * The `@ts-expect-error` lines are checked by `tsc --noEmit` (part of `npm test`); the
 * compiler test below makes the same check from inside the suite.
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { startSandbox } from '../src/index.js';
import type {
  ClockInfo, FailureKind, FailureRuleView, FaultRule, JournalEntry, NotificationRecord, OrderStatus, RequestFilter, ResetSummary, Scenario, ScenarioRuleView,
  WaitAnswer, WaitStatus,
} from '../src/index.js';
import { receiver } from './helpers/control.js';

t.test('startSandbox({ manualClock: true }) with no API key: the control client reaches every route it offers', async (t) => {
  const hook = await receiver(t);
  const sandbox = await startSandbox({ manualClock: true, webhooks: { delayMs: 0 } });
  t.teardown(() => sandbox.close());
  const key = 'first-screen-key';
  const res = await fetch(`${sandbox.apiUrl}orders`, {
    method: 'POST',
    headers: { api_key: key, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'redirect', gateway: 'DIRECTBANK', order_id: 'o-1', currency: 'EUR', amount: 1000, description: 'x', payment_options: { notification_url: hook.url }, customer: { country: 'DE', locale: 'de_DE' } }),
  });
  t.equal(res.status, 200);
  const scenario: Scenario = 'completed';
  await sandbox.control.outcome('o-1', scenario, { delay: 0 });
  const answer: WaitAnswer = await sandbox.control.waitFor('o-1', 'completed', { webhookAcked: true });
  const status: OrderStatus = answer.status;
  t.equal(status, 'completed');
  const log: NotificationRecord[] = await sandbox.control.webhooks();
  t.same(log.map((n) => [n.site, n.state, n.status]), [[key, 'delivered', 'completed']], 'no 401: the log of every site');

  const faults: FaultRule[] = [{ fault: 'drop' }];
  const set = await sandbox.control.forSite(key).webhookFaults(faults, { order_id: 'o-1' });
  t.match(set, { scope: 'order', order_id: 'o-1', faults: [{ fault: 'drop' }] });
  t.match(await sandbox.control.forSite(key).webhookFaultRules(), { orders: { 'o-1': [{ fault: 'drop' }] } });
  t.match(await sandbox.control.forSite(key).clearWebhookFaults({ order_id: 'o-1' }), { scope: 'order', cleared: true });

  const clock: ClockInfo = await sandbox.control.clock();
  const reset: ResetSummary = await sandbox.control.reset();
  const journal: JournalEntry[] = await sandbox.control.requests({ method: 'POST' } satisfies RequestFilter);
  t.same([clock.frozen, reset.orders, journal.length], [true, 1, 0]);
});

t.test('misspelled statuses and scenarios do not compile', async (t) => {
  const sandbox = await startSandbox({ manualClock: true });
  t.teardown(() => sandbox.close());
  const typeOnly = (): void => {
    // @ts-expect-error -- 'complete' is not a status: 'completed' is
    void sandbox.control.waitFor('o-1', 'complete');
    // @ts-expect-error -- 'complete' is not a scenario
    void sandbox.control.scenario('complete');
    // @ts-expect-error -- nor a status to filter orders by
    void sandbox.control.orders({ status: 'paid' });
    // @ts-expect-error -- 'crash' is not a failure kind
    const kind: FailureKind = 'crash';
    // The failure rule types come from the JSON Schema the server declares (src/domain/wire/rules.ts).
    // @ts-expect-error -- 'explode' is not a notification fault
    void sandbox.control.notificationFault('explode');
    // @ts-expect-error -- 'complete' is not an order status a notification rule can take
    void sandbox.control.notificationFault('drop', { statuses: ['complete'] });
    // @ts-expect-error -- a rule's target is api or notification
    const target: FailureRuleView['target'] = 'email';
    void target;
    // Answers and bodies are typed from the route declarations (src/domain/wire/): an advance says what fired,
    void sandbox.control.advance('1h').then((c) => c.fired satisfies number);
    // @ts-expect-error -- and a failure rule takes only codes of the sandbox's error catalogue
    void sandbox.control.failure('error', { code: 1234 });
    // @ts-expect-error -- a refund's status is one of reserved, completed, void
    void sandbox.control.refunds('pending');
    const rule: ScenarioRuleView | null = null;
    const wait: WaitStatus = 'uncleared';
    void [kind, rule, wait];
  };
  t.type(typeOnly, 'function');

  // The same check through the compiler, so the suite itself fails if the types loosen.
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const file = `${dir}__typecheck_probe.ts`;
  const source = [
    "import type { SandboxControl } from '../src/index.js';",
    'export async function probe(c: SandboxControl): Promise<void> {',
    "  await c.waitFor('o-1', 'complete');",
    "  await c.waitFor('o-1', 'completed');",
    "  await c.scenario('complete');",
    '}',
  ].join('\n');
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? source : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || exists(f);
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, source, lang) : getSource(f, lang, ...rest));
  const program = ts.createProgram([file], options, host);
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
  const lines = errors.map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1);
  t.same(lines, [3, 5], "exactly the two misspellings are errors; 'completed' compiles");
  t.match(ts.flattenDiagnosticMessageText(errors[0]!.messageText, '\n'), /"complete"' is not assignable to parameter of type 'WaitStatus/);
});
