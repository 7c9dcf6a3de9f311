import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The deployment files (Dockerfile, docker-compose.yml, docker-compose.dev.yml) checked against the code they
 * deploy. No Docker engine runs on our machines: .ci/run validates the compose schema and interpolation with
 * `docker-compose config`; this suite checks what a schema cannot see — commands that name files `npm run build`
 * produced (the test script builds first), health checks and start order, secrets without a committed value,
 * KurrentDB's insecure mode confined to the dev override, and every variable documented in docs/deployment.md.
 */

// js-yaml is already in the lock file (through jest and @nestjs/swagger); the suite needs only `load`,
// which resolves the YAML anchors and `<<` merge keys the compose file uses.
const yaml = createRequire(join(process.cwd(), 'package.json'))('js-yaml') as { load(text: string): unknown };

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  scale?: number;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const root = process.cwd();
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const composeText = read('docker-compose.yml');
const devText = read('docker-compose.dev.yml');
const compose = yaml.load(composeText) as ComposeFile;
const dev = yaml.load(devText) as ComposeFile;
const dockerfile = read('Dockerfile');
const deploymentDoc = read('docs/deployment.md');

/** The four production services, the port each listens on, and the servers each must wait for. */
const SERVICES: Record<string, { port: number; needs: string[] }> = {
  'command-api': { port: 3000, needs: ['kurrentdb', 'mongodb'] },
  'query-api': { port: 3001, needs: ['mongodb'] },
  relay: { port: 9464, needs: ['kafka', 'kurrentdb'] },
  projector: { port: 9465, needs: ['kafka', 'kurrentdb', 'mongodb'] },
};
const SERVERS = ['kurrentdb', 'kafka', 'mongodb'];
/** The services that connect to KurrentDB (the projector only to rebuild a changed projection from the log). */
const KURRENTDB_CLIENTS = Object.keys(SERVICES).filter((name) => SERVICES[name]!.needs.includes('kurrentdb'));
const SECRETS = [
  'CASETRAIL_MASTER_KEY',
  'CASETRAIL_RECEIPT_PEPPER',
  'CASETRAIL_PSEUDONYM_SECRET',
  'CASETRAIL_ANCHOR_SIGNING_KEY',
  'CASETRAIL_ADMIN_PASSWORD',
];

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

