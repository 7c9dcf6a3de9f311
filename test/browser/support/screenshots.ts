/**
 * Every screen a browser test visits is written to test-results/screenshots/<nn>-<name>.png (numbered in the
 * order visited; the folder is git-ignored). With CASETRAIL_DOC_SCREENSHOTS=1 the ones named for the docs are also
 * written to docs/screenshots/<doc>.png, 1280 px wide, to refresh the pictures the documentation shows.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = resolve('test-results/screenshots');
const DOCS_DIR = resolve('docs/screenshots');
export const DOC_SCREENSHOTS = ['analyst-dashboard', 'case-timeline'] as const;
export type DocScreenshot = (typeof DOC_SCREENSHOTS)[number];

export class Screenshots {
  private count = 0;

  /** Empties the folder of an earlier run's pictures (only ours: *.png). */
  constructor(private readonly dir = SCREENSHOT_DIR) {
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir)) if (file.endsWith('.png')) rmSync(join(dir, file));
  }

  /** Writes the whole page; returns the file's path. `doc` also writes it to docs/screenshots when asked. */
  async take(page: Page, name: string, doc?: DocScreenshot): Promise<string> {
    this.count += 1;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const file = join(this.dir, `${String(this.count).padStart(2, '0')}-${slug}.png`);
    // Let web fonts finish, so Thai text is drawn in the app's font and not a fallback.
    await page.evaluate('document.fonts.ready.then(() => true)');
    await page.screenshot({ path: file, fullPage: true });
    if (doc && process.env.CASETRAIL_DOC_SCREENSHOTS === '1') {
      const width = page.viewportSize()?.width;
      if (width !== 1280) throw new Error(`docs/screenshots/${doc}.png must be taken 1280 px wide (the page is ${width})`);
      mkdirSync(DOCS_DIR, { recursive: true });
      await page.screenshot({ path: join(DOCS_DIR, `${doc}.png`), fullPage: true });
    }
    return file;
  }
}
