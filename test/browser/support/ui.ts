/**
 * Waiting for what the user should see: a list entry once the read models caught up (reloading the page as a
 * user would), a text of a given shape, a fact of a facts list.
 */
import type { Locator, Page } from 'playwright-core';
import { visible } from './browser.js';

/** A pattern matching exactly `text` (blank around it aside). */
export const exact = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

/** Waits for `locator` to show, reloading the page between tries (for lists fed by read models). */
export async function visibleAfterReload(page: Page, locator: Locator, timeout = 20_000): Promise<Locator> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await visible(locator, 2_000);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.reload();
    }
  }
}

/** The first match of `pattern` in the text the page shows (e.g. a case number), waiting for it to appear. */
export async function textMatching(page: Page, pattern: RegExp, timeout = 15_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = pattern.exec(await page.locator('body').innerText());
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`the page (${page.url()}) shows no text matching ${pattern}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

/**
 * Waits until the description (`<dd>`) of the term (`<dt>`) `term` in a facts list reads `expected` (the page
 * refetches after a command until the read model shows the new version).
 */
export async function expectFact(page: Page, term: string, expected: string | RegExp, timeout = 15_000): Promise<void> {
  const description = page.getByRole('term').filter({ hasText: exact(term) }).first().locator('xpath=following-sibling::dd[1]');
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = ((await description.count()) > 0 ? await description.innerText() : '').trim();
    if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return;
    if (Date.now() > deadline) throw new Error(`"${term}" reads "${last}", not ${expected}, after ${timeout} ms (${page.url()})`);
    await new Promise((done) => setTimeout(done, 200));
  }
}
