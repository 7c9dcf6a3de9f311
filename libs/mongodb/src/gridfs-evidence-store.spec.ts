import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BSON, MongoClient, ObjectId } from 'mongodb';
import { EvidenceErasedError, EvidenceMissingError, EvidenceUnreadableError } from '#application';
import { MongoGridFsEvidenceStore } from './gridfs-evidence-store.js';
import { MongoKeyVault } from './mongo-key-vault.js';
import { mongoTestUrl } from '../../../test/support/mongo-env.js';

/**
 * The FileEvidenceStore guarantees on GridFS, against a real MongoDB-wire server (FerretDB 1.24 on SQLite in
 * CI, started by infra/ferretdb/start.sh). Outside CI it is skipped only when MONGODB_URL is unset; in CI it must run.
 */
const url = mongoTestUrl('MongoGridFsEvidenceStore (encrypted, content-addressed files in GridFS)');

const OWNER = 'case-0190f1f4-5c8e-7a2b-9c1d-3e4f5a6b7c8d';
const OTHER = 'case-0190f1f4-5c8e-7a2b-9c1d-000000000000';
const MARKER = 'Plaintext-marker-ถ้อยคำ-0xC0FFEE ';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const HOUR = 60 * 60 * 1000;
/** A chunk's bytes, copied: the driver hands out BSON Binary (or a Buffer with promoteBuffers). */
const bytesOf = (data: unknown): Buffer => Buffer.from(data instanceof BSON.Binary ? data.buffer : (data as Uint8Array));

