/**
 * The one catalogue of MultiSafepay error codes this sandbox answers with.
 *
 * Wire shape (MultiSafepay's envelope): {success:false, data:{}, error_code, error_info,
 * sandbox_hint}. `error_info` is exactly MultiSafepay's text for the code ("Invalid API key",
 * "Invalid transaction ID", ...), so a shop that compares it sees what production sends;
 * the sandbox's own explanation (which field, how to fix it) goes in `sandbox_hint`, an
 * extra key MultiSafepay's clients ignore (they read error_code and error_info only).
 * HTTP statuses follow MultiSafepay's OpenAPI where it documents one (401 for 1032, 404 for
 * 1006/1023, 410 for 1000 on PATCH/tokens); where MultiSafepay publishes none, request
 * validation answers 400 and business refusals (1024, 1034) answer 422. The README lists
 * every code; test/errors-catalogue.test.ts checks the codes are unique and documented.
 */
export interface ErrorSpec {
  readonly code: number;
  readonly http: number;
  /** MultiSafepay's own short text, the start of every error_info with this code. */
  readonly title: string;
  /** When the sandbox answers with it. */
  readonly when: string;
}

export const ERROR_CATALOGUE = {
  NOT_FOUND: { code: 1000, http: 404, title: 'Not found', when: 'an endpoint the sandbox does not serve; unknown recurring token or customer reference; unknown refund' },
  INVALID_AMOUNT: { code: 1001, http: 400, title: 'Invalid amount', when: 'amount missing, not a whole number of cents, or below the Sofort minimum (10 cents)' },
  INVALID_CURRENCY: { code: 1002, http: 400, title: 'Invalid currency', when: 'currency is not EUR (Sofort takes EUR only)' },
  INVALID_ORDER_ID: { code: 1006, http: 404, title: 'Invalid transaction ID', when: 'unknown order, or order_id already used by a paid order of this site' },
  INVALID_IP: { code: 1007, http: 400, title: 'Invalid IP address', when: 'customer.ip_address or forwarded_ip is not an IPv4/IPv6 address' },
  INVALID_DESCRIPTION: { code: 1008, http: 400, title: 'Invalid description', when: 'description missing, not a string, or over 200 characters' },
  INVALID_VARIABLE: { code: 1010, http: 400, title: 'Invalid variable', when: 'var1, var2 or var3 not a string or over 500 characters' },
  MISSING_DATA: { code: 1016, http: 400, title: 'Missing data', when: 'a required field is missing or has the wrong type (order_id, type, URLs, customer fields, body)' },
  INVALID_COUNTRY: { code: 1018, http: 400, title: 'Invalid country code', when: 'customer.country is not a two-letter ISO 3166 code' },
  CANNOT_CREATE: { code: 1021, http: 422, title: 'Cannot create transaction', when: 'the order cannot change that way (cancel a paid order, ship an unpaid one)' },
  GATEWAY_UNAVAILABLE: { code: 1023, http: 404, title: 'No gateway (payment method) available', when: 'a gateway other than DIRECTBANK, or an unknown gateway or payment method id' },
  DECLINED: { code: 1024, http: 422, title: 'Transaction declined', when: 'customer country outside the Sofort countries, or a failure rule asks for it' },
  INVALID_API_KEY: { code: 1032, http: 401, title: 'Invalid API key', when: 'no API key, a key under 5 characters, or one not in the configured list' },
  CANNOT_REFUND: { code: 1034, http: 422, title: 'Cannot refund transaction', when: 'refund above what remains, of an unpaid/cancelled/refunded order, or the same amount again within 5 minutes' },
  UNKNOWN: { code: 9999, http: 400, title: 'Unknown error', when: 'the request could not be read at all (malformed JSON, body too large, undecodable URL, unsupported method)' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERROR_CATALOGUE;

/** A rejection to answer with MultiSafepay's error envelope. Thrown by domain code, rendered by the API door. */
export class ApiError extends Error {
  readonly spec: ErrorSpec;
  readonly http: number;
  /** The sandbox's explanation: which field, and the fix (null when the title says it all). */
  readonly detail: string | null;
  constructor(name: ErrorName, detail?: string, http?: number) {
    const spec: ErrorSpec = ERROR_CATALOGUE[name];
    super(detail ? `${spec.title}: ${detail}` : spec.title);
    this.detail = detail ?? null;
    this.name = 'ApiError';
    this.spec = spec;
    this.http = http ?? spec.http;
  }
  get code(): number {
    return this.spec.code;
  }
  toEnvelope(): ErrorEnvelope {
    return { success: false, data: {}, error_code: this.spec.code, error_info: this.spec.title, sandbox_hint: this.message };
  }
}

export interface ErrorEnvelope {
  success: false;
  data: Record<string, never>;
  error_code: number;
  /** MultiSafepay's own text for the code. */
  error_info: string;
  /** The sandbox's explanation (title, field and fix); not sent by MultiSafepay, ignored by its clients. */
  sandbox_hint: string;
}

export function findErrorByCode(code: number): ErrorSpec | undefined {
  return Object.values(ERROR_CATALOGUE).find((s) => s.code === code);
}

export function errorNameByCode(code: number): ErrorName | undefined {
  return (Object.keys(ERROR_CATALOGUE) as ErrorName[]).find((n) => ERROR_CATALOGUE[n].code === code);
}
