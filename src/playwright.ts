/**
 * sofort-sandbox/playwright: pay on the sandbox's payment page (or its fake bank) the way a
 * shopper would, for a shop's own end-to-end tests.
 *
 *   import { payAs } from 'sofort-sandbox/playwright';
 *   await page.click('text=Pay with Sofort');          // the shop redirects to payment_url
 *   await payAs(page, 'declined');                      // back at the shop afterwards
 *   await expect(page).toHaveURL(/\/checkout\/failed/);
 *
 * Playwright stays optional: this module imports nothing from it and types the page by the
 * few methods it calls, so a Page of playwright, playwright-core or @playwright/test fits.
 *
 * "Back at the shop" means: the browser left the sandbox's origin. That holds whether the
 * sandbox shows a result page with a return button (clicked here) or redirects straight to
 * redirect_url / cancel_url.
 */

/** What the shopper does: the scenario picked on the payment page, or cancelling. */
export type PayOutcome = 'completed' | 'uncleared' | 'declined' | 'cancelled';

export const PAY_OUTCOMES: readonly PayOutcome[] = ['completed', 'uncleared', 'declined', 'cancelled'];

/** The part of Playwright's Locator this helper uses. */
export interface LocatorLike {
  first(): LocatorLike;
  count(): Promise<number>;
  click(options?: { timeout?: number }): Promise<void>;
  check(options?: { timeout?: number }): Promise<void>;
  fill(value: string, options?: { timeout?: number }): Promise<void>;
  selectOption(value: string, options?: { timeout?: number }): Promise<unknown>;
  waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
}

/** The part of Playwright's Page this helper uses. */
export interface PageLike {
  url(): string;
  locator(selector: string): LocatorLike;
  waitForURL(url: (url: URL) => boolean, options?: { timeout?: number }): Promise<void>;
}

export interface PayOptions {
  /** Per step, in ms (default: the page's own default timeout). */
  timeout?: number;
  /** Bank login; any values work in the sandbox (defaults max / 1234). */
  username?: string;
  pin?: string;
  /** The TAN typed at the bank (any six digits work; default 123456). */
  tan?: string;
}

export interface PayResult {
  /** Where the browser landed at the shop (redirect_url or cancel_url, with transactionid). */
  url: string;
  /** The transactionid query parameter MultiSafepay appends (the shop's order_id). */
  transactionId: string | null;
}

const id = (testId: string): string => `[data-testid="${testId}"]`;

/** The sandbox's pages, each known by a form or block only it has. */
const STEPS = {
  payment: id('payment-form'),
  bank: id('bank-form'),
  login: id('login-form'),
  account: id('account-form'),
  tan: id('tan-form'),
  result: id('result'),
  error: id('error-page'),
} as const;
type Step = keyof typeof STEPS;

/** At most this many pages from the payment page back to the shop (6 today). */
const MAX_STEPS = 10;

async function present(page: PageLike, selector: string): Promise<boolean> {
  return (await page.locator(selector).count()) > 0;
}

/** Which sandbox page is showing, once one of them has loaded. */
async function currentStep(page: PageLike, timeout: number | undefined): Promise<Step> {
  await page.locator(Object.values(STEPS).join(', ')).first().waitFor({ state: 'attached', ...(timeout !== undefined ? { timeout } : {}) });
  for (const [step, selector] of Object.entries(STEPS) as Array<[Step, string]>) {
    if (await present(page, selector)) return step;
  }
  /* c8 ignore next -- waitFor above saw one of them */
  throw new Error('sofort-sandbox/playwright: no sandbox page found');
}

/**
 * Pay (or cancel) as a shopper on the page the browser shows now: the sandbox's payment page,
 * or its bank for a `direct` order. Resolves once the browser has left the sandbox for the
 * shop; rejects with a message naming the step when the flow cannot go on.
 */
export async function payAs(page: PageLike, outcome: PayOutcome, options: PayOptions = {}): Promise<PayResult> {
  if (!PAY_OUTCOMES.includes(outcome)) {
    throw new TypeError(
      `sofort-sandbox/playwright: outcome must be one of ${PAY_OUTCOMES.join(', ')}; got ${JSON.stringify(outcome)}. ` +
        '(expired and abandoned are not shopper actions: leave the page and advance the clock, e.g. sofort-sandbox advance 25h)',
    );
  }
  const timeout = options.timeout;
  const t = timeout !== undefined ? { timeout } : {};
  const sandbox = new URL(page.url()).origin;
  const away = (u: URL): boolean => u.origin !== sandbox;
  const click = (testId: string): Promise<void> => page.locator(id(testId)).first().click(t);

  let chose = false;
  for (let i = 0; i < MAX_STEPS && !away(new URL(page.url())); i++) {
    const step = await currentStep(page, timeout);
    if (outcome === 'declined' && !chose && step !== 'payment' && step !== 'result') {
      // A direct order opens the bank, which offers no scenario: the amount decides (completed
      // below 100 EUR, uncleared from 100 EUR), unless the outcome was set beforehand.
      throw new Error(
        'sofort-sandbox/playwright: the bank pages offer no scenario choice, so they cannot play "declined"; ' +
          'start from the payment page (a redirect order) or set the outcome first (sofort-sandbox pay <order> declined, control.outcome, a scenario rule)',
      );
    }
    if (outcome === 'cancelled' && step !== 'result' && step !== 'error') {
      await click('cancel');
    } else if (step === 'payment') {
      // The scenario list offers every outcome the payment page can play.
      await page.locator(id('scenario')).selectOption(outcome, t);
      chose = true;
      await click('continue');
    } else if (step === 'bank') {
      const chosen = page.locator(`${id('bank-form')} input[type="radio"]:checked`);
      if ((await chosen.count()) === 0) await page.locator(`${id('bank-form')} input[type="radio"]`).first().check(t);
      await click('bank-continue');
    } else if (step === 'login') {
      await page.locator(id('username')).fill(options.username ?? 'max', t);
      await page.locator(id('pin')).fill(options.pin ?? '1234', t);
      await click('login');
    } else if (step === 'account') {
      await click('account-continue');
    } else if (step === 'tan') {
      await page.locator(id('tan')).fill(options.tan ?? '123456', t);
      await click('confirm');
    } else if (step === 'result') {
      if (!(await present(page, id('return')))) {
        throw new Error('sofort-sandbox/playwright: the result page has no way back to the shop: give the order a redirect_url and cancel_url');
      }
      await click('return');
    } else {
      throw new Error(`sofort-sandbox/playwright: the sandbox shows an error page at ${page.url()}`);
    }
    // The click navigates, to the next sandbox page or away to the shop: either way this
    // page's form goes, so the next round never acts on the page it just left.
    await page.locator(STEPS[step]).first().waitFor({ state: 'detached', ...t });
  }
  if (!away(new URL(page.url()))) await page.waitForURL(away, t);
  const landed = new URL(page.url());
  return { url: landed.href, transactionId: landed.searchParams.get('transactionid') };
}
