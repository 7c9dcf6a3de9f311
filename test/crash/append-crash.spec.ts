import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyEventLog } from '#application';
import { SqliteEventStore } from '#sqlite';

const CHILD = join(process.cwd(), 'dist/test/support/append-child.js');

/** Starts the appender, lets it acknowledge appends for `runMs`, then SIGKILLs it mid-stream. */
function runAndKill(file: string, runMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, file, '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let buffer = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'READY') setTimeout(() => child.kill('SIGKILL'), runMs);
        else if (line.startsWith('ACK ')) acked.push(...line.split(' ')[1]!.split(','));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`appender exited on its own: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('an appender killed with SIGKILL mid-stream', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: npm test builds it first (pretest)`);
    dir = mkdtempSync(join(tmpdir(), 'casetrail-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no acknowledged append, and every hash chain verifies after reopening', async () => {
    const file = join(dir, 'events.sqlite');
    const acknowledged: string[] = [];
    for (const runMs of [150, 400, 60, 700, 250]) {
      const acked = await runAndKill(file, runMs);
      expect(acked.length).toBeGreaterThan(0);
      acknowledged.push(...acked);
    }
    const store = new SqliteEventStore(file);
    try {
      const stored = new Set(store.db.prepare('SELECT event_id FROM events').pluck().all() as string[]);
      const missing = acknowledged.filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      const report = await verifyEventLog(store);
      expect(report).toMatchObject({ ok: true });
      expect(report.events).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      await store.close();
    }
  });
});
