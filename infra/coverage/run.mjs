// `npm run test:coverage`: the test suite with coverage, and the coverage gate (issue 8).
//
// Much of the code runs in child processes started from dist/ — the services, the CLI, the crash suites —
// where jest's own coverage cannot see it. So jest runs with CASETRAIL_CHILD_COVERAGE_DIR set: every Node
// child a suite starts writes its V8 coverage there (test/support/child-coverage.ts). Afterwards the
// children's coverage of dist/{apps,libs} is merged per script (@bcoe/v8-coverage), mapped back to the
// TypeScript sources through tsc's source maps (v8-to-istanbul, as jest and c8 do), and added to jest's
// (istanbul-lib-coverage). Then the merged reports are written to coverage/ (json, json-summary, coverage.txt)
// and each lib and app is held to its threshold (COVERAGE_THRESHOLDS in jest.config.js).
//
// Arguments go to jest. Exit code: jest's when it failed, else 1 when a threshold is missed, else 0.
import { mergeProcessCovs } from '@bcoe/v8-coverage';
import libCoverage from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8ToIstanbul from 'v8-to-istanbul';
import { COVERAGE_THRESHOLDS } from '../../jest.config.js';
import { below, totalsUnder } from './totals.mjs';

const coverageDir = resolve('coverage');
const childDir = join(coverageDir, 'children');
rmSync(coverageDir, { recursive: true, force: true });
mkdirSync(childDir, { recursive: true });

const jestCode = await new Promise((done) => {
  const jest = spawn('npm', ['test', '--', '--coverage', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, CASETRAIL_CHILD_COVERAGE_DIR: childDir } });
  jest.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
});

const finalFile = join(coverageDir, 'coverage-final.json');
if (!existsSync(finalFile)) {
  console.error('coverage: jest wrote no coverage/coverage-final.json');
  process.exit(jestCode || 1);
}
// jest's map holds every file coverage is collected from (collectCoverageFrom), tested or not.
const coverageMap = libCoverage.createCoverageMap(JSON.parse(readFileSync(finalFile, 'utf8')));
const collected = new Set(coverageMap.files());

const started = Date.now();
const ours = new RegExp(`^${escape(pathToFileURL(resolve('dist')).href)}/(apps|libs)/[^/]+/src/.+\\.js$`);
const processes = [];
for (const name of readdirSync(childDir)) {
  const { result } = JSON.parse(readFileSync(join(childDir, name), 'utf8'));
  processes.push({ result: result.filter((script) => ours.test(script.url)) });
}
let scripts = 0;
for (const script of mergeProcessCovs(processes).result) {
  const converter = v8ToIstanbul(fileURLToPath(script.url));
  await converter.load();
  converter.applyCoverage(script.functions);
  for (const [file, data] of Object.entries(converter.toIstanbul())) {
    // The same files as jest's: a type-only module or one outside collectCoverageFrom stays out.
    if (collected.has(file)) coverageMap.merge({ [file]: data });
  }
  converter.destroy();
  scripts++;
}
console.log(`\ncoverage: ${processes.length} child-process reports, ${scripts} scripts of dist/ merged into jest's in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const context = libReport.createContext({ dir: coverageDir, coverageMap });
for (const [name, options] of [['json', {}], ['json-summary', {}], ['text', { file: 'coverage.txt' }], ['text-summary', {}]]) {
  reports.create(name, options).execute(context);
}

const summary = JSON.parse(readFileSync(join(coverageDir, 'coverage-summary.json'), 'utf8'));
const misses = [];
for (const [path, threshold] of Object.entries(COVERAGE_THRESHOLDS)) {
  const got = totalsUnder(path, summary);
  for (const metric of below(got, threshold)) misses.push(`${path} ${metric} ${got[metric].toFixed(2)} % < ${threshold[metric]} %`);
}
for (const miss of misses) console.error(`coverage threshold missed: ${miss}`);
process.exit(jestCode || (misses.length > 0 ? 1 : 0));

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
