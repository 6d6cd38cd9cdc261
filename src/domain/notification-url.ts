/** An http(s) URL, or a message that names the fix. */
export function checkNotificationUrl(v: unknown): string | { error: string } {
  if (typeof v !== 'string' || v.length > 2048) return { error: 'notification_url must be an http(s) URL of at most 2048 characters, e.g. https://shop.example/webhook' };
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    return { error: `notification_url must be an absolute http(s) URL such as https://shop.example/webhook; got "${v.slice(0, 60)}"` };
  }
  return v;
}
