/**
 * Accessibility check of the page as it is now: axe-core (the installed package's axe.min.js, injected into the
 * page) with its default rules (WCAG 2.x A/AA and best practices). Violations of impact serious or critical fail
 * the test, every one listed with its rule, help text and the elements it found.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

let source: string | undefined;
function axeSource(): string {
  source ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

/** Runs axe-core on the page; returns every violation (all impacts). */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const injected = await page.evaluate('typeof window.axe === "object"');
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern: the pages
  // run under the same strict policy as for a user (a <script> tag with axe's source would be refused).
  if (!injected) await page.evaluate(axeSource());
  // A string, not a function: the test code is type-checked without the DOM library.
  const result = (await page.evaluate('window.axe.run(document, { resultTypes: ["violations"] })')) as { violations: AxeViolation[] };
  return result.violations;
}

/** The violations as a readable list: one line per rule, then one per element. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) =>
      [
        `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`,
        ...v.nodes.map((node) => `  - element ${node.target.map(String).join(' > ')}: ${node.html.replace(/\s+/g, ' ').slice(0, 160)}${node.failureSummary ? `\n    ${node.failureSummary.replace(/\s+/g, ' ').slice(0, 240)}` : ''}`),
      ].join('\n'),
    )
    .join('\n');
}

/** Fails listing every serious or critical violation on the page; `screen` names the page in the message. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const serious = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0) {
    throw new Error(`axe-core: ${serious.length} serious/critical violation(s) on "${screen}" (${page.url()}):\n${describeViolations(serious)}`);
  }
}
