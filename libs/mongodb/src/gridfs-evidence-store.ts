import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  GridFSBucket,
  MongoBulkWriteError,
  MongoGridFSChunkError,
  MongoRuntimeError,
  MongoServerError,
  ObjectId,
  type Collection,
  type Db,
  type GridFSBucketWriteStream,
  type GridFSChunk,
  type GridFSFile,
  type MongoClient,
} from 'mongodb';
import {
  ChunkDecryptor,
  ChunkEncryptor,
  CipherIntegrityError,
  DEFAULT_CHUNK_BYTES,
  EvidenceErasedError,
  EvidenceMissingError,
  EvidenceStore,
  EvidenceUnreadableError,
  HEADER_BYTES,
  contentName,
  parseHeader,
  type CipherHeader,
  type EvidenceRehash,
  type KeyVault,
  type StoredEvidence,
  NamedLocks,
  currentEvidenceKey,
  keyVersionOf,
  locateStoredName,
  readableOf,
  rehashOf,
} from '#application';

const URI_PREFIX = 'evidence:v1:';
const NAME = /^[0-9a-f]{64}$/;
/** File name of an upload not placed yet: `.part-<ObjectId>` (reveals nothing; never a content name). */
const PENDING_PREFIX = '.part-';
const DUPLICATE_KEY = 11000;
/** The GridFS default: 255 KiB per chunk document. */
const DEFAULT_GRIDFS_CHUNK_BYTES = 255 * 1024;
/** Uploads started longer ago than this at start-up were left by a process that died mid-upload. */
const STALE_UPLOAD_MS = 60 * 60 * 1000;
/** How long a put that created a file may still discard it (its command is decided within moments). */
const DISCARDABLE_MS = 10 * 60 * 1000;

export interface MongoGridFsEvidenceStoreOptions {
  /** Database of the evidence files (default `casetrail_evidence`). */
  database?: string;
  /** GridFS bucket name (default `evidence`): collections `<bucket>.files`, `<bucket>.chunks`, `<bucket>.uploads`. */
  bucketName?: string;
  /** Plaintext bytes per encrypted record (a power of two); 64 KiB by default, as in the embedded store. */
  chunkBytes?: number;
  /** Bytes per GridFS chunk document (default 255 KiB). */
  gridFsChunkBytes?: number;
  /** Clock (ms since epoch) for upload intents and the sweep of abandoned uploads. */
  now?: () => number;
}

/** An upload in progress: recorded before its first chunk, removed once it is placed or cleaned up. */
interface UploadDoc {
  _id: ObjectId;
  startedAt: Date;
}

const nameOf = (storageUri: string): string | undefined => {
  if (!storageUri.startsWith(URI_PREFIX)) return undefined;
  const name = storageUri.slice(URI_PREFIX.length);
  return NAME.test(name) ? name : undefined;
};

function isDuplicate(error: unknown): boolean {
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return true;
  if (error instanceof MongoBulkWriteError) {
    const failures = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return failures.length > 0 && failures.every((f) => f.code === DUPLICATE_KEY);
  }
  return false;
}

/** Stored bytes that fail authentication, or GridFS chunks missing / of the wrong size / extra: unreadable. */
function asEvidenceError(error: unknown): unknown {
  if (error instanceof CipherIntegrityError || error instanceof MongoGridFSChunkError) return new EvidenceUnreadableError(error.message);
  // The files document vanished between the lookup and the download (GridFS "FileNotFound").
  if (error instanceof MongoRuntimeError && (error as { code?: unknown }).code === 'ENOENT') return new EvidenceMissingError();
  return error;
}

const write = (stream: GridFSBucketWriteStream, data: Buffer): Promise<void> =>
  new Promise((resolve, reject) => stream.write(data, (error) => (error ? reject(error) : resolve())));

const end = (stream: GridFSBucketWriteStream): Promise<void> =>
  new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });

/**
 * Evidence files in MongoDB GridFS (production profile), with the guarantees of the embedded FileEvidenceStore:
 * the same CTEV v1 chunked AES-256-GCM format under the owner stream's data key (chunked-cipher.ts in
 * #application), the same HMAC content name as the GridFS `filename` (unique index: equal content of one owner
 * is stored once), streamed both ways, no original file name, media type or owner id in any document.
 *
 * Crash safety: an upload is first recorded in `<bucket>.uploads`, streamed into GridFS under the file name
 * `.part-<id>` (GridFS writes the files document only after the last chunk), then renamed to its content name
 * by one single-document update. A storageUri names a content name, so an interrupted upload is never
 * reachable; at start-up, uploads recorded more than an hour ago are cleaned up (their pending files document
 * and orphan chunks deleted), as the embedded store removes stale `.part` files.
 */
