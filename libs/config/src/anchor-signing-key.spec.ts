import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';

describe('CASETRAIL_ANCHOR_SIGNING_KEY', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'casetrail-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const secrets = {
    CASETRAIL_MASTER_KEY: randomBytes(32).toString('base64'),
    CASETRAIL_RECEIPT_PEPPER: randomBytes(32).toString('base64'),
    CASETRAIL_PSEUDONYM_SECRET: randomBytes(32).toString('base64'),
  };
  const ed25519 = () => generateKeyPairSync('ed25519').privateKey;

  it('reads PEM or base64 PKCS#8 and keeps PKCS#8 DER', () => {
    const key = ed25519();
    const der = key.export({ format: 'der', type: 'pkcs8' });
    const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_ANCHOR_SIGNING_KEY: pem }).anchorSigningKey).toEqual(der);
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_ANCHOR_SIGNING_KEY: der.toString('base64') }).anchorSigningKey).toEqual(der);
  });

  it('refuses another kind of key, or garbage', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_ANCHOR_SIGNING_KEY: ec })).toThrow(ConfigError);
    expect(() => loadConfig({ CASETRAIL_DATA_DIR: dir, CASETRAIL_ANCHOR_SIGNING_KEY: 'bm90IGEga2V5' })).toThrow(/Ed25519/);
  });

  it('is generated once into dev-secrets.json in development, and required in production', () => {
    const first = loadConfig({ CASETRAIL_DATA_DIR: dir }).anchorSigningKey;
    expect(createPrivateKey({ key: first, format: 'der', type: 'pkcs8' }).asymmetricKeyType).toBe('ed25519');
    expect(loadConfig({ CASETRAIL_DATA_DIR: dir }).anchorSigningKey).toEqual(first);
    expect(JSON.parse(readFileSync(join(dir, 'dev-secrets.json'), 'utf8')).CASETRAIL_ANCHOR_SIGNING_KEY).toBe(first.toString('base64'));
    expect(() => loadConfig({ NODE_ENV: 'production', CASETRAIL_DATA_DIR: dir, ...secrets })).toThrow(/CASETRAIL_ANCHOR_SIGNING_KEY: must be set in production/);
    const key = ed25519().export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(loadConfig({ NODE_ENV: 'production', CASETRAIL_DATA_DIR: dir, ...secrets, CASETRAIL_ANCHOR_SIGNING_KEY: key }).production).toBe(true);
  });
});
