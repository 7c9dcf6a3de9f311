// Jest runs in native ESM mode (NestJS 12 ships ESM only); SWC strips types, `npm run typecheck` checks them.
import { readFileSync, readdirSync } from 'node:fs';
import { transformSync } from '@swc/core';

const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

// ES-module-only packages that CommonJS dependencies require(): Node 20 loads them (require(esm)), jest's
// CommonJS loader cannot, so jest gets a CommonJS build of them from SWC.
const ESM_REQUIRED_FROM_CJS = ['content-disposition'];

// Coverage thresholds (issue 8), each over a whole directory: the domain is pure and cheap to test, the
// application layer nearly so; every other lib and app is held to 75 % from its first commit. They are checked
// by `npm run test:coverage` (infra/coverage/run.mjs) on jest's coverage merged with that of the child
// processes the suites start from dist/ (services, CLI, crash children), which jest alone cannot see.
const COVERAGE = { 'libs/domain': 95, 'libs/application': 85 };
// Reported in the CI summary without a threshold: apps/web runs in Chromium, where jest sees only its pure
// helpers (formats, catalogues); the browser tests drive the rest.
export const NOT_YET_HELD = new Set(['apps/web']);
export const COVERAGE_THRESHOLDS = Object.fromEntries(
  ['libs', 'apps'].flatMap((parent) =>
    readdirSync(new URL(parent, import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !NOT_YET_HELD.has(`${parent}/${entry.name}`))
      .map((entry) => {
        const percent = COVERAGE[`${parent}/${entry.name}`] ?? 75;
        // A path with a trailing slash is one group (a glob would hold every file to it alone).
        return [`./${parent}/${entry.name}/`, { lines: percent, branches: percent }];
      }),
  ),
);

// A module of types only compiles to nothing and is never loaded, so v8 would count each of its lines as missed:
// such modules are left out of coverage. Worked out only when coverage is asked for (it costs about a second).
const COVERAGE_ASKED = process.argv.some((arg) => /^--(coverage|collectCoverage)(=true)?$/.test(arg));
const SOURCES = ['apps', 'libs'].flatMap((parent) =>
  readdirSync(new URL(parent, import.meta.url), { recursive: true })
    .map((file) => `${parent}/${file}`)
    .filter((file) => /^(apps|libs)\/[^/]+\/src\/.+(?<!\.spec)\.ts$/.test(file)),
);
const typeOnly = (file) =>
  transformSync(readFileSync(new URL(file, import.meta.url), 'utf8'), { ...swc, sourceMaps: false, filename: file })
    .code.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')
    .replace(/export\s*\{\s*\};?/g, '')
    .trim() === '';
const typeOnlyModules = COVERAGE_ASKED ? SOURCES.filter(typeOnly) : [];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    [`node_modules/(${ESM_REQUIRED_FROM_CJS.join('|')})/.+\\.js$`]: ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_REQUIRED_FROM_CJS.join('|')})/)`],
  moduleNameMapper: {
    '^#(domain|application|sqlite|testing|config|http)$': '<rootDir>/libs/$1/src/index.ts',
    '^#mongodb$': '<rootDir>/libs/mongodb/src/index.ts',
    '^#kafka$': '<rootDir>/libs/kafka/src/index.ts',
    '^#kurrentdb$': '<rootDir>/libs/kurrentdb/src/index.ts',
    '^#production$': '<rootDir>/libs/production/src/index.ts',
    '^#standalone$': '<rootDir>/apps/standalone/src/standalone.ts',
    '^#application/event-store/envelope$': '<rootDir>/libs/application/src/event-store/envelope.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  maxWorkers: 2,
  // Off unless asked (`npm run test:coverage`, which CI runs, merges the child processes' coverage and holds
  // the thresholds). v8 counts what the SWC-built code executed, mapped back through the inline source maps.
  coverageProvider: 'v8',
  collectCoverageFrom: ['{apps,libs}/*/src/**/*.ts', '!**/*.spec.ts', ...typeOnlyModules.map((file) => `!${file}`)],
  coverageReporters: ['json'],
  // With coverage on, child processes started by the suites write theirs too (test/support/child-coverage.ts).
  setupFiles: ['<rootDir>/test/support/child-coverage.ts'],
  testTimeout: 60000,
};
