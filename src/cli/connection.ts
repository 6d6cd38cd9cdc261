/**
 * How the terminal client reaches a running sandbox: --url, --api-key, --token, or the
 * environment (SOFORT_SANDBOX_URL, SOFORT_SANDBOX_API_KEY, SOFORT_SANDBOX_TOKEN), flags first.
 * The control calls go through the typed control client (SandboxControl); the few plain
 * HTTP calls here (create an order, read the event stream) send the same headers it does.
 */
import { SandboxControl } from '../client/control-client.js';

export type Env = Record<string, string | undefined>;

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface Connection {
  /** Origin of the sandbox. */
  readonly url: string;
  /** The site (website API key), if given. */
  readonly apiKey: string | null;
  readonly token: string | null;
  readonly control: SandboxControl;
  /** Headers of a control call: the site's key and the control token, as the control client sends them. */
  headers(extra?: Record<string, string>): Record<string, string>;
}

/** Something the user typed wrong: exit code 2, with the message and the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function connect(values: { url?: string | undefined; 'api-key'?: string | undefined; token?: string | undefined }, env: Env): Connection {
  const raw = values.url ?? env.SOFORT_SANDBOX_URL ?? DEFAULT_URL;
  let url: string;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    url = u.origin;
  } catch {
    throw new UsageError(`--url: ${JSON.stringify(raw.slice(0, 100))} is not an http(s) URL; give the sandbox's address, e.g. ${DEFAULT_URL}`);
  }
  const apiKey = values['api-key'] ?? env.SOFORT_SANDBOX_API_KEY ?? null;
  const token = values.token ?? env.SOFORT_SANDBOX_TOKEN ?? null;
  const control = new SandboxControl({ url, apiKey, token });
  return {
    url,
    apiKey,
    token,
    control,
    headers: (extra = {}) => ({ ...(apiKey !== null ? { api_key: apiKey } : {}), ...(token !== null ? { 'x-sandbox-token': token } : {}), ...extra }),
  };
}

/** The site key a command cannot do without (it signs notifications, or names the site's orders). */
export function requireApiKey(conn: Connection, why: string): string {
  if (conn.apiKey === null) throw new UsageError(`${why}: give the site's API key with --api-key or SOFORT_SANDBOX_API_KEY`);
  return conn.apiKey;
}
