// The CI summary that .ci/run prints last, whatever stopped it: each stage with its time, the tests jest ran, every
// skipped suite with its reason, coverage per threshold path, then the plain line `N passed, N failed`.
// Usage: node .ci/summary.mjs <dir> <finished: 0|1>, where <dir> holds stages.tsv (name, start in seconds, one a
// line), jest.json (jest --json) and tests.log (jest's output, where suites print `skipped "<suite>": <reason>`).
// Node built-ins only: it must run when `npm ci` is the stage that failed.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

const [dir, finished] = process.argv.slice(2);
const read = (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined);
const seconds = (s) => (s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`);
const out = [];

out.push('', '=== CI summary ===', '', 'stages:');
const now = Date.now() / 1000;
const stages = (read('stages.tsv') ?? '').split('\n').filter(Boolean).map((line) => line.split('\t'));
// The dependency audit may not have run at all (the registry refused it): its stage says so, and its line follows.
const audit = read('audit.log')?.split('\n').find((line) => line.startsWith('dependency audit'));
stages.forEach(([name, start], i) => {
  const end = i + 1 < stages.length ? Number(stages[i + 1][1]) : now;
  // A stage ends when the next one starts; the last one ran until exit, so it failed unless the script finished.
  const finishedOk = i + 1 < stages.length || finished === '1';
  const status = !finishedOk ? 'FAILED' : name.startsWith('dependency audit') && audit?.includes('NOT RUN') ? 'NOT RUN' : 'ok';
  out.push(`  ${status.padEnd(7)} ${seconds(end - Number(start)).padStart(7)}  ${name}`);
});
if (audit) out.push('', audit);

let passed = 0;
let failed = 0;
const jest = read('jest.json');
const results = jest === undefined ? undefined : JSON.parse(jest);
if (results === undefined) {
  const testsStarted = stages.some(([name]) => name.startsWith('tests'));
  out.push('', testsStarted ? 'tests: jest wrote no results (it did not run to the end)' : 'tests: not run');
} else {
  // A suite that fails to load runs none of its tests: it counts as one failure, or the line would say 0 failed.
  const brokenSuites = results.testResults.filter((suite) => suite.testExecError || (suite.status === 'failed' && suite.assertionResults.length === 0));
  passed = results.numPassedTests;
  failed = results.numFailedTests + brokenSuites.length;
  out.push(
    '',
    `tests: ${results.numTotalTests} in ${results.numTotalTestSuites} suites — ${results.numPassedTests} passed, ${results.numFailedTests} failed, ` +
      `${results.numPendingTests} skipped, ${results.numTodoTests} todo`,
  );
  for (const suite of brokenSuites) out.push(`  suite failed to run: ${relative(suite.name)}`);
  for (const suite of results.testResults) {
    for (const test of suite.assertionResults.filter((t) => t.status === 'failed')) out.push(`  failed: ${relative(suite.name)} › ${[...test.ancestorTitles, test.title].join(' › ')}`);
  }

  // Skipped tests, grouped by file and top-level describe; the reason is the one the suite printed, if any.
  const reasons = new Map();
  for (const match of (read('tests.log') ?? '').matchAll(/^skipped "(.+?)": (.+)$/gm)) reasons.set(match[1], match[2]);
  const skipped = new Map();
  for (const suite of results.testResults) {
    for (const test of suite.assertionResults.filter((t) => t.status === 'pending')) {
      const name = test.ancestorTitles[0] ?? test.title;
      const key = `${relative(suite.name)} › ${name}`;
      const entry = skipped.get(key) ?? { name, count: 0 };
      entry.count += 1;
      skipped.set(key, entry);
    }
  }
  out.push('', skipped.size === 0 ? 'skipped suites: none' : 'skipped suites:');
  for (const [key, { name, count }] of skipped) {
    const reason = reasons.get(name) ?? 'no reason printed by the suite';
    reasons.delete(name);
    out.push(`  ${key} (${count} test${count === 1 ? '' : 's'}): ${reason}`);
  }
  // A suite that said it skipped but left no skipped test behind (for example one that registers no test at all).
  for (const [name, reason] of reasons) out.push(`  "${name}": ${reason}`);
}

// Coverage per threshold path (jest's own merged with the child processes', infra/coverage/run.mjs), from
// json-summary. Only when this run collected coverage: coverage/ may hold an older run's.
if (results?.coverageMap !== undefined && existsSync('coverage/coverage-summary.json')) {
  const summary = JSON.parse(readFileSync('coverage/coverage-summary.json', 'utf8'));
  const { COVERAGE_THRESHOLDS: thresholds, NOT_YET_HELD: notYetHeld } = await import(resolve('jest.config.js'));
  const { below, totalsUnder } = await import(resolve('infra/coverage/totals.mjs'));
  out.push('', 'coverage (lines, branches; threshold):');
  for (const [path, threshold] of [...Object.entries(thresholds), ...[...notYetHeld].map((name) => [`./${name}/`, {}])]) {
    const got = totalsUnder(path, summary);
    const missed = below(got, threshold);
    const mark = missed.length > 0 ? `  BELOW (${missed.join(', ')})` : '';
    const held = threshold.lines === undefined ? 'not held (runs in the browser; the browser tests drive it)' : `≥ ${threshold.lines} %`;
    out.push(`  ${path.padEnd(22)} ${got.lines.toFixed(1).padStart(5)} %  ${got.branches.toFixed(1).padStart(5)} %   ${held}${mark}`);
  }
}

out.push('', `${passed} passed, ${failed} failed`);
console.log(out.join('\n'));

function relative(file) {
  return file.startsWith(process.cwd() + sep) ? file.slice(process.cwd().length + 1) : file;
}
