import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { START_POSITION, verifyEventLog } from '#application';
import { eventStoreContract, importContract, newEvent, streamName } from '#testing';
import { DurabilityError, assertDurable, openDurableDatabase } from './durable-database.js';
import { SqliteEventStore, decodePosition, encodePosition } from './sqlite-event-store.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'casetrail-es-'));
}

eventStoreContract('SQLite', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore(join(dir, 'events.sqlite'), { pollIntervalMs: 50 });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

importContract('SQLite', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore(join(dir, 'events.sqlite'), { pollIntervalMs: 50 });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite event store', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs WAL with synchronous=FULL after every open, including a reopen', async () => {
    const file = join(dir, 'events.sqlite');
    for (let i = 0; i < 2; i++) {
      const store = new SqliteEventStore(file);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      await store.close();
    }
  });

  it('refuses a database that is not durable', () => {
    const db = new Database(join(dir, 'weak.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    expect(() => assertDurable(db, 'weak.sqlite')).toThrow(DurabilityError);
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    expect(() => assertDurable(db, 'weak.sqlite')).toThrow(/journal_mode/);
    db.close();
    expect(() => openDurableDatabase(join(dir, 'ok.sqlite')).close()).not.toThrow();
  });

  it('encodes positions so that they order as strings', () => {
    expect(encodePosition(9) < encodePosition(10)).toBe(true);
    expect(decodePosition(encodePosition(123456))).toBe(123456);
    expect(decodePosition(START_POSITION)).toBe(0);
    expect(() => decodePosition('12:34')).toThrow(RangeError);
  });

  it('keeps appends queued before close', async () => {
    const file = join(dir, 'events.sqlite');
    const store = new SqliteEventStore(file);
    const streamId = streamName();
    const pending = store.append(streamId, [newEvent()], 'no_stream');
    await store.close();
    await expect(pending).resolves.toMatchObject({ version: 1 });
    await expect(store.append(streamId, [newEvent()], 'any')).rejects.toThrow(/closed/);
    const reopened = new SqliteEventStore(file);
    expect(await reopened.streamVersion(streamId)).toBe(1);
    await reopened.close();
  });

  describe('tamper evidence', () => {
    async function seeded(name = 'events.sqlite') {
      const file = join(dir, name);
      const store = new SqliteEventStore(file);
      const target = streamName();
      for (const s of [streamName(), target, streamName()]) await store.append(s, [newEvent(), newEvent(), newEvent()], 'no_stream');
      expect((await verifyEventLog(store)).ok).toBe(true);
      return { store, target, raw: store.db };
    }

    it('names the stream and version when one byte of a payload changes', async () => {
      const { store, target, raw } = await seeded();
      raw.prepare("UPDATE events SET data = replace(data, 'interview', 'intervieW') WHERE stream_id = ? AND stream_version = 2").run(target);
      const report = await verifyEventLog(store);
      expect(report.ok).toBe(false);
      expect(report.firstBreak).toMatchObject({ streamId: target, streamVersion: 2, problem: 'hash_mismatch' });
      await store.close();
    });

    it('names the stream and version when metadata changes', async () => {
      const { store, target, raw } = await seeded();
      raw.prepare("UPDATE events SET metadata = replace(metadata, 'u-investigator', 'u-investigatoR') WHERE stream_id = ? AND stream_version = 3").run(target);
      expect((await verifyEventLog(store)).firstBreak).toMatchObject({ streamId: target, streamVersion: 3, problem: 'hash_mismatch' });
      await store.close();
    });

    it('catches a changed timestamp and a deleted event', async () => {
      const { store, target, raw } = await seeded();
      raw.prepare("UPDATE events SET occurred_at = '2020-01-01T00:00:00.000Z' WHERE stream_id = ? AND stream_version = 1").run(target);
      expect((await verifyEventLog(store)).firstBreak).toMatchObject({ streamId: target, streamVersion: 1 });
      await store.close();

      const second = await seeded('second.sqlite');
      second.raw.prepare('DELETE FROM events WHERE stream_id = ? AND stream_version = 2').run(second.target);
      expect((await verifyEventLog(second.store)).firstBreak).toMatchObject({ streamId: second.target, streamVersion: 2, problem: 'version_gap' });
      await second.store.close();
    });

    it('reports unreadable metadata as a broken link instead of failing', async () => {
      const { store, target, raw } = await seeded('unreadable.sqlite');
      raw.prepare("UPDATE events SET metadata = '{not json' WHERE stream_id = ? AND stream_version = 2").run(target);
      expect((await verifyEventLog(store)).firstBreak).toMatchObject({ streamId: target, streamVersion: 2, problem: 'hash_mismatch' });
      await store.close();
    });

    it('catches a deleted last event of a stream', async () => {
      const { store, target, raw } = await seeded();
      raw.prepare('DELETE FROM events WHERE stream_id = ? AND stream_version = 3').run(target);
      expect((await verifyEventLog(store)).firstBreak).toMatchObject({ streamId: target, streamVersion: 3, problem: 'version_gap' });
      await store.close();
    });
  });
});
