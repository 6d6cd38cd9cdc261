/**
 * Per-site (per API key) settings MultiSafepay keeps in its merchant dashboard. Today: the
 * site's notification URL, which MultiSafepay uses for orders that send no
 * `payment_options.notification_url` (docs `payment-management/webhook.md`: "set the
 * webhook URL ... in your dashboard"). A start-up default applies to every site that has
 * no URL of its own. Kept in the store, so a durable sandbox remembers them.
 */
import { adviseNotificationUrl } from '../../domain/advisor.js';
import type { Collection, Store } from '../../engine/store.js';

export interface SiteSettingsView {
  site: string;
  notification_url: string | null;
  /** Where the URL comes from: the site's own setting, the start-up default, or none. */
  source: 'site' | 'default' | 'none';
  advice: string[];
}

import { checkNotificationUrl } from '../../domain/notification-url.js';

export { checkNotificationUrl };

export class SiteSettings {
  private readonly urls: Collection<string>;

  constructor(
    private readonly store: Store,
    private readonly defaultUrl: string | null,
  ) {
    this.urls = store.collection<string>('site-notification-urls');
  }

  /** The URL notifications of `site` go to when an order names none, or null. */
  notificationUrl(site: string): string | null {
    return this.urls.get(site) ?? this.defaultUrl;
  }

  view(site: string): SiteSettingsView {
    const own = this.urls.get(site);
    const url = own ?? this.defaultUrl;
    return { site, notification_url: url, source: own !== undefined ? 'site' : url !== null ? 'default' : 'none', advice: adviseNotificationUrl(url, 'notification_url') };
  }

  /** Set (a URL) or clear (null) the site's own notification URL. */
  setNotificationUrl(site: string, url: string | null): void {
    this.store.transaction(() => {
      if (url === null) this.urls.delete(site);
      else this.urls.set(site, url);
    });
  }

  /** Forget a site's settings (or every site's); answers how many were forgotten. */
  reset(site: string | null): number {
    let n = 0;
    this.store.transaction(() => {
      for (const [k] of [...this.urls.entries()]) {
        if (site === null || k === site) {
          this.urls.delete(k);
          n++;
        }
      }
    });
    return n;
  }
}
