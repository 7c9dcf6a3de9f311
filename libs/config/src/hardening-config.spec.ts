import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DOCUMENTED_PASSWORDS, loadConfig } from './app-config.js';

type Env = Record<string, string | undefined>;

/** The variable loadConfig refuses, or undefined when it accepts the configuration. */
function refusedVariable(env: Env): string | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
}

describe('production refuses default, published and placeholder values', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'casetrail-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const random32 = () => randomBytes(32).toString('base64');
  /** A production configuration that loads: each test changes one thing and expects that one refusal. */
  const production = (): Env => ({
    NODE_ENV: 'production',
    CASETRAIL_DATA_DIR: dir,
    CASETRAIL_MASTER_KEY: random32(),
    CASETRAIL_RECEIPT_PEPPER: random32(),
    CASETRAIL_PSEUDONYM_SECRET: random32(),
    CASETRAIL_ANCHOR_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    CASETRAIL_ADMIN_PASSWORD: 'Tamarind-river-lantern-42',
  });
  const refusal = (env: Env): ConfigError => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('loadConfig accepted the configuration');
  };

  it('loads the baseline', () => {
    const config = loadConfig(production());
    expect(config.production).toBe(true);
  });

  it('refuses a secret that equals a development secret of the data directory', () => {
    loadConfig({ CASETRAIL_DATA_DIR: dir });
    const dev = JSON.parse(readFileSync(join(dir, 'dev-secrets.json'), 'utf8')) as Record<string, string>;
    expect(refusal({ ...production(), CASETRAIL_MASTER_KEY: dev.CASETRAIL_MASTER_KEY })).toMatchObject({ variable: 'CASETRAIL_MASTER_KEY', message: expect.stringMatching(/development secret/) });
    // Under another name too: the development pepper used as the production master key.
    expect(refusal({ ...production(), CASETRAIL_MASTER_KEY: dev.CASETRAIL_RECEIPT_PEPPER }).variable).toBe('CASETRAIL_MASTER_KEY');
    expect(refusal({ ...production(), CASETRAIL_ANCHOR_SIGNING_KEY: dev.CASETRAIL_ANCHOR_SIGNING_KEY }).variable).toBe('CASETRAIL_ANCHOR_SIGNING_KEY');
    // The same directory with secrets of its own is fine.
    expect(loadConfig(production()).production).toBe(true);
  });

  it('refuses placeholder secrets that are not random', () => {
    for (const placeholder of [Buffer.alloc(32), Buffer.alloc(32, 'a'), Buffer.from('password'.repeat(4))]) {
      expect(refusal({ ...production(), CASETRAIL_RECEIPT_PEPPER: placeholder.toString('base64') })).toMatchObject({ variable: 'CASETRAIL_RECEIPT_PEPPER', message: expect.stringMatching(/not random/) });
    }
  });

  it('refuses one value for two secrets', () => {
    const env = production();
    expect(refusal({ ...env, CASETRAIL_PSEUDONYM_SECRET: env.CASETRAIL_MASTER_KEY }).message).toMatch(/must differ from/);
  });

  it('refuses a short, published or trivial admin password (development keeps its 12-character minimum)', () => {
    expect(refusal({ ...production(), CASETRAIL_ADMIN_PASSWORD: 'fifteen-chars15' }).message).toMatch(/at least 16/);
    for (const published of DOCUMENTED_PASSWORDS) {
      expect(refusal({ ...production(), CASETRAIL_ADMIN_PASSWORD: published.padEnd(16, published) }).variable).toBe('CASETRAIL_ADMIN_PASSWORD');
    }
    expect(refusal({ ...production(), CASETRAIL_ADMIN_PASSWORD: 'Change-Me-Right-Now' }).message).toMatch(/published/);
    expect(refusal({ ...production(), CASETRAIL_ADMIN_PASSWORD: 'abababababababababab' }).message).toMatch(/guessable/);
    // Unset: the first start generates one and prints it once.
    expect(loadConfig({ ...production(), CASETRAIL_ADMIN_PASSWORD: undefined }).adminPassword).toBeUndefined();
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_ADMIN_PASSWORD: 'twelve-chars' }).adminPassword).toBe('twelve-chars');
    expect(refusal({ CASETRAIL_DATA_DIR: dir, CASETRAIL_ADMIN_PASSWORD: 'eleven-char' }).variable).toBe('CASETRAIL_ADMIN_PASSWORD');
  });

  it('refuses backdated entry in production unless acknowledged', () => {
    expect(refusal({ ...production(), CASETRAIL_ALLOW_BACKDATED_ENTRY: 'true' }).variable).toBe('CASETRAIL_ALLOW_BACKDATED_ENTRY');
    expect(loadConfig({ ...production(), CASETRAIL_ALLOW_BACKDATED_ENTRY: 'true', CASETRAIL_ACKNOWLEDGE_BACKDATED_ENTRY: 'true' }).allowBackdatedEntry).toBe(true);
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_ALLOW_BACKDATED_ENTRY: 'true' }).allowBackdatedEntry).toBe(true);
  });
});

