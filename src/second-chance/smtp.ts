/**
 * A minimal SMTP client over node:net, enough to hand a Second Chance email to a local
 * catcher (MailHog, Mailpit, smtp4dev): EHLO, MAIL FROM, RCPT TO, DATA, QUIT. No TLS and
 * no AUTH: it is meant for a catcher beside the sandbox, never for a real mail server.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface SmtpTarget {
  readonly host: string;
  readonly port: number;
}

export interface SmtpMessage {
  readonly from: string;
  readonly to: string;
  /** Full RFC 5322 message (headers, blank line, body), lines separated by CRLF. */
  readonly data: string;
}

/** How long one SMTP exchange may take (real time): a catcher answers in milliseconds. */
const TIMEOUT_MS = 5000;

interface Reply {
  code: number;
  text: string;
}

/** Reads SMTP replies (possibly multi-line: `250-...` lines, then `250 ...`) off a socket. */
class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private readonly ready: Reply[] = [];

  constructor(socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.push(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('the SMTP server closed the connection')));
  }

  private push(chunk: string): void {
    this.buffer += chunk;
    let i: number;
    while ((i = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, i).replace(/\r$/, '');
      this.buffer = this.buffer.slice(i + 1);
      this.lines.push(line);
      const m = /^(\d{3})([ -])?(.*)$/.exec(line);
      if (!m) {
        this.fail(new Error(`unreadable SMTP reply: ${line.slice(0, 80)}`));
        return;
      }
      if (m[2] !== '-') {
        const reply = { code: Number(m[1]), text: this.lines.join('\n') };
        this.lines = [];
        if (this.waiting) {
          const w = this.waiting;
          this.waiting = null;
          w.resolve(reply);
        } else this.ready.push(reply);
      }
    }
  }

  fail(err: Error): void {
    this.failure ??= err;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.reject(err);
    }
  }

  next(): Promise<Reply> {
    const r = this.ready.shift();
    if (r) return Promise.resolve(r);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }
}

/** Lines starting with "." get another "." (RFC 5321 4.5.2), and every line ends in CRLF. */
export function dotStuff(data: string): string {
  return data
    .replace(/\r?\n/g, '\r\n')
    .split('\r\n')
    .map((l) => (l.startsWith('.') ? `.${l}` : l))
    .join('\r\n');
}

function plainAddress(a: string): string {
  const m = /<([^>]+)>/.exec(a);
  return (m ? m[1]! : a).trim();
}

/** Send one message. Resolves with the server's final reply text, rejects with what went wrong. */
export async function sendMail(target: SmtpTarget, msg: SmtpMessage, heloName = 'sofort-sandbox.local'): Promise<string> {
  const socket = connect({ host: target.host, port: target.port });
  const reader = new ReplyReader(socket);
  socket.setTimeout(TIMEOUT_MS, () => {
    reader.fail(new Error(`no answer from the SMTP server at ${target.host}:${target.port} within ${TIMEOUT_MS} ms`));
    socket.destroy();
  });
  const expect = async (what: string, ok: (code: number) => boolean): Promise<Reply> => {
    const r = await reader.next();
    if (!ok(r.code)) throw new Error(`SMTP server refused ${what}: ${r.text.slice(0, 200)}`);
    return r;
  };
  const send = (line: string): void => {
    socket.write(`${line}\r\n`);
  };
  try {
    await expect('the connection', (c) => c === 220);
    send(`EHLO ${heloName}`);
    const ehlo = await reader.next();
    if (ehlo.code !== 250) {
      // Very old servers know only HELO.
      send(`HELO ${heloName}`);
      await expect('HELO', (c) => c === 250);
    }
    send(`MAIL FROM:<${plainAddress(msg.from)}>`);
    await expect('MAIL FROM', (c) => c === 250);
    send(`RCPT TO:<${plainAddress(msg.to)}>`);
    await expect('RCPT TO', (c) => c === 250 || c === 251);
    send('DATA');
    await expect('DATA', (c) => c === 354);
    socket.write(`${dotStuff(msg.data)}\r\n.\r\n`);
    const done = await expect('the message', (c) => c === 250);
    send('QUIT');
    return done.text;
  } finally {
    socket.end();
    socket.destroySoon?.();
  }
}
