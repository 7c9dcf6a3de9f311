// Developer aid: signs in (or not) and screenshots one page of the web app in Debian's Chromium.
//   node apps/web/scripts/shot.mjs <base-url> <path> <out.png> [username password] [width]
// Prints the page's console errors and failed requests, so a broken screen shows up without a browser window.
import { chromium } from 'playwright-core';

const [base, path, out, username, password, width = '1280'] = process.argv.slice(2);
if (!base || !path || !out) {
  console.error('usage: node apps/web/scripts/shot.mjs <base-url> <path> <out.png> [username password] [width]');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  page.on('console', (message) => message.type() === 'error' && console.log(`console error: ${message.text()}`));
  page.on('requestfailed', (request) => console.log(`request failed: ${request.url()}`));
  page.on('response', (response) => response.status() >= 400 && console.log(`HTTP ${response.status()}: ${response.url()}`));
  if (username) {
    await page.goto(`${base}/`);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(password);
    await page.locator('button[type=submit]').click();
    await page.locator('nav.app-nav').waitFor();
  }
  await page.goto(`${base}${path}`);
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