describe('hardening settings', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'casetrail-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('CASETRAIL_CORS_ORIGINS: empty by default; exact origins only; https in production', () => {
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir }).corsOrigins).toEqual([]);
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_CORS_ORIGINS: ' https://portal.example.go.th , http://localhost:5173,https://portal.example.go.th ' }).corsOrigins).toEqual([
      'https://portal.example.go.th',
      'http://localhost:5173',
    ]);
    for (const bad of ['*', 'https://*.example.go.th', 'https://portal.example.go.th/', 'https://portal.example.go.th/app', 'portal.example.go.th', 'ftp://portal.example.go.th', 'https://Portal.example.go.th', 'https://portal.example.go.th:443']) {
      expect({ bad, refused: refusedVariable({ CASETRAIL_DATA_DIR: dir, CASETRAIL_CORS_ORIGINS: bad }) }).toEqual({ bad, refused: 'CASETRAIL_CORS_ORIGINS' });
    }
    const prod = { NODE_ENV: 'production', CASETRAIL_DATA_DIR: dir, CASETRAIL_MASTER_KEY: randomBytes(32).toString('base64'), CASETRAIL_RECEIPT_PEPPER: randomBytes(32).toString('base64'), CASETRAIL_PSEUDONYM_SECRET: randomBytes(32).toString('base64'), CASETRAIL_ANCHOR_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
    expect(() => loadConfig({ ...prod, CASETRAIL_CORS_ORIGINS: 'http://portal.example.go.th' })).toThrow(/https in production/);
    expect(loadConfig({ ...prod, CASETRAIL_CORS_ORIGINS: 'https://portal.example.go.th' }).corsOrigins).toEqual(['https://portal.example.go.th']);
  });

  it('CASETRAIL_UPLOAD_LIMIT_BYTES: 25 MiB by default, a whole number between 1 KiB and 1 GiB', () => {
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir }).uploadLimitBytes).toBe(25 * 1024 * 1024);
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_UPLOAD_LIMIT_BYTES: '5000000' }).uploadLimitBytes).toBe(5_000_000);
    expect(() => loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_UPLOAD_LIMIT_BYTES: '25MB' })).toThrow(ConfigError);
    expect(() => loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_UPLOAD_LIMIT_BYTES: String(2 * 1024 * 1024 * 1024) })).toThrow(/between/);
  });

  it('CASETRAIL_SHUTDOWN_GRACE_MS: 10 s by default, a whole number of milliseconds up to 5 minutes', () => {
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir }).shutdownGraceMs).toBe(10_000);
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_SHUTDOWN_GRACE_MS: '0' }).shutdownGraceMs).toBe(0);
    expect(() => loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_SHUTDOWN_GRACE_MS: '10s' })).toThrow(/CASETRAIL_SHUTDOWN_GRACE_MS.*whole number/);
    expect(() => loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_SHUTDOWN_GRACE_MS: '300001' })).toThrow(/between/);
  });

  it('CASETRAIL_REPORTER_EXPIRY_SWEEP_MINUTES: hourly by default; 0 turns the in-process sweep off; at most a day', () => {
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir }).reporterExpirySweepMinutes).toBe(60);
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_REPORTER_EXPIRY_SWEEP_MINUTES: '0' }).reporterExpirySweepMinutes).toBe(0);
    expect(() => loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_REPORTER_EXPIRY_SWEEP_MINUTES: '1441' })).toThrow(/CASETRAIL_REPORTER_EXPIRY_SWEEP_MINUTES.*between/);
  });

  it('CASETRAIL_LOG_FILE is resolved to an absolute path; LOG_LEVEL must be a level', () => {
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir }).logFile).toBeUndefined();
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_LOG_FILE: join(dir, 'logs', 'app.log') }).logFile).toBe(join(dir, 'logs', 'app.log'));
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_LOG_FILE: 'relative.log' }).logFile).toBe(join(process.cwd(), 'relative.log'));
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadConfig({ CASETRAIL_DATA_DIR: dir, LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
  });
});
