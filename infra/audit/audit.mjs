// Dependency audit (issue 8): `npm audit --omit=dev --json`, then fail on every advisory of severity high or
// critical that infra/audit/accepted.json does not accept — each accepted advisory names its package, a reason
// and an expiry date; an expired acceptance fails too, so nothing is accepted for ever.
//
//   node infra/audit/audit.mjs            run npm audit and judge its answer (exit 1 on a finding)
//   node infra/audit/audit.mjs report.json   judge a saved `npm audit --json` report instead
//
// When the registry cannot answer audits (this workplace's mirror answers 405 Method Not Allowed) the audit has
// NOT run: the script says so plainly and exits 3, and .ci/run reports the stage as not run, never as passed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FAIL_AT = new Set(['high', 'critical']);

/** The advisories of an npm audit report (npm ≥ 7 format): one entry per advisory and package. */
export function advisoriesOf(report) {
  const found = [];
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities ?? {})) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== 'object' || via === null) continue; // a string names the dependency that carries it
      const id = /GHSA-[\w-]+/.exec(via.url ?? '')?.[0] ?? String(via.source);
      found.push({ id, package: via.name ?? name, severity: via.severity ?? vulnerability.severity, title: via.title ?? '', url: via.url ?? '' });
    }
  }
  const unique = new Map(found.map((advisory) => [`${advisory.id}|${advisory.package}`, advisory]));
  return [...unique.values()];
}

/**
 * Judges the advisories against the accepted list on the given day (YYYY-MM-DD): what fails the build, which
 * acceptances have expired, and which no longer match anything (to be removed from the file).
 */
export function judge(advisories, accepted, today) {
  const problems = [];
  for (const entry of accepted) {
    for (const field of ['id', 'package', 'reason', 'expires']) {
      if (typeof entry[field] !== 'string' || entry[field].trim() === '') problems.push(`accepted entry ${JSON.stringify(entry)}: "${field}" is required`);
    }
    if (typeof entry.expires === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(entry.expires)) problems.push(`accepted ${entry.id}: "expires" must be a date YYYY-MM-DD`);
  }
  const acceptance = (advisory) => accepted.find((entry) => entry.id === advisory.id && entry.package === advisory.package);
  const failing = [];
  const expired = [];
  for (const advisory of advisories.filter((a) => FAIL_AT.has(a.severity))) {
    const entry = acceptance(advisory);
    if (!entry) failing.push(advisory);
    else if (entry.expires < today) expired.push({ ...advisory, expires: entry.expires });
  }
  const stale = accepted.filter((entry) => !advisories.some((advisory) => advisory.id === entry.id && advisory.package === entry.package));
  return { failing, expired, stale, problems, ok: failing.length === 0 && expired.length === 0 && problems.length === 0 };
}

function runAudit() {
  try {
    return execFileSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // npm audit exits 1 when it finds anything; its JSON is still on stdout.
    if (typeof error.stdout === 'string' && error.stdout.trim().startsWith('{')) return error.stdout;
    throw error;
  }
}

async function main() {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const accepted = JSON.parse(readFileSync(`${here}accepted.json`, 'utf8')).accepted ?? [];
  const report = JSON.parse(process.argv[2] ? readFileSync(process.argv[2], 'utf8') : runAudit());
  if (report.error || report.message) {
    const reason = report.error?.summary || report.error?.code || report.message || report.statusCode;
    console.log(`dependency audit NOT RUN: the registry did not answer the audit (${String(reason).split('\n')[0]})`);
    process.exit(3);
  }
  const today = new Date().toISOString().slice(0, 10);
  const advisories = advisoriesOf(report);
  const { failing, expired, stale, problems, ok } = judge(advisories, accepted, today);
  console.log(`dependency audit: ${advisories.length} advisories in production dependencies, ${failing.length} high/critical not accepted, ${expired.length} acceptances expired`);
  for (const problem of problems) console.log(`  accepted.json: ${problem}`);
  for (const a of failing) console.log(`  FAIL ${a.severity} ${a.id} in ${a.package}: ${a.title} ${a.url}`);
  for (const a of expired) console.log(`  EXPIRED acceptance (${a.expires}) ${a.severity} ${a.id} in ${a.package}: ${a.title}`);
  for (const entry of stale) console.log(`  stale acceptance (nothing matches any more; remove it): ${entry.id} in ${entry.package}`);
  process.exit(ok ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