export class MongoGridFsEvidenceStore extends EvidenceStore {
  readonly db: Db;
  readonly bucket: GridFSBucket;
  readonly files: Collection<GridFSFile>;
  readonly chunks: Collection<GridFSChunk>;
  readonly uploads: Collection<UploadDoc>;
  private readonly chunkBytes: number;
  private readonly gridFsChunkBytes: number;
  private readonly now: () => number;
  /** Per-name critical sections: placing or finding a file, and discarding it, never interleave. */
  private readonly locks = new NamedLocks();
  /** Files created lately (by name), and whether another put has since found the same content stored. */
  private readonly fresh = new Map<string, { createdAt: number; shared: boolean }>();
  private ready?: Promise<void>;

  constructor(
    client: MongoClient,
    private readonly vault: KeyVault,
    options: MongoGridFsEvidenceStoreOptions = {},
  ) {
    super();
    const bucketName = options.bucketName ?? 'evidence';
    this.db = client.db(options.database ?? 'casetrail_evidence');
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.gridFsChunkBytes = options.gridFsChunkBytes ?? DEFAULT_GRIDFS_CHUNK_BYTES;
    this.now = options.now ?? Date.now;
    this.bucket = new GridFSBucket(this.db, { bucketName, chunkSizeBytes: this.gridFsChunkBytes });
    this.files = this.db.collection<GridFSFile>(`${bucketName}.files`);
    this.chunks = this.db.collection<GridFSChunk>(`${bucketName}.chunks`);
    this.uploads = this.db.collection<UploadDoc>(`${bucketName}.uploads`);
  }

  /** Creates the indexes and cleans up abandoned uploads; runs once per instance, before the first use. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await this.files.createIndex({ filename: 1 }, { name: 'content_name', unique: true });
      await this.chunks.createIndex({ files_id: 1, n: 1 }, { name: 'files_id_1_n_1', unique: true });
      await this.removeAbandonedUploads(STALE_UPLOAD_MS);
    })();
    return this.ready;
  }

  handles(storageUri: string): boolean {
    return nameOf(storageUri) !== undefined;
  }

  async put(owner: string, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<StoredEvidence> {
    await this.init();
    const { kid, key } = await this.currentKey(owner);
    const id = new ObjectId();
    await this.uploads.insertOne({ _id: id, startedAt: new Date(this.now()) });
    const upload = this.bucket.openUploadStreamWithId(id, `${PENDING_PREFIX}${id.toHexString()}`);
    upload.on('error', () => undefined); // surfaced by the awaited write/end callbacks
    let uploaded = false;
    try {
      const encryptor = new ChunkEncryptor(key, keyVersionOf(kid), this.chunkBytes);
      const hash = createHash('sha256');
      let byteLength = 0;
      await write(upload, encryptor.header);
      const pieces: AsyncIterable<Uint8Array> | Uint8Array[] = content instanceof Uint8Array ? [content] : content;
      for await (const piece of pieces) {
        hash.update(piece);
        byteLength += piece.length;
        for (const record of encryptor.push(piece)) await write(upload, record);
      }
      await write(upload, encryptor.final());
      await end(upload);
      uploaded = true;
      const sha256 = hash.digest('hex');
      const name = contentName(key, sha256);
      const created = await this.place(id, name);
      await this.uploads.deleteOne({ _id: id });
      return { storageUri: `${URI_PREFIX}${name}`, sha256, byteLength, created };
    } catch (error) {
      if (!uploaded) await upload.abort().catch(() => undefined);
      // Best effort; if it fails, the upload record stays and the next start-up's sweep removes the rest.
      await this.removeUpload(id)
        .then(() => this.uploads.deleteOne({ _id: id }))
        .catch(() => undefined);
      throw error;
    }
  }

  async discard(_owner: string, stored: StoredEvidence): Promise<void> {
    const name = nameOf(stored.storageUri);
    if (!name || !stored.created) return;
    await this.init();
    await this.locks.run(name, async () => {
      const entry = this.fresh.get(name);
      this.fresh.delete(name);
      // Unknown (too old) or found by another put since ours created it (its record refers to the file): keep it.
      if (!entry || entry.shared) return;
      const file = await this.files.findOne({ filename: name }, { projection: { _id: 1 } });
      if (!file) return;
      // The files document goes first: from then on the name resolves to nothing, whatever happens to the chunks.
      await this.files.deleteOne({ _id: file._id });
      await this.chunks.deleteMany({ files_id: file._id });
    });
  }

  async locate(owner: string, sha256: string): Promise<string | undefined> {
    await this.init();
    const name = await locateStoredName(this.vault, owner, sha256, async (name) => (await this.files.findOne({ filename: name }, { projection: { _id: 1 } })) !== null);
    return name === undefined ? undefined : `${URI_PREFIX}${name}`;
  }

  async open(owner: string, storageUri: string): Promise<Readable> {
    return readableOf(await this.decrypt(owner, storageUri));
  }

  async rehash(owner: string, storageUri: string): Promise<EvidenceRehash> {
    return rehashOf(() => this.decrypt(owner, storageUri));
  }

  /**
   * Removes what uploads recorded more than `olderThanMs` ago left behind: a files document still under its
   * pending name, and the chunks of any upload that has no files document. A placed file is never touched.
   * Runs at start-up with one hour; returns how many uploads it cleaned up.
   */
  async removeAbandonedUploads(olderThanMs: number): Promise<number> {
    const before = new Date(this.now() - olderThanMs);
    let removed = 0;
    for (const upload of await this.uploads.find({ startedAt: { $lt: before } }).toArray()) {
      await this.removeUpload(upload._id);
      await this.uploads.deleteOne({ _id: upload._id });
      removed++;
    }
    return removed;
  }

