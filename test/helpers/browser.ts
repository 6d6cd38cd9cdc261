/**
 * Browser tests drive Debian's Chromium through playwright-core (which never downloads a
 * browser). One browser per test file; a fresh context per test. A launch failure fails
 * the test file loudly: CI installs Chromium in .ci/run, so a missing browser is a bug.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Test } from 'tap';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

export async function launchBrowser(t: Test): Promise<Browser> {
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  } catch (err) {
    throw new Error(`cannot start Chromium at ${CHROMIUM_PATH} (install it: apt-get install -y chromium fonts-dejavu-core, or set CHROMIUM_PATH): ${String(err)}`);
  }
  t.teardown(() => browser.close());
  return browser;
}

/** A context that records every JavaScript dialog: an escaping bug would open one. */
export async function newContext(t: Test, browser: Browser, opts: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, ...opts });
  t.teardown(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page, dialogs };
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A tiny merchant site on 127.0.0.1:0 for the shopper to land on; records where they landed. */
export async function startMerchant(t: Test): Promise<{ url: string; landings: URL[] }> {
  const landings: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://merchant.local');
    landings.push(url);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Merchant</title><h1 data-testid="merchant">Merchant ${url.pathname}</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, landings };
}

/** Create an order over real HTTP (payment_url then carries the listening host). */
export async function createOrderHttp(apiUrl: string, body: Record<string, unknown>, key = 'browser-test-key'): Promise<{ payment_url: string; order_id: string }> {
  const res = await fetch(`${apiUrl}orders`, { method: 'POST', headers: { api_key: key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { success: boolean; data: { payment_url: string; order_id: string } };
  if (!json.success) throw new Error(`create order failed: ${JSON.stringify(json)}`);
  return json.data;
}

export async function orderStatusHttp(apiUrl: string, orderId: string, key = 'browser-test-key'): Promise<{ status: string; financial_status: string }> {
  const res = await fetch(`${apiUrl}orders/${encodeURIComponent(orderId)}`, { headers: { api_key: key } });
  const json = (await res.json()) as { data: { status: string; financial_status: string } };
  return json.data;
}
