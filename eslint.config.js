// Lint = layering. Each rule's message says what the layer may import instead.
import tseslint from 'typescript-eslint';

const ADAPTER_FAMILIES = ['sqlite', 'kurrentdb', 'kafka', 'mongodb'];
const DRIVERS = ['better-sqlite3', '@kurrent/*', '@eventstore/*', 'kafkajs', 'mongodb'];
// '#' starts a comment in gitignore-style `group` patterns, so internal libs are matched by regex.
const internal = (names) => `^#(${names.join('|')})$`;

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          regex: '^(?!\\.{1,2}/)',
          message: 'libs/domain is pure: it imports only its own files (relative paths) — no @nestjs/*, no Node I/O, no adapters, no packages.',
        },
      ]),
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'libs/domain reads no clock: time arrives with the command (meta.at).' },
        { object: 'Math', property: 'random', message: 'libs/domain uses no randomness: ids arrive with the command.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'libs/domain reads no clock: time arrives with the command (meta.at).' },
      ],
    },
  },
  {
    files: ['libs/application/**/*.ts'],
    ignores: ['libs/application/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: internal([...ADAPTER_FAMILIES, 'http', 'config', 'testing', 'production', 'standalone']), message: 'libs/application imports the domain and its own ports only; adapters implement the ports.' },
        { group: DRIVERS, message: 'libs/application never talks to a driver; an adapter in libs/<tech> does.' },
      ]),
    },
  },
  ...ADAPTER_FAMILIES.map((family) => ({
    files: [`libs/${family}/**/*.ts`],
    ignores: [`libs/${family}/**/*.spec.ts`],
    rules: {
      'no-restricted-imports': restrict([
        { regex: internal([...ADAPTER_FAMILIES.filter((f) => f !== family), 'http', 'testing', 'production', 'standalone']), message: `libs/${family} is an adapter: it implements ports of #application and never imports another adapter.` },
        { regex: '^\\.\\./\\.\\./', message: 'reach other libs through their #name, not by relative path.' },
      ]),
    },
  })),
  {
    // The HTTP API is the driving adapter: it calls #application and never reaches a storage adapter or the test kit.
    files: ['libs/http/**/*.ts'],
    ignores: ['libs/http/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: internal([...ADAPTER_FAMILIES, 'testing', 'production', 'standalone']), message: 'libs/http calls #application; the composition (libs/production, apps/standalone) wires the adapters in.' },
        { group: DRIVERS, message: 'libs/http never talks to a driver; an adapter in libs/<tech> does.' },
      ]),
    },
  },
  {
    // The test kit (in-memory store, contracts) stands in for adapters: it never depends on one.
    files: ['libs/testing/**/*.ts'],
    ignores: ['libs/testing/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: internal([...ADAPTER_FAMILIES, 'http', 'production', 'standalone']), message: 'libs/testing depends on #domain and #application only.' },
        { group: DRIVERS, message: 'libs/testing never talks to a driver; an adapter in libs/<tech> does.' },
      ]),
    },
  },
  {
    // The production profile's composition: it wires every adapter into services, so it may import them all.
    files: ['libs/production/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: internal(['testing']), message: 'libs/production runs in the services: never the test kit.' },
        { regex: '^\\.\\./\\.\\./', message: 'reach other libs through their #name, not by relative path.' },
      ]),
    },
  },
  {
    files: ['apps/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: '(^|/)libs/', message: 'apps import libs through their #name (package.json "imports"), never by path.' },
      ]),
    },
  },
  {
    // The web app runs in a browser: reference data from the pure domain only, nothing of the server's.
    files: ['apps/web/src/**/*.ts', 'apps/web/src/**/*.tsx'],
    ignores: ['apps/web/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: internal(['application', ...ADAPTER_FAMILIES, 'http', 'config', 'testing', 'production', 'standalone']), message: 'apps/web runs in the browser: it reaches the server through the HTTP API (shared/api.ts) and imports only #domain (pure reference data).' },
        { regex: '^node:', message: 'apps/web runs in the browser: no Node modules.' },
        { regex: '(^|/)libs/', message: 'apps/web imports the domain as #domain, never by path.' },
      ]),
    },
  },
);
