import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
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
  /** Server secret of the reporter pseudonyms (HMAC key): investigators see "Amber Heron 417", never who it is. */
  readonly pseudonymSecret!: Buffer;
  /** Ed25519 private key (PKCS#8 DER) that signs the event-log anchors; its public half is published with each anchor. */
  readonly anchorSigningKey!: Buffer;
  /** Password of the `admin` user created on first start; generated and printed once when unset. */
  readonly adminPassword!: string | undefined;
  readonly bodyLimitBytes!: number;
  /**
   * On shutdown, how long answers still being sent (a download to a slow or stalled client) may take before
   * their connections are cut; idle connections close at once. Default 10 s, under an orchestrator's usual 30 s.
   */
  readonly shutdownGraceMs!: number;
  /** Largest file accepted by an upload (multipart) route, in bytes; the JSON body limit does not apply to uploads. */
  readonly uploadLimitBytes!: number;
  /** Attachments a tip may hold in all (those sent with the tip included); reporter uploads beyond it get 409. */
  readonly tipMaxAttachments!: number;
  /** Total bytes of a tip's attachments. */
  readonly tipMaxAttachmentBytes!: number;
  /** Reporter messages per tip and UTC day. */
  readonly reporterMessagesPerDay!: number;
  /** Reporter writes (messages, identity, uploads, rotation) per session in any minute. */
  readonly reporterWritesPerMinute!: number;
  /** Reporter writes per tip (all its sessions) in any hour. */
  readonly reporterWritesPerHour!: number;
  /**
   * Whose `X-Forwarded-For` to believe for the client address (Fastify `trustProxy`): the reverse proxies'
   * addresses / CIDR ranges. Unset: nobody's — the socket's peer is the client.
   */
  readonly trustProxy?: readonly string[];
  /**
   * Origins (scheme://host[:port], exact match) whose browser scripts may call the API. Empty (the default):
   * no CORS headers at all and preflight requests are refused.
   */
  readonly corsOrigins!: readonly string[];
  /** When set, the structured log goes to this file (created 0600, appended) instead of stdout. */
  readonly logFile?: string;
  /** The built web app (vite's output): served at / (staff) and /report (public) when its index.html is there. */
  readonly webDir!: string;
  readonly tokenTtlSeconds!: number;
  readonly closureApprovalRequired!: boolean;
  /** Requests per minute per client on public routes (tip intake, login). */
  readonly publicRateLimitPerMinute!: number;
  /** Lifetime of a reporter token (POST /reporter/session), in minutes. */
  readonly reporterSessionMinutes!: number;
  /** Reporter access ends after this many days without a session (independent of data retention). */
  readonly reporterInactivityDays!: number;
  /**
   * Minutes between runs of the in-process sweep that records lapsed reporter access (first run a minute after
   * start). 0: no sweep in this process — run `npm run cli -- reporters expire` from a scheduler instead.
   */
  readonly reporterExpirySweepMinutes!: number;
  readonly logLevel!: string;
  /** Accept staff commands with `X-Occurred-At` (entering records of past years; the demo). Off by default. */
  readonly allowBackdatedEntry!: boolean;
  /**
   * Agencies per province (and agency type), the denominator of "complaints per 100 agencies": the parsed
   * JSON of CASETRAIL_AGENCY_COUNTS_FILE, validated by the trends module (parseAgencyCounts). Unset: the
   * documented placeholder of 100 agencies per province is used and responses say so.
   */
  readonly agencyCounts?: unknown;
  /**
   * Years a closed case is kept, per disposition: the parsed JSON of CASETRAIL_RETENTION_YEARS (e.g.
   * `{"substantiated_criminal": 20}`), validated by the retention service (parseRetentionSchedule) over its
   * documented default table. Unset: the defaults (docs/personal-data.md), which the office must confirm.
   */
  readonly retentionYears?: unknown;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

type Env = Record<string, string | undefined>;

/** A whole number from the environment, within [min, max]; the fallback when unset. */
export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Exact origins: scheme://host[:port] as the browser sends it in `Origin` (no path, no trailing slash, no wildcard). */
function corsOrigins(env: Env, production: boolean): string[] {
  const name = 'CASETRAIL_CORS_ORIGINS';
  const origins = (env[name] ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin || origin.includes('*')) {
      throw new ConfigError(name, `"${origin}" is not an exact origin: write scheme://host[:port] with no path, trailing slash or wildcard, comma-separated`);
    }
    if (production && url.protocol !== 'https:') throw new ConfigError(name, `"${origin}" must use https in production`);
  }
  return [...new Set(origins)];
}

