/**
 * One user at their own browser: a fresh context (own sessionStorage, as on their own machine), the page's hidden
 * problems collected, and `check(name)` — the screenshot and the axe-core scan every visited screen gets.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from './axe.js';
import { newUserContext, visible, watchProblems, type PageProblems } from './browser.js';
import type { DocScreenshot, Screenshots } from './screenshots.js';
import { SHELL } from './texts.js';
import type { StaffAccount } from './web-app.js';

export interface UserSession {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  /** Screenshot (test-results/screenshots, and docs/screenshots when `doc` is set and asked) + axe-core scan. */
  check(name: string, doc?: DocScreenshot): Promise<void>;
  close(): Promise<void>;
}

export async function openSession(browser: Browser, baseURL: string, shots: Screenshots, phone = false): Promise<UserSession> {
  const context = await newUserContext(browser, baseURL, phone);
  const page = await context.newPage();
  const problems = watchProblems(page);
  return {
    context,
    page,
    problems,
    async check(name, doc) {
      // Nothing still loading: the screen as the user reads it.
      // (A screen that polls never goes idle: then the scan goes on after 5 s.)
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
      await page.getByRole('status').filter({ hasText: SHELL.loading }).first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      await shots.take(page, name, doc);
      await expectAccessible(page, name);
    },
    close: () => context.close(),
  };
}

/** Signs a staff member in through the login page and waits for the main menu. */
export async function signIn(session: UserSession, account: StaffAccount): Promise<void> {
  const { page } = session;
  await page.goto('/');
  await page.getByLabel(SHELL.username).fill(account.username);
  await page.getByLabel(SHELL.password).fill(account.password);
  await page.getByRole('button', { name: SHELL.signIn }).click();
  await visible(page.getByRole('navigation', { name: SHELL.mainNav }));
  // The first screen (home, or the only area the user has) is drawn: the app's own redirects are over.
  await visible(page.getByRole('heading', { level: 1 }));
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
}

/** Opens an area from the main menu by its Thai menu text. */
export async function openMenu(session: UserSession, name: string): Promise<void> {
  const nav = session.page.getByRole('navigation', { name: SHELL.mainNav });
  await nav.getByRole('link', { name, exact: true }).click();
}