async function read(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

async function* piecesOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

let databases = 0;

(url ? describe : describe.skip)('MongoGridFsEvidenceStore (encrypted, content-addressed files in GridFS)', () => {
  let client: MongoClient;
  let vault: MongoKeyVault;
  let store: MongoGridFsEvidenceStore;
  let clock: number;
  const nameOf = (uri: string) => uri.slice('evidence:v1:'.length);
  /** Small records and GridFS chunks, so that a few KiB span many of both. */
  const make = (now = () => clock) => new MongoGridFsEvidenceStore(client, vault, { database: store?.db.databaseName ?? `ct_evidence_${process.pid}_${databases}`, chunkBytes: 1024, gridFsChunkBytes: 1500, now });

  beforeAll(async () => {
    client = new MongoClient(url!, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
  });
  beforeEach(() => {
    databases += 1;
    clock = Date.parse('2026-01-01T00:00:00Z');
    vault = new MongoKeyVault(client, randomBytes(32), { database: `ct_evidence_keys_${process.pid}_${databases}` });
    store = new MongoGridFsEvidenceStore(client, vault, { database: `ct_evidence_${process.pid}_${databases}`, chunkBytes: 1024, gridFsChunkBytes: 1500, now: () => clock });
  });
  afterEach(async () => {
    await store.db.dropDatabase();
    await vault.db.dropDatabase();
  });

  /** The chunks collection untyped, to write BSON Binary data as a tamperer would. */
  const rawChunks = () => store.db.collection(store.chunks.collectionName);
  const fileOf = async (uri: string) => (await store.files.findOne({ filename: nameOf(uri) }))!;

  it('round-trips a multi-chunk file streamed in, encrypted in GridFS, with the plaintext hash', async () => {
    const content = Buffer.concat([Buffer.from(MARKER.repeat(300)), randomBytes(5000)]);
    const stored = await store.put(OWNER, piecesOf(content, 777));
    expect(stored).toEqual({ storageUri: expect.stringMatching(/^evidence:v1:[0-9a-f]{64}$/), sha256: sha256(content), byteLength: content.length, created: true });
    expect(store.handles(stored.storageUri)).toBe(true);
    expect(store.handles('blob:somewhere-else')).toBe(false);
    expect(store.handles('evidence:v1:{"$ne":null}')).toBe(false);
    expect(stored.storageUri).not.toContain(stored.sha256);

    const file = await fileOf(stored.storageUri);
    // Header + ceil(n/1024) records of 28 bytes overhead each, in GridFS chunks of 1500 bytes.
    const records = Math.ceil(content.length / 1024);
    expect(file.length).toBe(26 + content.length + records * 28);
    expect(await store.chunks.countDocuments({ files_id: file._id })).toBe(Math.ceil(file.length / 1500));
    expect(await store.chunks.countDocuments()).toBe(Math.ceil(file.length / 1500));
    // Nothing but GridFS's own fields: no original name, no media type, no owner, no metadata.
    expect(Object.keys(file).sort()).toEqual(['_id', 'chunkSize', 'filename', 'length', 'uploadDate']);
    expect(file.filename).toBe(nameOf(stored.storageUri));

    expect((await read(await store.open(OWNER, stored.storageUri))).equals(content)).toBe(true);
    expect(await store.rehash(OWNER, stored.storageUri)).toEqual({ sha256: sha256(content), byteLength: content.length });
    expect(await store.locate(OWNER, stored.sha256)).toBe(stored.storageUri);
    expect(await store.locate(OWNER, 'f'.repeat(64))).toBeUndefined();
    // Another instance (a restarted process) finds it too.
    expect((await read(await make().open(OWNER, stored.storageUri))).equals(content)).toBe(true);
  });

  it('stores an empty file and a file of exactly one record', async () => {
    const empty = await store.put(OWNER, Buffer.alloc(0));
    expect((await read(await store.open(OWNER, empty.storageUri))).length).toBe(0);
    const one = randomBytes(1024);
    const stored = await store.put(OWNER, one);
    expect((await read(await store.open(OWNER, stored.storageUri))).equals(one)).toBe(true);
  });

  it('stores equal content once per case, and under another name for another case', async () => {
    const content = randomBytes(3000);
    const first = await store.put(OWNER, content);
    const chunksOfOne = await store.chunks.countDocuments();
    const again = await store.put(OWNER, piecesOf(content, 100));
    const concurrent = await Promise.all([store.put(OWNER, content), store.put(OWNER, piecesOf(content, 300))]);
    expect(again).toEqual({ ...first, created: false });
    expect(concurrent).toEqual([
      { ...first, created: false },
      { ...first, created: false },
    ]);
    expect(await store.files.countDocuments()).toBe(1);
    expect(await store.chunks.countDocuments()).toBe(chunksOfOne);

    const elsewhere = await store.put(OTHER, content);
    expect(elsewhere.created).toBe(true);
    expect(elsewhere.storageUri).not.toBe(first.storageUri);
    expect(await store.files.countDocuments()).toBe(2);
    expect(await store.uploads.countDocuments()).toBe(0);
  });

  it('the unique content name lets only one of several processes place the same content', async () => {
    const content = randomBytes(2000);
    // Other processes: their own in-memory locks, so only the unique index on the name stands between them.
    const others = [store, make(), make(), make(), make()];
    await Promise.all(others.map((s) => s.init()));
    const results = await Promise.all(others.map((s) => s.put(OWNER, content)));
    expect(new Set(results.map((r) => r.storageUri)).size).toBe(1);
    expect(results.map((r) => r.created).sort()).toEqual([false, false, false, false, true]);
    const a = results[0]!;
    expect(await store.files.countDocuments()).toBe(1);
    const file = await fileOf(a.storageUri);
    expect(await store.chunks.countDocuments()).toBe(await store.chunks.countDocuments({ files_id: file._id }));
  });

  it('a placement another process made after this one looked is caught by the unique index', async () => {
    const content = randomBytes(2000);
    const first = await store.put(OWNER, content);
    const chunksOfOne = await store.chunks.countDocuments();
    // The server refuses a second file under a taken name, however it is written.
    await expect(store.files.insertOne({ _id: new ObjectId(), filename: nameOf(first.storageUri), length: 0, chunkSize: 1500, uploadDate: new Date() })).rejects.toThrow();

    // A process whose look-up ran just before the other's rename: its own rename must lose.
    const late = make();
    const files = late.files as any;
    const findOne = files.findOne.bind(files);
    let looked = 0;
    files.findOne = (...args: unknown[]) => (looked++ === 0 ? Promise.resolve(null) : findOne(...args));
    const second = await late.put(OWNER, content);
    expect(looked).toBeGreaterThanOrEqual(2); // the missed look-up, then the one after the refused rename
    expect(second).toEqual({ ...first, created: false });
    expect(await store.files.countDocuments()).toBe(1);
    expect(await store.chunks.countDocuments()).toBe(chunksOfOne);
    expect(await store.uploads.countDocuments()).toBe(0);
    expect(await store.rehash(OWNER, first.storageUri)).toMatchObject({ sha256: sha256(content) });
  });

  it('discards a file its put created, but not one another put has found stored since', async () => {
    const lone = await store.put(OWNER, randomBytes(3000));
    await store.discard(OWNER, lone);
    expect(await store.rehash(OWNER, lone.storageUri)).toEqual({ sha256: null, failure: 'missing' });
    expect(await store.chunks.countDocuments()).toBe(0);

    const content = randomBytes(100);
    const created = await store.put(OWNER, content);
    const shared = await store.put(OWNER, content);
    await store.discard(OWNER, shared); // did not create it: nothing happens
    await store.discard(OWNER, created); // another record now refers to it: kept
    expect(await store.rehash(OWNER, created.storageUri)).toMatchObject({ sha256: sha256(content) });
  });

  it('removes the partial upload when the content fails mid-way, and leaves nothing behind', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield randomBytes(5000); // several GridFS chunks already written
      throw new Error('upload over the limit');
    }
    await expect(store.put(OWNER, failing())).rejects.toThrow('upload over the limit');
    expect(await store.files.countDocuments()).toBe(0);
    expect(await store.chunks.countDocuments()).toBe(0);
    expect(await store.uploads.countDocuments()).toBe(0);
  });

  it('an interrupted upload is never reachable, and its orphan chunks are removed at the next start-up', async () => {
    const kept = await store.put(OWNER, randomBytes(4000));
    const keptChunks = await store.chunks.countDocuments();

    // A process dies mid-upload: its content stops arriving after some GridFS chunks were written.
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const written = new Promise<void>((resolve) => (reached = resolve));
    async function* dying(): AsyncGenerator<Buffer> {
      yield Buffer.from(MARKER.repeat(200));
      reached();
      await stalled;
      throw new Error('the process died');
    }
    const dead = store.put(OWNER, dying());
    await written;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.chunks.countDocuments()).toBeGreaterThan(keptChunks);
    expect(await store.files.countDocuments()).toBe(1); // no files document: nothing a storageUri could name

    // Another died after GridFS finished but before the file got its content name.
    const pendingId = new ObjectId();
    await store.uploads.insertOne({ _id: pendingId, startedAt: new Date(clock) });
    const pending = store.bucket.openUploadStreamWithId(pendingId, `.part-${pendingId.toHexString()}`);
    await new Promise<void>((resolve, reject) => pending.end(randomBytes(4000), (error?: Error | null) => (error ? reject(error) : resolve())));
    expect(await store.files.countDocuments()).toBe(2);

    // Within the hour, a restart leaves them alone (they may belong to a live upload of another process).
    await make(() => clock + HOUR / 2).init();
    expect(await store.uploads.countDocuments()).toBe(2);
    // Later, the next start-up removes both uploads' documents and chunks, and nothing placed.
    await make(() => clock + 2 * HOUR).init();
    expect(await store.uploads.countDocuments()).toBe(0);
    expect(await store.files.countDocuments()).toBe(1);
    expect(await store.chunks.countDocuments()).toBe(keptChunks);
    expect(await store.rehash(OWNER, kept.storageUri)).toMatchObject({ byteLength: 4000 });
    release();
    await expect(dead).rejects.toThrow('the process died');
  });

  it('reports a tampered chunk as a mismatch on verify and errors the download instead of handing it out', async () => {
    const content = randomBytes(6000);
    const stored = await store.put(OWNER, content);
    const file = await fileOf(stored.storageUri);
    const last = (await store.chunks.findOne({ files_id: file._id }, { sort: { n: -1 } }))!;
    const bytes = bytesOf(last.data);
    bytes[bytes.length - 100]! ^= 0x40;
    await rawChunks().updateOne({ _id: last._id }, { $set: { data: new BSON.Binary(bytes) } });

    expect(await store.rehash(OWNER, stored.storageUri)).toEqual({ sha256: null, failure: 'unreadable' });
    // The first records are intact: the download starts, then fails instead of handing out the damaged record.
    const stream = await store.open(OWNER, stored.storageUri);
    await expect(read(stream)).rejects.toBeInstanceOf(EvidenceUnreadableError);

    // Damaged in its first record: the open itself fails.
    const damagedStart = await store.put(OWNER, randomBytes(10));
    const startFile = await fileOf(damagedStart.storageUri);
    const first = (await store.chunks.findOne({ files_id: startFile._id, n: 0 }))!;
    const start = bytesOf(first.data);
    start[30]! ^= 0x01;
    await rawChunks().updateOne({ _id: first._id }, { $set: { data: new BSON.Binary(start) } });
    await expect(store.open(OWNER, damagedStart.storageUri)).rejects.toBeInstanceOf(EvidenceUnreadableError);
  });

  it('detects a truncated file: a last chunk dropped (length adjusted), or just missing', async () => {
    // Records of 1052 bytes; GridFS chunks of 1078 bytes, so chunk 0 is the header and record 0.
    const small = new MongoGridFsEvidenceStore(client, vault, { database: store.db.databaseName, chunkBytes: 1024, gridFsChunkBytes: 26 + 1052, now: () => clock });
    const content = randomBytes(3 * 1024);
    const stored = await small.put(OWNER, content);
    const file = await fileOf(stored.storageUri);
    expect(file.length).toBe(26 + 3 * 1052);
    const chunks = await store.chunks.find({ files_id: file._id }).sort({ n: 1 }).toArray();
    expect(chunks).toHaveLength(3);
    // Cut after record 1 (byte 26 + 2 × 1052): chunk 2 goes, chunk 1 keeps record 1 only, the length follows.
    // The GridFS file is self-consistent; its last record was simply not sealed as the final one.
    await store.chunks.deleteOne({ _id: chunks[2]!._id });
    await rawChunks().updateOne({ _id: chunks[1]!._id }, { $set: { data: new BSON.Binary(bytesOf(chunks[1]!.data).subarray(0, 1052)) } });
    await store.files.updateOne({ _id: file._id }, { $set: { length: 26 + 1052 + 1052 } });
    expect(await small.rehash(OWNER, stored.storageUri)).toEqual({ sha256: null, failure: 'unreadable' });
    const cut = await small.open(OWNER, stored.storageUri);
    await expect(read(cut)).rejects.toThrow(new EvidenceUnreadableError('record 1 failed authentication'));

    // A chunk missing while the files document still counts it: GridFS itself notices.
    const other = await store.put(OWNER, randomBytes(6000));
    const otherFile = await fileOf(other.storageUri);
    await store.chunks.deleteOne({ files_id: otherFile._id, n: 2 });
    expect(await store.rehash(OWNER, other.storageUri)).toEqual({ sha256: null, failure: 'unreadable' });
    await expect(read(await store.open(OWNER, other.storageUri))).rejects.toThrow(/ChunkIsMissing/);

    // The files document deleted: missing.
    await store.files.deleteOne({ _id: otherFile._id });
    await expect(store.open(OWNER, other.storageUri)).rejects.toBeInstanceOf(EvidenceMissingError);
    expect(await store.rehash(OWNER, other.storageUri)).toEqual({ sha256: null, failure: 'missing' });
  });

  it('does not open one owner’s file as another’s', async () => {
    const stored = await store.put(OWNER, randomBytes(500));
    await vault.keyFor(OTHER);
    await expect(store.open(OTHER, stored.storageUri)).rejects.toBeInstanceOf(EvidenceUnreadableError);
  });

  it('cannot decrypt after the owner’s key is shredded, and stores nothing new for that owner', async () => {
    const stored = await store.put(OWNER, randomBytes(5000));
    await vault.shred(OWNER);
    await expect(store.open(OWNER, stored.storageUri)).rejects.toBeInstanceOf(EvidenceErasedError);
    await expect(store.rehash(OWNER, stored.storageUri)).rejects.toBeInstanceOf(EvidenceErasedError);
    await expect(store.put(OWNER, randomBytes(10))).rejects.toBeInstanceOf(EvidenceErasedError);
    expect(await store.locate(OWNER, stored.sha256).catch((error: unknown) => error)).toBeInstanceOf(EvidenceErasedError);
  });

  it('leaves no plaintext anywhere in the database: a scan of every document finds no marker', async () => {
    const content = Buffer.from(MARKER.repeat(400));
    const stored = await store.put(OWNER, piecesOf(content, 1000));
    await store.put(OTHER, Buffer.from(`${MARKER}short`));
    const marker = [Buffer.from(MARKER), Buffer.from(MARKER.slice(0, 12), 'utf16le')];
    // The evidence database holds not even the plaintext hash or the owner (the key vault names its subjects).
    const scans = [
      { database: store.db, needles: [...marker, Buffer.from(stored.sha256), Buffer.from(stored.sha256, 'hex'), Buffer.from(OWNER), Buffer.from(OTHER)] },
      { database: vault.db, needles: marker },
    ];
    let documents = 0;
    for (const { database, needles } of scans) {
      for (const { name } of await database.listCollections().toArray()) {
        for await (const doc of database.collection(name).find()) {
          const bytes = Buffer.from(BSON.serialize(doc));
          documents++;
          const found = needles.filter((needle) => bytes.includes(needle)).map(String);
          expect({ collection: `${database.databaseName}.${name}`, found }).toEqual({ collection: `${database.databaseName}.${name}`, found: [] });
        }
      }
    }
    expect(documents).toBeGreaterThan(10);
    // The marker is really in what was stored: the scan would see it if it were plain.
    expect((await read(await store.open(OWNER, stored.storageUri))).includes(Buffer.from(MARKER))).toBe(true);
  });

  it('closes the download cursor when a download is abandoned before it is read', async () => {
    // A client that reports its commands: an abandoned GridFS cursor is closed with killCursors.
    const watched = new MongoClient(url!, { serverSelectionTimeoutMS: 5_000, monitorCommands: true });
    await watched.connect();
    try {
      const commands: string[] = [];
      watched.on('commandStarted', (event) => commands.push(event.commandName));
      const reader = new MongoGridFsEvidenceStore(watched, vault, { database: store.db.databaseName, chunkBytes: 1024, gridFsChunkBytes: 1500 });
      const stored = await reader.put(OWNER, randomBytes(300_000)); // ~200 GridFS chunks: more than the first batch
      const stream = await reader.open(OWNER, stored.storageUri);
      expect(commands.filter((c) => c === 'killCursors')).toEqual([]);
      stream.destroy();
      await new Promise((resolve) => stream.once('close', resolve));
      for (let i = 0; i < 50 && !commands.includes('killCursors'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(commands.filter((c) => c === 'killCursors')).toEqual(['killCursors']);
      expect(commands).not.toContain('getMore');
    } finally {
      await watched.close();
    }
  });
});
