/**
 * Debian's Chromium (/usr/bin/chromium, installed by .ci/run with apt-get) driven by playwright-core — never a
 * browser downloaded by Playwright. Without it the browser suites are skipped, and say so on one line in the
 * format .ci/summary.mjs picks up (`skipped "<suite>": <reason>`).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** `describe` when Debian's Chromium is installed; otherwise a skipped suite that prints why. */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  const reason = `${CHROMIUM} is not installed (apt-get install --no-install-recommends chromium fonts-thai-tlwg; .ci/run does)`;
  // CI installs it: there a missing browser is a failure, not a reason to skip.
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has Debian\'s Chromium (.ci/run installs it)', () => {
        throw new Error(reason);
      });
    });
    return;
  }
  process.stderr.write(`skipped "${name}": ${reason}\n`);
  describe(name, () => {
    it.skip(`skipped: ${reason}`, () => undefined);
  });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** What went wrong in a page that the user would not see: uncaught errors, console errors, 5xx answers. */
export interface PageProblems {
  list: string[];
}

/**
 * A fresh browser profile (a user on their own machine: own sessionStorage, no cookies shared), 1280 px wide
 * (or a 375 px phone), Thai first, under the pages' real Content-Security-Policy (a violation is a console error,
 * which fails the step).
 */
export async function newUserContext(browser: Browser, baseURL: string, phone = false): Promise<BrowserContext> {
  const screen = phone ? { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 900 } };
  const context = await browser.newContext({ baseURL, ...screen, locale: 'th-TH', timezoneId: 'Asia/Bangkok' });
  context.setDefaultTimeout(15_000);
  return context;
}

/**
 * Collects the page's uncaught errors, console errors and 5xx answers. A 4xx is an answer the screens handle
 * (a 404 while a read model catches up, a 409 on a stale version), so Chromium's own "Failed to load resource"
 * line for it is not counted; the screens show such errors to the user, where the steps' assertions see them.
 */
export function watchProblems(page: Page): PageProblems {
  const problems: PageProblems = { list: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
      problems.list.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.list.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 500) problems.list.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return problems;
}

/** Waits until the locator's first match is visible (playwright-core has no auto-waiting `expect`). */
export async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  const first = locator.first();
  await first.waitFor({ state: 'visible', timeout });
  return first;
}

/** Polls `read` until `accept` holds (read models follow the log within moments); returns the last value. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeout = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}
