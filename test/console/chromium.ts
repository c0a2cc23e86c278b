/**
 * Headless Chromium for the console's browser tests: Debian's `chromium` driven by playwright-core,
 * on a throwaway profile, at a laptop's width. Tests skip when the browser is absent (.ci/run
 * installs it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A persistent context on a fresh directory: the profile is ours, and thrown away on close. */
export async function openBrowser(options: { acceptDownloads?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'relance-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 800 }, locale: 'en-US', ...options,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context, page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the console at `base` and logs in; resolves on the dashboard. */
export async function logIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('main h1');
}

/** The page's full width: at most the window's (1280 px) when nothing scrolls sideways. */
export async function scrollWidth(page: Page): Promise<number> {
  return Number(await page.evaluate('document.documentElement.scrollWidth'));
}

/**
 * The console of `app` served on a free port, in a fresh browser, logged in as `email`: what most
 * browser tests set up first. `browser.close()` ends it; the app is the caller's to close.
 */
export async function openConsole(
  app: { listen(options: { host: string; port: number }): Promise<string> },
  email: string,
  password: string,
): Promise<{ base: string; browser: Browser; page: Page }> {
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await openBrowser();
  await logIn(browser.page, base, email, password);
  return { base, browser, page: browser.page };
}
