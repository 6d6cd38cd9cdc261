/** Locale-aware formatting for the pages. Never throws on an odd locale: it falls back to en-US. */

/** MultiSafepay writes locales as de_DE; Intl wants de-DE. */
export function intlLocale(locale: string | null | undefined): string {
  if (typeof locale !== 'string' || locale === '') return 'en-US';
  try {
    return Intl.getCanonicalLocales(locale.replace('_', '-'))[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

export function formatAmount(cents: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** Sandbox times are shown in UTC and say so: the sandbox clock may be far from the shopper's. */
export function formatDateTime(ms: number, locale: string): string {
  try {
    return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms)} UTC`;
  } catch {
    return new Date(ms).toISOString();
  }
}

/** One string from a urlencoded (or JSON) form body, whatever shape a client sent. */
export function formField(body: unknown, name: string): string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return '';
  const v = (body as Record<string, unknown>)[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim().slice(0, 200) : typeof first === 'number' ? String(first) : '';
}
