/** Human output of the terminal client: short aligned lines, the fields a developer looks for first. */
import type { FailureRuleView, NotificationRecord, OrderDetail, OrderSummary, RuleView, TimelineEntry } from '../client/control-client.js';

const money = (amount: number, currency: string): string => `${(amount / 100).toFixed(2)} ${currency}`;
const status = (s: { status: string; financial_status: string }): string => (s.status === s.financial_status ? s.status : `${s.status}/${s.financial_status}`);

export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function orderLines(orders: OrderSummary[]): string[] {
  if (orders.length === 0) return ['no orders'];
  return table([
    ['ORDER', 'STATUS', 'AMOUNT', 'CREATED', 'DESCRIPTION'],
    ...orders.map((o) => [String(o.order_id), status(o), money(o.amount, o.currency), o.created, o.description]),
  ]);
}

export function timelineLines(timeline: TimelineEntry[]): string[] {
  return timeline.map((e) => `  ${e.at}  ${e.action.padEnd(10)} ${status(e.from)} -> ${status(e.to)}  (${e.cause})${e.note ? ` ${e.note}` : ''}`);
}

export function orderDetailLines(o: OrderDetail, deliveries: NotificationRecord[] | null): string[] {
  const lines = [
    `order ${String(o.order_id)} (transaction ${o.transaction_id}) on site ${o.site.slice(0, 4)}…`,
    `  status     ${status(o)}`,
    `  amount     ${money(o.amount, o.currency)}  ${o.description}`,
    `  created    ${o.created}`,
    ...(o.expires_at ? [`  expires    ${o.expires_at}`] : []),
    ...(o.clears_at ? [`  clears     ${o.clears_at}`] : []),
    ...(o.scenario ? [`  scenario   ${o.scenario}${o.scenario_plays_at ? ` at ${o.scenario_plays_at}` : ''}`] : []),
    'timeline',
    ...timelineLines(o.timeline),
  ];
  if (o.pending.length > 0) lines.push('pending', ...o.pending.map((p) => `  ${p.due}  ${p.kind}`));
  if (deliveries !== null) lines.push(...notificationLines(deliveries));
  return lines;
}

export function notificationLines(deliveries: NotificationRecord[]): string[] {
  if (deliveries.length === 0) return ['notifications: none (the order has no notification_url, or nothing notified yet)'];
  return [
    'notifications',
    ...deliveries.map((d) => {
      const last = d.attempts[d.attempts.length - 1];
      const answer = last ? (last.response?.status ?? last.error ?? 'no answer') : 'not sent yet';
      return `  ${d.id}  ${d.status}  ${d.state}  ${d.url}  -> ${String(answer)}`;
    }),
  ];
}

/** A notification rule's kind with what shapes it: "delay 1m30s on completed". */
function notificationWhat(r: FailureRuleView): string {
  const delay = r.delay ? ` ${r.delay}` : '';
  const on = r.statuses && r.statuses.length > 0 ? ` on ${r.statuses.join(',')}` : '';
  return `${r.kind}${delay}${on}`;
}

export function ruleLines(kind: string, rules: RuleView[]): string[] {
  if (rules.length === 0) return [`${kind}: none`];
  return [
    `${kind}`,
    ...rules.map((r) => {
      const what = 'scenario' in r ? r.scenario : r.target === 'notification' ? notificationWhat(r) : r.kind;
      const uses = r.remaining === null ? 'always' : `${r.remaining} left`;
      return `  ${r.id}  ${what}  match ${JSON.stringify(r.match)}  ${uses}, applied ${r.applied}  (${r.source}${r.site === null ? ', all sites' : ''})`;
    }),
  ];
}

/** One line of `logs`: an event of the stream, or a journal entry. */
export function eventLine(e: { type: string; data: Record<string, unknown> }): string {
  const d = e.data;
  const at = String(d.at ?? '');
  switch (e.type) {
    case 'api':
      return `${at}  api           ${String(d.method)} ${String(d.url)} -> ${String(d.http_status ?? d.outcome)}${d.error_code ? ` (error ${String(d.error_code)})` : ''}`;
    case 'status': {
      const from = d.from as { status: string; financial_status: string };
      const to = d.to as { status: string; financial_status: string };
      return `${at}  status        ${String(d.order_id)}  ${status(from)} -> ${status(to)}  (${String(d.action)}, ${String(d.cause)})`;
    }
    case 'notification':
      return `${at}  notification  ${String(d.order_id)}  ${String(d.status)}  -> ${String(d.notification_url ?? 'no notification_url')}`;
    case 'delivery':
      return `${at}  delivery      ${String(d.order_id)}  ${String(d.url)} -> ${String(d.http_status ?? d.error ?? 'no answer')}${d.acknowledged ? ' acknowledged' : ''}`;
    default:
      return `${at}  ${e.type}  ${JSON.stringify(d)}`;
  }
}
