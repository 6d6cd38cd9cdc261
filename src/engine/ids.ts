/**
 * Identifiers. Business ids (transaction ids, bank references, record ids) and seeded faults
 * come from one seeded generator per sandbox, so a run with a seed is repeatable; without a
 * seed the generator is seeded from the OS. Secrets never do: a session id is the only key to
 * an order's payment and bank pages, and the generator's whole state is small enough to
 * recover from one transaction id, so session ids come from the OS's cryptographic source,
 * seed or not.
 */
import { randomBytes } from 'node:crypto';
import { customAlphabet, customRandom } from 'nanoid';

export type Random = () => number;

/** sfc32: a small, fast, well-distributed PRNG; good enough for test data, not for secrets. */
export function seededRandom(seed: number | string): Random {
  let h = 1779033703 ^ String(seed).length;
  const s = String(seed);
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  let b = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  let c = Math.imul(b ^ 0xc2b2ae35, 0x27d4eb2f) >>> 0;
  let d = (a ^ b ^ c) >>> 0;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

export function osSeed(): string {
  return randomBytes(8).toString('hex');
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface IdGenerator {
  readonly random: Random;
  /**
   * A PSP id in MultiSafepay's current shape: 16 digits, the Unix seconds of `atMs` (sandbox
   * time) followed by 6 random digits, as in the recorded 1747219123451369 (OpenAPI getOrder).
   * MultiSafepay also writes 17-digit ids; those exceed 2^53 and JavaScript clients would
   * round them, so the sandbox stays at 16 digits (below 9007199254740991 until the year 2255).
   */
  transactionId(atMs: number): number;
  /** A URL-safe session id like MultiSafepay's (35 alphanumerics), cryptographically random (never seeded). */
  sessionId(): string;
  /** An id for internal records (jobs, deliveries, rules). */
  shortId(prefix: string): string;
  /** Bank reference shown as external_transaction_id. */
  bankReference(): string;
}

export function createIds(seed: number | string = osSeed()): IdGenerator {
  const random = seededRandom(seed);
  const bytes = (size: number): Uint8Array => {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = Math.floor(random() * 256);
    return out;
  };
  const short = customRandom(ALNUM, 12, bytes);
  const ref = customRandom('0123456789ABCDEF', 6, bytes);
  return {
    random,
    transactionId: (atMs) => Math.floor(atMs / 1000) * 1_000_000 + Math.floor(random() * 1_000_000),
    sessionId: () => secretSessionId(),
    shortId: (prefix) => `${prefix}_${short()}`,
    bankReference: () => `${ref()}-${ref()}-${ref().slice(0, 4)}`,
  };
}

/** Unseeded ids for things that must not be guessable (control tokens, dashboard sessions). */
export const secretId = customAlphabet(ALNUM, 32);

/** 35 alphanumerics (~208 bits) from crypto.getRandomValues: unguessable whatever the seed. */
const secretSessionId = customAlphabet(ALNUM, 35);
