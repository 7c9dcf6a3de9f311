import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class ConfigError extends Error {
  constructor(readonly variable: string, rule: string) {
    super(`configuration ${variable}: ${rule}`);
    this.name = 'ConfigError';
  }
}

/**
 * Everything casetrail reads from its environment, read and validated once (`loadConfig`) and injected
 * as this class. Nothing else reads process.env.
 */
export class AppConfig {
  readonly production!: boolean;
  readonly port!: number;
  readonly host!: string;
  readonly dataDir!: string;
  /** Office code used in case and tip numbers (PACC4-2566-000123). */
  readonly officeCode!: string;
  /** Wraps every data key of the key vault. */
  readonly masterKey!: Buffer;
  /** Server secret mixed into receipt hashes and receipt look-ups; never stored beside the data. */
  readonly receiptPepper!: Buffer;
  /** Password of the `admin` user created on first start; generated and printed once when unset. */
  readonly adminPassword!: string | undefined;
  readonly bodyLimitBytes!: number;
  readonly tokenTtlSeconds!: number;
  readonly closureApprovalRequired!: boolean;
  /** Requests per minute per client on public routes (tip intake, login). */
  readonly publicRateLimitPerMinute!: number;
  readonly logLevel!: string;
  /** Accept staff commands with `X-Occurred-At` (entering records of past years; the demo). Off by default. */
  readonly allowBackdatedEntry!: boolean;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, 'must be true or false');
}

/**
 * A 32-byte secret from base64 configuration. Outside production, when unset, one is generated once and
 * kept in the data directory's secrets file (so a developer's data stays readable across restarts);
 * production refuses to start without it.
 */
function secret(env: Env, name: string, production: boolean, secretsFile: string): Buffer {
  const raw = env[name];
  if (raw) {
    const value = Buffer.from(raw, 'base64');
    if (value.length !== 32) throw new ConfigError(name, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');
    return value;
  }
  if (production) throw new ConfigError(name, 'must be set in production (openssl rand -base64 32); development secrets are refused');
  const stored: Record<string, string> = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>) : {};
  if (!stored[name]) {
    stored[name] = randomBytes(32).toString('base64');
    writeFileSync(secretsFile, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return Buffer.from(stored[name]!, 'base64');
}

export function loadConfig(env: Env = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const dataDir = resolve(env.CASETRAIL_DATA_DIR || './data');
  mkdirSync(dataDir, { recursive: true });
  const secretsFile = join(dataDir, 'dev-secrets.json');
  const officeCode = env.CASETRAIL_OFFICE_CODE || 'PACC4';
  if (!/^[A-Z0-9]{2,12}$/.test(officeCode)) throw new ConfigError('CASETRAIL_OFFICE_CODE', 'must be 2–12 capital letters or digits');
  const adminPassword = env.CASETRAIL_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 12) throw new ConfigError('CASETRAIL_ADMIN_PASSWORD', 'must be at least 12 characters');
  return new AppConfig({
    production,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir,
    officeCode,
    masterKey: secret(env, 'CASETRAIL_MASTER_KEY', production, secretsFile),
    receiptPepper: secret(env, 'CASETRAIL_RECEIPT_PEPPER', production, secretsFile),
    adminPassword,
    bodyLimitBytes: integer(env, 'CASETRAIL_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    tokenTtlSeconds: integer(env, 'CASETRAIL_TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    closureApprovalRequired: boolean(env, 'CASETRAIL_CLOSURE_APPROVAL_REQUIRED', true),
    publicRateLimitPerMinute: integer(env, 'CASETRAIL_PUBLIC_RATE_LIMIT_PER_MINUTE', 30, 1, 100000),
    logLevel: env.LOG_LEVEL || 'info',
    allowBackdatedEntry: boolean(env, 'CASETRAIL_ALLOW_BACKDATED_ENTRY', false),
  });
}
