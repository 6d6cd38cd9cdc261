/**
 * The text of a Second Chance reminder, in the shopper's language (customer.locale), and
 * its RFC 5322 form for SMTP. MultiSafepay styles these per merchant; the sandbox sends a
 * plain text that carries what a test needs: recipient, order, amount and the link.
 */
import type { OrderRecord } from '../../domain/order.js';

interface Wording {
  subject: (orderId: string) => string;
  greeting: (name: string | null) => string;
  body: (amount: string, orderId: string) => string;
  action: string;
  validUntil: (when: string) => string;
  ignore: string;
}

const WORDING: Readonly<Record<string, Wording>> = {
  en: {
    subject: (id) => `Complete your payment for order ${id}`,
    greeting: (n) => (n ? `Dear ${n},` : 'Hello,'),
    body: (a, id) => `You started a payment of ${a} for order ${id} but did not complete it.`,
    action: 'Complete your payment here:',
    validUntil: (w) => `This link is valid until ${w} (UTC).`,
    ignore: 'If you have already paid or no longer wish to order, you can ignore this email.',
  },
  de: {
    subject: (id) => `Schließen Sie Ihre Zahlung für Bestellung ${id} ab`,
    greeting: (n) => (n ? `Hallo ${n},` : 'Hallo,'),
    body: (a, id) => `Sie haben eine Zahlung über ${a} für Bestellung ${id} begonnen, aber nicht abgeschlossen.`,
    action: 'Hier können Sie Ihre Zahlung abschließen:',
    validUntil: (w) => `Dieser Link ist gültig bis ${w} (UTC).`,
    ignore: 'Wenn Sie bereits bezahlt haben oder nicht mehr bestellen möchten, können Sie diese E-Mail ignorieren.',
  },
  nl: {
    subject: (id) => `Rond uw betaling voor bestelling ${id} af`,
    greeting: (n) => (n ? `Beste ${n},` : 'Hallo,'),
    body: (a, id) => `U bent een betaling van ${a} voor bestelling ${id} begonnen, maar heeft deze niet afgerond.`,
    action: 'Rond uw betaling hier af:',
    validUntil: (w) => `Deze link is geldig tot ${w} (UTC).`,
    ignore: 'Heeft u al betaald of wilt u niet meer bestellen, dan kunt u deze e-mail negeren.',
  },
  fr: {
    subject: (id) => `Finalisez votre paiement pour la commande ${id}`,
    greeting: (n) => (n ? `Bonjour ${n},` : 'Bonjour,'),
    body: (a, id) => `Vous avez commencé un paiement de ${a} pour la commande ${id} sans le finaliser.`,
    action: 'Finalisez votre paiement ici :',
    validUntil: (w) => `Ce lien est valable jusqu'au ${w} (UTC).`,
    ignore: 'Si vous avez déjà payé ou ne souhaitez plus commander, ignorez cet e-mail.',
  },
  it: {
    subject: (id) => `Completa il pagamento per l'ordine ${id}`,
    greeting: (n) => (n ? `Gentile ${n},` : 'Salve,'),
    body: (a, id) => `Hai iniziato un pagamento di ${a} per l'ordine ${id} ma non l'hai completato.`,
    action: 'Completa il pagamento qui:',
    validUntil: (w) => `Questo link è valido fino al ${w} (UTC).`,
    ignore: 'Se hai già pagato o non desideri più ordinare, ignora questa email.',
  },
  es: {
    subject: (id) => `Completa el pago del pedido ${id}`,
    greeting: (n) => (n ? `Hola ${n}:` : 'Hola:'),
    body: (a, id) => `Iniciaste un pago de ${a} para el pedido ${id} pero no lo completaste.`,
    action: 'Completa el pago aquí:',
    validUntil: (w) => `Este enlace es válido hasta el ${w} (UTC).`,
    ignore: 'Si ya has pagado o ya no deseas hacer el pedido, ignora este correo.',
  },
};

export interface ReminderText {
  subject: string;
  text: string;
}

function formatAmount(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

export function reminderText(order: OrderRecord, link: string): ReminderText {
  const lang = order.customer.locale.slice(0, 2).toLowerCase();
  const w = WORDING[lang] ?? WORDING.en!;
  const id = String(order.order_id);
  const name = [order.customer.first_name, order.customer.last_name].filter((p) => p).join(' ') || null;
  const lines = [w.greeting(name), '', w.body(formatAmount(order.amount, order.currency), id), '', w.action, link, ''];
  if (order.expires_at !== null) lines.push(w.validUntil(new Date(order.expires_at).toISOString().slice(0, 16).replace('T', ' ')), '');
  lines.push(w.ignore);
  return { subject: w.subject(id), text: lines.join('\n') };
}

/** RFC 2047 for a header with non-ASCII text. */
function encodeHeader(v: string): string {
  return /^[\x20-\x7e]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v, 'utf8').toString('base64')}?=`;
}

/** The message as an SMTP catcher receives it: UTF-8 text, base64 body (safe through any server). */
export function toRfc5322(mail: { from: string; to: string; subject: string; text: string; date: number; id: string }): string {
  const body = Buffer.from(mail.text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n');
  return [
    `From: ${mail.from}`,
    `To: ${mail.to}`,
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${new Date(mail.date).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${mail.id}@sofort-sandbox.local>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    `X-Sandbox-Mail-Id: ${mail.id}`,
    '',
    body.trimEnd(),
  ].join('\r\n');
}
