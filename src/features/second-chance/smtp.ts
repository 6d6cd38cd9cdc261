/**
 * Hands a Second Chance email to an SMTP server, normally a local catcher beside the sandbox
 * (MailHog, Mailpit, smtp4dev), through nodemailer: a maintained client that knows the
 * protocol's corners (multi-line replies, dot-stuffing, HELO fallback, STARTTLS when offered)
 * better than a hand-written one. The message is composed by the sandbox (email.ts, dated on
 * the sandbox clock) and sent as is; nodemailer only carries it.
 */
import type { SmtpTarget } from '../../options/after-payment-config.js';

export type { SmtpTarget };

export interface SmtpMessage {
  readonly from: string;
  readonly to: string;
  /** Full RFC 5322 message (headers, blank line, body), lines separated by CRLF. */
  readonly data: string;
}

/** How long one SMTP exchange may take (real time): a catcher answers in milliseconds. */
const TIMEOUT_MS = 5000;

function plainAddress(a: string): string {
  const m = /<([^>]+)>/.exec(a);
  return (m ? m[1]! : a).trim();
}

/** Send one message. Resolves with the server's final reply text, rejects with what went wrong. */
export async function sendMail(target: SmtpTarget, msg: SmtpMessage, heloName = 'sofort-sandbox.local'): Promise<string> {
  // Loaded on the first email: most sandboxes never configure SMTP, and start-up stays short.
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: target.host,
    port: target.port,
    secure: false,
    // A catcher has no certificate worth checking; STARTTLS is used only if offered.
    tls: { rejectUnauthorized: false },
    name: heloName,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    const info = (await transport.sendMail({ envelope: { from: plainAddress(msg.from), to: [plainAddress(msg.to)] }, raw: msg.data })) as { response: string };
    return info.response;
  } catch (err) {
    const e = err as Error & { command?: string; response?: string };
    // "SMTP server refused RCPT TO: 550 no such user": the step and the server's own words.
    if (e.command && e.response) throw new Error(`SMTP server refused ${e.command}: ${e.response.slice(0, 200)}`);
    throw new Error(`cannot send to the SMTP server at ${target.host}:${target.port}: ${e.message}`);
  } finally {
    transport.close();
  }
}