describe('Dockerfile', () => {
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ from: m[1]!, name: m[2] }));

  it('builds in several stages from one glibc Node 20 image, so native addons match the runtime', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const names = new Set(stages.map((s) => s.name).filter(Boolean));
    for (const stage of stages) expect(stage.from === '${NODE_IMAGE}' || names.has(stage.from)).toBe(true);
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(base).toMatch(/^node:20-bookworm(-slim)?$/);
  });

  it('installs runtime dependencies with npm ci --omit=dev in a stage of their own', () => {
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/COPY --from=deps \/app\/node_modules/);
    expect(runtime).not.toMatch(/npm ci(?! --omit=dev)/);
  });

  it('runs as the node user, owns only /data, and its default command is a file the build produced', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^WORKDIR \/app$/m);
    expect(runtime).toMatch(/chown node:node \/data/);
    const user = runtime.search(/^USER node$/m);
    const cmd = runtime.search(/^CMD /m);
    expect(user).toBeGreaterThan(0);
    expect(cmd).toBeGreaterThan(user);
    const command = JSON.parse(/^CMD (\[.*\])$/m.exec(runtime)![1]!) as string[];
    expect(command[0]).toBe('node');
    expect(existsSync(join(root, command[1]!))).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  it.each(Object.keys(SERVICES))('%s runs an entry point that npm run build produced', (name) => {
    const command = service(name).command;
    expect(command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
    expect(existsSync(join(root, command![1]!))).toBe(true);
  });

  it('every casetrail service runs the image built from ./Dockerfile, and every command exists in dist/', () => {
    const casetrail = Object.entries(compose.services).filter(([, s]) => s.command?.[0] === 'node');
    expect(casetrail.map(([name]) => name)).toEqual(expect.arrayContaining(Object.keys(SERVICES)));
    for (const [, s] of casetrail) {
      expect(s.image).toBe('${CASETRAIL_IMAGE:-casetrail:local}');
      expect(existsSync(join(root, s.command![1]!))).toBe(true);
    }
  });

  it.each(Object.entries(SERVICES))('%s listens on its PORT, is checked on /ready there, and waits for healthy servers', (name, { port, needs }) => {
    const s = service(name);
    expect(s.environment?.PORT).toBe(String(port));
    expect(s.environment?.HOST).toBe('0.0.0.0');
    expect(s.environment?.NODE_ENV).toBe('production');
    expect(s.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/ready`);
    expect(Object.keys(s.depends_on ?? {}).sort()).toEqual(needs);
    for (const dependency of Object.values(s.depends_on ?? {})) expect(dependency.condition).toBe('service_healthy');
  });

  it('gives each server a health check and named volumes for its data', () => {
    for (const name of SERVERS) {
      const s = service(name);
      expect(s.healthcheck?.test.length).toBeGreaterThan(1);
      const named = (s.volumes ?? []).map((v) => v.split(':')[0]!).filter((source) => compose.volumes?.[source] !== undefined);
      expect(named.length).toBeGreaterThan(0);
    }
    expect(service('mongodb').command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(service('mongodb').healthcheck?.test.join(' ')).toContain('rs.initiate');
    expect(service('kafka').environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(service('kurrentdb').environment?.KURRENTDB_CLUSTER_SIZE).toBe('1');
  });

  it('shares one /data volume between command-api and relay (the SQLite event log option needs it)', () => {
    const dataVolume = (name: string) => service(name).volumes?.find((v) => v.split(':')[1] === '/data')?.split(':')[0];
    expect(dataVolume('command-api')).toBeDefined();
    expect(dataVolume('relay')).toBe(dataVolume('command-api'));
    expect(service('relay').scale).toBe(1);
  });

  it('commits no secret: each is required from the environment with ${VAR:?…}', () => {
    for (const name of Object.keys(SERVICES)) {
      const env = service(name).environment ?? {};
      for (const secret of SECRETS) expect(env[secret]).toMatch(new RegExp(`^\\$\\{${secret}:\\?[^}]+\\}$`));
    }
    const kurrent = service('kurrentdb').environment ?? {};
    expect(kurrent.KURRENTDB_DEFAULT_ADMIN_PASSWORD).toMatch(/^\$\{KURRENTDB_ADMIN_PASSWORD:\?[^}]+\}$/);
    expect(kurrent.KURRENTDB_DEFAULT_OPS_PASSWORD).toMatch(/^\$\{KURRENTDB_OPS_PASSWORD:\?[^}]+\}$/);
    expect(service('command-api').environment?.KURRENTDB_URL).toMatch(/^kurrentdb:\/\/admin:\$\{KURRENTDB_ADMIN_PASSWORD:\?[^}]+\}@/);
    // Nothing anywhere that looks like a key: no PEM block, no 32-byte base64 value, no other default for a
    // variable whose name says secret.
    for (const text of [composeText, devText, dockerfile]) {
      expect(text).not.toMatch(/-----BEGIN/);
      expect(text).not.toMatch(/[A-Za-z0-9+/]{43}=/);
      expect(text).not.toMatch(/\$\{[A-Z0-9_]*(SECRET|PASSWORD|PEPPER|_KEY):?-/);
    }
  });

  it('keeps KurrentDB on TLS with a password unless docker-compose.dev.yml is named', () => {
    const kurrent = service('kurrentdb');
    expect(kurrent.environment?.KURRENTDB_INSECURE).toBe('false');
    expect(kurrent.environment?.KURRENTDB_CERTIFICATE_FILE).toMatch(/^\/etc\/kurrentdb\/certs\//);
    expect(kurrent.ports).toBeUndefined();
    expect(composeText).not.toMatch(/tls=false/);
    expect(composeText).not.toMatch(/CASETRAIL_ALLOW_INSECURE_KURRENTDB/);
    for (const name of KURRENTDB_CLIENTS) {
      expect(service(name).environment?.KURRENTDB_URL).toMatch(/\?tls=true&tlsCAFile=\/etc\/casetrail\/kurrentdb-ca\/ca\.crt$/);
      expect(service(name).volumes).toContainEqual(expect.stringMatching(/:\/etc\/casetrail\/kurrentdb-ca:ro$/));
    }
  });

  it('the dev override switches KurrentDB and every one of its clients to plaintext, and sets no secret', () => {
    expect(dev.services.kurrentdb?.environment?.KURRENTDB_INSECURE).toBe('true');
    for (const name of KURRENTDB_CLIENTS) {
      expect(dev.services[name]?.environment?.KURRENTDB_URL).toBe('kurrentdb://kurrentdb:2113?tls=false');
      expect(dev.services[name]?.environment?.CASETRAIL_ALLOW_INSECURE_KURRENTDB).toBe('true');
    }
    for (const s of Object.values(dev.services)) for (const secret of [...SECRETS, 'KURRENTDB_DEFAULT_ADMIN_PASSWORD']) expect(s.environment?.[secret]).toBeUndefined();
  });

  it('documents in docs/deployment.md every variable compose reads and every one it passes to casetrail', () => {
    const code = `${composeText}\n${devText}`.split('\n').filter((line) => !line.trimStart().startsWith('#'));
    const interpolated = code.flatMap((line) => [...line.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!));
    const passed = Object.values(compose.services)
      .filter((s) => s.command?.[0] === 'node')
      .flatMap((s) => Object.keys(s.environment ?? {}));
    const undocumented = [...new Set([...interpolated, ...passed])].filter((name) => !deploymentDoc.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});