/** Named ranges proxy-addr understands. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * CASETRAIL_TRUST_PROXY: a comma-separated list of the reverse proxies' addresses, CIDR ranges (`10.0.0.0/8`,
 * `fd00::/8`) or the names loopback, linklocal, uniquelocal. Never "trust everyone" (`true`, `*`, a /0 range):
 * any client could then choose its own address, and with it its own throttle bucket. Not a hop count either:
 * a count cannot tell a proxy from a client that sends its own X-Forwarded-For (Fastify ignores counts).
 */
function trustProxy(env: Env): string[] | undefined {
  const name = 'CASETRAIL_TRUST_PROXY';
  const raw = (env[name] ?? '').trim();
  if (raw === '' || raw === 'false') return undefined;
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 6 ? 128 : 32));
    if (PROXY_RANGE_NAMES.includes(entry)) continue;
    if (family === 0 || extra !== undefined || !validPrefix) {
      throw new ConfigError(name, `"${entry}" is not a proxy address: write the reverse proxies' addresses or CIDR ranges (10.0.0.5, 10.0.0.0/8; not /0), or loopback, linklocal, uniquelocal, comma-separated — never true, * or a hop count`);
    }
  }
  return [...new Set(entries)];
}

/** Admin passwords published in this repository (README, infra/README, tests): never acceptable in production. */
export const DOCUMENTED_PASSWORDS: readonly string[] = ['change-me-right-now', 'demo-admin-password', 'admin-password-for-tests'];
export const PRODUCTION_ADMIN_PASSWORD_MIN_LENGTH = 16;

/**
 * Production refuses values that are known, published or obviously not random, on top of the refusal of
 * missing secrets: a secret equal to a development value in the data directory's dev-secrets.json, a
 * 32-byte secret with fewer than 16 distinct byte values (a placeholder such as all zeros or "aaaa…"), one
 * value used for two secrets, an admin password that is short or published, and backdated entry without an
 * explicit acknowledgement.
 */