  /** The pending files document of an upload and its chunks — unless it was placed under its content name. */
  private async removeUpload(id: ObjectId): Promise<void> {
    await this.files.deleteOne({ _id: id, filename: `${PENDING_PREFIX}${id.toHexString()}` });
    if (await this.files.findOne({ _id: id }, { projection: { _id: 1 } })) return;
    await this.chunks.deleteMany({ files_id: id });
  }

  /** The plaintext pieces, authenticated one record at a time; finds the file and resolves the key eagerly. */
  private async decrypt(owner: string, storageUri: string): Promise<AsyncIterable<Buffer>> {
    await this.init();
    const name = nameOf(storageUri);
    if (!name) throw new EvidenceMissingError();
    const file = await this.files.findOne({ filename: name }, { projection: { _id: 1 } });
    if (!file) throw new EvidenceMissingError();
    const stream = this.bucket.openDownloadStream(file._id);
    const download = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    // Destroying a GridFS download stream leaves its cursor open on the server; abort() kills it.
    const close = () => stream.abort().catch(() => undefined);
    let header: CipherHeader;
    let key: Buffer;
    let rest: Buffer;
    try {
      let head = Buffer.alloc(0);
      while (head.length < HEADER_BYTES) {
        const next = await download.next();
        if (next.done) break;
        head = Buffer.concat([head, next.value]);
      }
      header = parseHeader(head.subarray(0, HEADER_BYTES));
      rest = head.subarray(HEADER_BYTES);
      const found = await this.vault.keyById(`${owner}:${header.keyVersion}`);
      if (!found) {
        if (await this.vault.isShredded(owner)) throw new EvidenceErasedError();
        throw new EvidenceUnreadableError('no key of the owner has the version the file names');
      }
      key = found;
    } catch (error) {
      await close();
      throw asEvidenceError(error);
    }
    const decryptor = new ChunkDecryptor(key, header);
    async function* pieces(): AsyncGenerator<Buffer> {
      try {
        if (rest.length > 0) for (const plain of decryptor.push(rest)) yield plain;
        for (let next = await download.next(); !next.done; next = await download.next()) {
          for (const plain of decryptor.push(next.value)) yield plain;
        }
        yield decryptor.final();
      } catch (error) {
        throw asEvidenceError(error);
      } finally {
        await close();
      }
    }
    return pieces();
  }

  private currentKey(owner: string): Promise<{ kid: string; key: Buffer }> {
    return currentEvidenceKey(this.vault, owner);
  }

  /**
   * Gives a complete upload its content name (one single-document update, guarded by the unique index), or
   * drops it when the owner already stored the same content.
   */
  private async place(id: ObjectId, name: string): Promise<boolean> {
    return this.locks.run(name, async () => {
      let placed: boolean;
      if (await this.files.findOne({ filename: name }, { projection: { _id: 1 } })) placed = false;
      else {
        try {
          const { matchedCount } = await this.files.updateOne({ _id: id, filename: `${PENDING_PREFIX}${id.toHexString()}` }, { $set: { filename: name } });
          if (matchedCount !== 1) throw new Error('the upload disappeared before it was placed');
          placed = true;
        } catch (error) {
          // Another process placed the same content first. FerretDB 1.24 reports a unique-index violation on
          // update as a generic server error (the SQLite constraint message), not as code 11000: look.
          if (!isDuplicate(error) && !(await this.files.findOne({ filename: name, _id: { $ne: id } }, { projection: { _id: 1 } }))) throw error;
          placed = false;
        }
      }
      if (!placed) {
        await this.removeUpload(id);
        const entry = this.fresh.get(name);
        if (entry) entry.shared = true;
        return false;
      }
      const now = this.now();
      for (const [other, entry] of this.fresh) if (now - entry.createdAt > DISCARDABLE_MS) this.fresh.delete(other);
      this.fresh.set(name, { createdAt: now, shared: false });
      return true;
    });
  }
}
