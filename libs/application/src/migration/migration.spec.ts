import { InMemoryEventStore, newEvent, streamName } from '#testing';
import { START_POSITION } from '../event-store/event-store.port.js';
import { verifyEventLog } from '../event-store/verification.js';
import { ExportFileError, checkExportFile, exportEventLog } from './export-file.js';
import { importEventLog } from './import-log.js';

async function sourceStore(): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore(() => '2022-02-02T02:02:02.000Z');
  const streams = [streamName('case'), streamName('tip'), streamName('visit')];
  for (let round = 0; round < 4; round++) for (const s of streams) await store.append(s, [newEvent(), newEvent()], 'any');
  return store;
}

async function exported(store: InMemoryEventStore): Promise<string[]> {
  const out: string[] = [];
  await exportEventLog(store, (line) => void out.push(line), { source: 'memory', exportedAt: '2026-01-01T00:00:00.000Z', pageSize: 5 });
  return out.join('').split('\n').slice(0, -1);
}

const linesOf = (lines: string[]) => async function* () {
  yield* lines;
};

describe('export file and import through the EventStore port', () => {
  it('round-trips between two stores: same envelopes, same order, chains verify', async () => {
    const source = await sourceStore();
    const lines = await exported(source);
    expect(lines).toHaveLength(24 + 2);
    expect(await checkExportFile(linesOf(lines))).toMatchObject({ count: 24, streams: 3, header: { source: 'memory', count: 24 } });
    const target = new InMemoryEventStore(() => '2030-01-01T00:00:00.000Z');
    expect(await importEventLog(target, linesOf(lines), { batchSize: 7 })).toMatchObject({ imported: 24, skipped: 0 });
    const strip = (events: { position: string }[]) => events.map(({ position: _p, ...rest }) => rest);
    expect(strip(target.events)).toEqual(strip(source.events));
    expect((await verifyEventLog(target)).ok).toBe(true);
    expect(await importEventLog(target, linesOf(lines))).toMatchObject({ imported: 0, skipped: 24 });
  });

  it('exports the log as it stood when the export began', async () => {
    const source = await sourceStore();
    const out: string[] = [];
    let appended = false;
    await exportEventLog(
      source,
      async (line) => {
        out.push(line);
        if (!appended) {
          appended = true;
          await source.append(streamName('case'), [newEvent()], 'no_stream');
        }
      },
      { source: 'memory', exportedAt: '2026-01-01T00:00:00.000Z', pageSize: 5 },
    );
    expect(await source.countAfter(START_POSITION)).toBe(25);
    expect(await checkExportFile(linesOf(out.join('').split('\n').slice(0, -1)))).toMatchObject({ count: 24 });
  });

  it('names the line of each kind of damage', async () => {
    const lines = await exported(await sourceStore());
    const check = (changed: string[]) => checkExportFile(linesOf(changed)).catch((error: unknown) => error);
    expect(await check([lines[0]!.replace('casetrail-export', 'other'), ...lines.slice(1)])).toMatchObject({ line: 1, problem: expect.stringContaining('not a casetrail export') });
    expect(await check([lines[0]!.replace('"version":1', '"version":2'), ...lines.slice(1)])).toMatchObject({ line: 1 });
    expect(await check([...lines.slice(0, 5), '{not json', ...lines.slice(6)])).toMatchObject({ line: 6, problem: 'not JSON' });
    const swapped = [...lines];
    [swapped[3], swapped[6]] = [swapped[6]!, swapped[3]!];
    expect(await check(swapped)).toBeInstanceOf(ExportFileError);
    expect(await check([...lines, lines[1]!])).toMatchObject({ line: lines.length + 1, problem: 'data after the trailer' });
    expect(await check([])).toMatchObject({ line: 1, problem: 'empty file' });
    // A trailer whose sum does not match the lines.
    const trailer = JSON.parse(lines[lines.length - 1]!) as { sha256: string };
    const badSum = [...lines.slice(0, -1), lines[lines.length - 1]!.replace(trailer.sha256, '0'.repeat(64))];
    expect(await check(badSum)).toMatchObject({ line: lines.length, problem: expect.stringContaining('sha256') });
  });

  it('reports a refusal by the target store with the line of the refused event, and stores nothing of that batch', async () => {
    const lines = await exported(await sourceStore());
    const first = JSON.parse(lines[1]!) as { streamId: string };
    const target = new InMemoryEventStore();
    // The target already started the first stream with an event of its own.
    await target.append(first.streamId, [newEvent()], 'no_stream');
    const refusal = await importEventLog(target, linesOf(lines), { batchSize: 100 }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ line: 2, problem: expect.stringContaining('version_gap') });
    expect(await target.countAfter(START_POSITION)).toBe(1);
  });
});
