/**
 * The load generator of `npm run bench:http`, run by it in a child process of its own so that autocannon
 * does not share the server's process (nor the bench driver's event loop).
 *
 *   node dist/test/bench/bench-http-load.js <scenario.json> <result.json>
 *
 * The scenario names the URL, connections, duration, method, headers and body; with `caseIdsFile` (one
 * case id a line) every request goes to `POST {pathTemplate}` with `{id}` replaced by the next case id,
 * round-robin, so 64 connections spread over all the cases. The result is autocannon's result object,
 * plus up to five sample bodies per non-2xx status for diagnosis.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface LoadScenario {
  title: string;
  url: string;
  connections: number;
  durationSeconds: number;
  method: 'GET' | 'POST';
  /** Fixed path, or with caseIdsFile a template containing `{id}`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  caseIdsFile?: string;
}

/** The parts of autocannon's result the bench reads. */
export interface LoadResult {
  title: string;
  duration: number;
  latency: { average: number; p50: number; p97_5: number; p99: number; max: number };
  /** average per second; total = completed responses; sent = requests written (sent − total were in flight when the run was cut off). */
  requests: { average: number; total: number; sent: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  resets: number;
  statusCodeStats: Record<string, { count: number }>;
  nonSuccessSamples: Record<string, string[]>;
}

interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: { path: string }) => { path: string };
  onResponse?: (status: number, body: string) => void;
}
type Autocannon = (options: Record<string, unknown>) => Promise<Record<string, unknown>>;

const [scenarioFile, resultFile] = process.argv.slice(2);
if (!scenarioFile || !resultFile) {
  process.stderr.write('usage: bench-http-load.js <scenario.json> <result.json>\n');
  process.exit(2);
}
const scenario = JSON.parse(readFileSync(scenarioFile, 'utf8')) as LoadScenario;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const nonSuccessSamples: Record<string, string[]> = {};
const onResponse = (status: number, body: string): void => {
  if (status >= 200 && status < 300) return;
  const samples = (nonSuccessSamples[String(status)] ??= []);
  if (samples.length < 5) samples.push(body.slice(0, 500));
};

const request: AutocannonRequest = {
  method: scenario.method,
  path: scenario.path,
  ...(scenario.headers ? { headers: scenario.headers } : {}),
  ...(scenario.body !== undefined ? { body: scenario.body } : {}),
  onResponse,
};
if (scenario.caseIdsFile) {
  const ids = readFileSync(scenario.caseIdsFile, 'utf8').split('\n').filter(Boolean);
  if (ids.length === 0) throw new Error(`no case ids in ${scenario.caseIdsFile}`);
  // Round-robin over all the cases: with 5,000 cases and 64 connections, two requests in flight on one
  // case are rare (the server retries such conflicts), and every case gets about the same number of steps.
  let next = Math.floor(Math.random() * ids.length);
  request.setupRequest = (req) => {
    req.path = scenario.path.replace('{id}', ids[next++ % ids.length]!);
    return req;
  };
}

const raw = await autocannon({
  title: scenario.title,
  url: scenario.url,
  connections: scenario.connections,
  duration: scenario.durationSeconds,
  requests: [request],
});
const result = { ...raw, title: scenario.title, nonSuccessSamples } as unknown as LoadResult;
writeFileSync(resultFile, JSON.stringify(result));
