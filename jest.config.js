// Jest runs in native ESM mode (NestJS 12 ships ESM only); SWC strips types, `npm run typecheck` checks them.
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
  testTimeout: 60000,
};