function refuseDevelopmentValues(env: Env, config: AppConfig, secretsFile: string): void {
  // Every secret of the configuration is a Buffer field; its variable is CASETRAIL_ + the field in capitals.
  const variable = (field: string) => `CASETRAIL_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
  const configured = Object.entries(config)
    .filter((entry): entry is [string, Buffer] => Buffer.isBuffer(entry[1]))
    .map(([field, value]) => [variable(field), value] as const);
  if (existsSync(secretsFile)) {
    let stored: Record<string, unknown> = {};
    try {
      stored = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, unknown>;
    } catch {
      stored = {};
    }
    const devValues = Object.values(stored).filter((value): value is string => typeof value === 'string').map((value) => Buffer.from(value, 'base64'));
    for (const [name, value] of configured) {
      if (devValues.some((dev) => dev.equals(value))) throw new ConfigError(name, `equals a development secret from ${secretsFile}; production needs its own (and that file does not belong in a production data directory)`);
    }
  }
  const symmetric = configured.filter(([, value]) => value.length === 32);
  for (const [name, value] of symmetric) {
    if (new Set(value).size < 16) throw new ConfigError(name, 'is not random (a placeholder?); generate one with openssl rand -base64 32');
    const twin = symmetric.find(([other, otherValue]) => other !== name && otherValue.equals(value));
    if (twin) throw new ConfigError(name, `must differ from ${twin[0]} (one secret, one purpose)`);
  }
  const password = config.adminPassword;
  if (password !== undefined) {
    if (password.length < PRODUCTION_ADMIN_PASSWORD_MIN_LENGTH) throw new ConfigError('CASETRAIL_ADMIN_PASSWORD', `must be at least ${PRODUCTION_ADMIN_PASSWORD_MIN_LENGTH} characters in production`);
    if (DOCUMENTED_PASSWORDS.includes(password.toLowerCase()) || new Set(password).size < 5) throw new ConfigError('CASETRAIL_ADMIN_PASSWORD', 'is a published example or trivially guessable; choose another (or leave it unset to have one generated)');
  }
  if (config.allowBackdatedEntry && !boolean(env, 'CASETRAIL_ACKNOWLEDGE_BACKDATED_ENTRY', false)) {
    throw new ConfigError('CASETRAIL_ALLOW_BACKDATED_ENTRY', 'lets staff set when past events happened; in production also set CASETRAIL_ACKNOWLEDGE_BACKDATED_ENTRY=true (for the migration of paper records only)');
  }
}

/** The variable's value parsed as JSON. */
function jsonValue(env: Env, name: string): unknown {
  try {
    return JSON.parse(env[name]!) as unknown;
  } catch {
    throw new ConfigError(name, 'must be valid JSON');
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
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const config = new AppConfig({
    production,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir,
    officeCode,
    masterKey: secret(env, 'CASETRAIL_MASTER_KEY', production, secretsFile),
    receiptPepper: secret(env, 'CASETRAIL_RECEIPT_PEPPER', production, secretsFile),
    pseudonymSecret: secret(env, 'CASETRAIL_PSEUDONYM_SECRET', production, secretsFile),
    anchorSigningKey: signingKey(env, 'CASETRAIL_ANCHOR_SIGNING_KEY', production, secretsFile),
    adminPassword,
    bodyLimitBytes: integer(env, 'CASETRAIL_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    shutdownGraceMs: integer(env, 'CASETRAIL_SHUTDOWN_GRACE_MS', 10_000, 0, 300_000),
    uploadLimitBytes: integer(env, 'CASETRAIL_UPLOAD_LIMIT_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    tipMaxAttachments: integer(env, 'CASETRAIL_TIP_MAX_ATTACHMENTS', 20, 1, 1000),
    tipMaxAttachmentBytes: integer(env, 'CASETRAIL_TIP_MAX_ATTACHMENT_BYTES', 100 * 1024 * 1024, 1024, 64 * 1024 * 1024 * 1024),
    reporterMessagesPerDay: integer(env, 'CASETRAIL_REPORTER_MESSAGES_PER_DAY', 20, 1, 10000),
    reporterWritesPerMinute: integer(env, 'CASETRAIL_REPORTER_WRITES_PER_MINUTE', 10, 1, 10000),
    reporterWritesPerHour: integer(env, 'CASETRAIL_REPORTER_WRITES_PER_HOUR', 60, 1, 100000),
    ...(() => {
      const proxies = trustProxy(env);
      return proxies === undefined ? {} : { trustProxy: proxies };
    })(),
    corsOrigins: corsOrigins(env, production),
    ...(env.CASETRAIL_LOG_FILE ? { logFile: resolve(env.CASETRAIL_LOG_FILE) } : {}),
    webDir: resolve(env.CASETRAIL_WEB_DIR || 'dist/web'),
    tokenTtlSeconds: integer(env, 'CASETRAIL_TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    closureApprovalRequired: boolean(env, 'CASETRAIL_CLOSURE_APPROVAL_REQUIRED', true),
    publicRateLimitPerMinute: integer(env, 'CASETRAIL_PUBLIC_RATE_LIMIT_PER_MINUTE', 30, 1, 100000),
    reporterSessionMinutes: integer(env, 'CASETRAIL_REPORTER_SESSION_MINUTES', 30, 1, 24 * 60),
    reporterInactivityDays: integer(env, 'CASETRAIL_REPORTER_INACTIVITY_DAYS', 180, 2, 3650),
    reporterExpirySweepMinutes: integer(env, 'CASETRAIL_REPORTER_EXPIRY_SWEEP_MINUTES', 60, 0, 1440),
    logLevel,
    allowBackdatedEntry: boolean(env, 'CASETRAIL_ALLOW_BACKDATED_ENTRY', false),
    ...(env.CASETRAIL_AGENCY_COUNTS_FILE ? { agencyCounts: jsonFile(env, 'CASETRAIL_AGENCY_COUNTS_FILE') } : {}),
    ...(env.CASETRAIL_RETENTION_YEARS ? { retentionYears: jsonValue(env, 'CASETRAIL_RETENTION_YEARS') } : {}),
  });
  if (production) refuseDevelopmentValues(env, config, secretsFile);
  return config;
}
