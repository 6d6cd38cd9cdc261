import t from 'tap';
import type { Test } from 'tap';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { build, createOrder } from './helpers/build.js';
import { HOUR, control } from './helpers/after-payment.js';
import { sendMail } from '../src/features/second-chance/smtp.js';

const START = '2026-03-10T15:00:00Z';

interface Received {
  helo: string;
  from: string;
  to: string[];
  data: string;
}

/** A tiny SMTP catcher on 127.0.0.1:0 that records each message (multi-line EHLO answer, like real servers). */
async function smtpCatcher(t: Test, opts: { refuseRcpt?: boolean } = {}): Promise<{ port: number; mails: Received[]; server: Server }> {
  const mails: Received[] = [];
  const server = createServer((sock) => {
    let buf = '';
    let inData = false;
    let cur: Received = { helo: '', from: '', to: [], data: '' };
    sock.write('220 catcher ESMTP ready\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          cur.data = buf.slice(0, end).replace(/\r\n\.\./g, '\r\n.');
          buf = buf.slice(end + 5);
          inData = false;
          mails.push(cur);
          cur = { helo: cur.helo, from: '', to: [], data: '' };
          sock.write('250 2.0.0 queued as 42\r\n');
          continue;
        }
        const i = buf.indexOf('\r\n');
        if (i < 0) return;
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO') {
          cur.helo = line.slice(5);
          sock.write('250-catcher greets you\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n');
        } else if (cmd === 'MAIL') {
          cur.from = line;
          sock.write('250 OK\r\n');
        } else if (cmd === 'RCPT') {
          if (opts.refuseRcpt) sock.write('550 no such user\r\n');
          else {
            cur.to.push(line);
            sock.write('250 OK\r\n');
          }
        } else if (cmd === 'DATA') {
          inData = true;
          sock.write('354 go ahead\r\n');
        } else if (cmd === 'QUIT') {
          sock.end('221 bye\r\n');
        } else sock.write('500 what?\r\n');
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, mails, server };
}

function bodyOf(data: string): { headers: string; text: string } {
  const [headers = '', body = ''] = data.split('\r\n\r\n');
  return { headers, text: Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8') };
}

t.test('with smtp configured, each reminder is handed to the SMTP server too', async (t) => {
  const catcher = await smtpCatcher(t);
  const app = await build(t, { manualClock: true, startTime: START, smtp: `127.0.0.1:${catcher.port}`, secondChance: { from: 'Shop <shop@example.com>' } });
  const o = await createOrder(app, { gateway: undefined, second_chance: { send_email: true }, customer: { locale: 'de_DE', country: 'DE', email: 'kunde@example.de' } });
  await app.sandbox.engine.clock.advance(HOUR);
  t.equal(catcher.mails.length, 1);
  const mail = catcher.mails[0]!;
  t.equal(mail.from, 'MAIL FROM:<shop@example.com>');
  t.same(mail.to, ['RCPT TO:<kunde@example.de>']);
  const { headers, text } = bodyOf(mail.data);
  t.match(headers, /^From: Shop <shop@example.com>\r\nTo: kunde@example.de\r\nSubject: =\?UTF-8\?B\?/);
  const subject = /Subject: =\?UTF-8\?B\?([^?]+)\?=/.exec(headers)![1]!;
  t.equal(Buffer.from(subject, 'base64').toString('utf8'), `Schließen Sie Ihre Zahlung für Bestellung ${o.order_id} ab`);
  t.match(headers, /Date: Tue, 10 Mar 2026 16:00:00 \+0000/, 'dated on the sandbox clock');
  const [entry] = (await control(app, 'GET', '/second-chance/outbox')).body.emails;
  t.ok(text.includes(entry.link), 'the message carries the payment link');
  t.equal(text, entry.text.replace(/\n/g, '\r\n'));
  t.match(entry.smtp, { status: 'delivered', detail: /queued as 42/ });
});

t.test('an SMTP failure is recorded on the outbox entry; the email stays readable there', async (t) => {
  const refusing = await smtpCatcher(t, { refuseRcpt: true });
  const app = await build(t, { manualClock: true, startTime: START, smtp: { host: '127.0.0.1', port: refusing.port } });
  await createOrder(app, { gateway: undefined, second_chance: { send_email: true }, customer: { country: 'DE', email: 'a@example.com' } });
  await app.sandbox.engine.clock.advance(HOUR);
  const [entry] = (await control(app, 'GET', '/second-chance/outbox')).body.emails;
  t.equal(entry.status, 'sent');
  t.match(entry.smtp, { status: 'failed', detail: /refused RCPT TO: 550 no such user/ });

  // Nobody listening: the connection error is recorded too.
  const gone = await smtpCatcher(t);
  await new Promise<void>((r) => gone.server.close(() => r()));
  const app2 = await build(t, { manualClock: true, startTime: START, smtp: { host: '127.0.0.1', port: gone.port } });
  await createOrder(app2, { gateway: undefined, second_chance: { send_email: true }, customer: { country: 'DE', email: 'b@example.com' } });
  await app2.sandbox.engine.clock.advance(HOUR);
  const [e2] = (await control(app2, 'GET', '/second-chance/outbox')).body.emails;
  t.match(e2.smtp, { status: 'failed', detail: /ECONNREFUSED/ });
});

t.test('the SMTP client dot-stuffs lines that start with a dot', async (t) => {
  const catcher = await smtpCatcher(t);
  const answer = await sendMail({ host: '127.0.0.1', port: catcher.port }, { from: 'x@example.com', to: 'Y <y@example.com>', data: 'Subject: s\r\n\r\nline\r\n.\r\n.hidden' });
  t.match(answer, /^250 2\.0\.0 queued/);
  t.equal(catcher.mails[0]!.data, 'Subject: s\r\n\r\nline\r\n.\r\n.hidden', 'the catcher reads back exactly what was sent');
  t.same(catcher.mails[0]!.to, ['RCPT TO:<y@example.com>']);
});

t.test('smtp option errors name the option', async (t) => {
  const { resolveConfig } = await import('../src/options/config.js');
  t.throws(() => resolveConfig({ smtp: 'localhost' }), /smtp: must be host:port/);
  t.throws(() => resolveConfig({ smtp: { host: 'h', port: 0 } }), /smtp: must be host:port/);
  t.throws(() => resolveConfig({ refunds: { settle: 'weekly' as never } }), /refunds.settle: must be one of midnight, manual, immediate/);
  t.throws(() => resolveConfig({ recurring: { chargeDelayMs: -1 } }), /recurring.chargeDelayMs/);
  t.match(resolveConfig({ smtp: 'smtp://mail.local:1025' }).afterPayment.smtp, { host: 'mail.local', port: 1025 });
});
