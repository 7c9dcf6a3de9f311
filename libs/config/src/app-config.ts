import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
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
  /** Ed25519 private key (PKCS#8 DER) that signs the event-log anchors; its public half is published with each anchor. */
  readonly anchorSigningKey!: Buffer;
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
  /**
   * Agencies per province (and agency type), the denominator of "complaints per 100 agencies": the parsed
   * JSON of CASETRAIL_AGENCY_COUNTS_FILE, validated by the trends module (parseAgencyCounts). Unset: the
   * documented placeholder of 100 agencies per province is used and responses say so.
   */
  readonly agencyCounts?: unknown;

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
 * The development value of a secret: generated once and kept in the data directory's secrets file, so a
 * developer's data stays readable (and their anchors verifiable) across restarts.
 */
function devSecret(name: string, secretsFile: string, generate: () => string): string {
  const stored: Record<string, string> = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>) : {};
  if (!stored[name]) {
    stored[name] = generate();
    writeFileSync(secretsFile, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return stored[name]!;
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
  return Buffer.from(devSecret(name, secretsFile, () => randomBytes(32).toString('base64')), 'base64');
}

/**
 * An Ed25519 private key, PEM or base64 PKCS#8 DER, returned as PKCS#8 DER. Outside production, when
 * unset, one is generated once into the secrets file; production refuses to start without it.
 */
function signingKey(env: Env, name: string, production: boolean, secretsFile: string): Buffer {
  const rule = 'must be an Ed25519 private key, PEM or base64 PKCS#8 (openssl genpkey -algorithm ed25519)';
  const raw = env[name] || (production ? undefined : devSecret(name, secretsFile, () => generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')));
  if (!raw) throw new ConfigError(name, 'must be set in production (openssl genpkey -algorithm ed25519); development secrets are refused');
  try {
    const key = raw.includes('-----BEGIN') ? createPrivateKey(raw) : createPrivateKey({ key: Buffer.from(raw, 'base64'), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(name, rule);
    return key.export({ format: 'der', type: 'pkcs8' });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(name, rule);
  }
}

/** The parsed content of the JSON file the variable names. */
function jsonFile(env: Env, name: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(env[name]!), 'utf8')) as unknown;
  } catch (error) {
    throw new ConfigError(name, `must name a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
  }
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
    anchorSigningKey: signingKey(env, 'CASETRAIL_ANCHOR_SIGNING_KEY', production, secretsFile),
    adminPassword,
    bodyLimitBytes: integer(env, 'CASETRAIL_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    tokenTtlSeconds: integer(env, 'CASETRAIL_TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    closureApprovalRequired: boolean(env, 'CASETRAIL_CLOSURE_APPROVAL_REQUIRED', true),
    publicRateLimitPerMinute: integer(env, 'CASETRAIL_PUBLIC_RATE_LIMIT_PER_MINUTE', 30, 1, 100000),
    logLevel: env.LOG_LEVEL || 'info',
    allowBackdatedEntry: boolean(env, 'CASETRAIL_ALLOW_BACKDATED_ENTRY', false),
    ...(env.CASETRAIL_AGENCY_COUNTS_FILE ? { agencyCounts: jsonFile(env, 'CASETRAIL_AGENCY_COUNTS_FILE') } : {}),
  });
}
