import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  EvidenceErasedError,
  EvidenceMissingError,
  EvidenceStore,
  EvidenceUnreadableError,
  type EvidenceRehash,
  type KeyVault,
  ChunkDecryptor,
  ChunkEncryptor,
  CipherIntegrityError,
  DEFAULT_CHUNK_BYTES,
  HEADER_BYTES,
  contentName,
  parseHeader,
  type CipherHeader,
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
const TEMP_SUFFIX = '.part';
const READ_BYTES = 256 * 1024;
/** Temporary files older than this at start-up were left by a process that died mid-upload. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** How long a put that created a file may still discard it (its command is decided within moments). */
const DISCARDABLE_MS = 10 * 60 * 1000;

export interface FileEvidenceStoreOptions {
  /** Plaintext bytes per encrypted record (a power of two); 64 KiB by default. */
  chunkBytes?: number;
}

const nameOf = (storageUri: string): string | undefined => {
  if (!storageUri.startsWith(URI_PREFIX)) return undefined;
  const name = storageUri.slice(URI_PREFIX.length);
  return NAME.test(name) ? name : undefined;
};

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const isNotFound = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/**
 * Evidence files on the local disk, under `<dataDir>/evidence/<2 hex>/<name>`: encrypted with the owner
 * stream's data key from the key vault (chunked AES-256-GCM, see libs/application/src/evidence/chunked-cipher.ts), named by an HMAC of the
 * plaintext's SHA-256 under that key (content-addressed per owner; the name tells nothing without the key),
 * written to a temporary file, fsync'd, renamed into place and the directory fsync'd (a crash leaves either
 * no file or the whole file). No original file name, media type or owner id is written anywhere on disk.
 * Once the owner's key is shredded, the files cannot be decrypted.
 */
export class FileEvidenceStore extends EvidenceStore {
  private readonly chunkBytes: number;
  /** Per-name critical sections: placing or finding a file, and discarding it, never interleave. */
  private readonly locks = new NamedLocks();
  /** Files created lately (by name), and whether another put has since found the same content stored. */
  private readonly fresh = new Map<string, { createdAt: number; shared: boolean }>();
  private readonly ready: Promise<void>;

  constructor(
    private readonly root: string,
    private readonly vault: KeyVault,
    options: FileEvidenceStoreOptions = {},
  ) {
    super();
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.ready = this.prepare();
  }

  handles(storageUri: string): boolean {
    return nameOf(storageUri) !== undefined;
  }

  async put(owner: string, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<StoredEvidence> {
    await this.ready;
    const { kid, key } = await this.currentKey(owner);
    const temp = join(this.root, `.${randomUUID()}${TEMP_SUFFIX}`);
    const handle = await open(temp, 'wx', 0o600);
    let closed = false;
    try {
      const encryptor = new ChunkEncryptor(key, keyVersionOf(kid), this.chunkBytes);
      const hash = createHash('sha256');
      let byteLength = 0;
      await writeAll(handle, encryptor.header);
      const pieces: AsyncIterable<Uint8Array> | Uint8Array[] = content instanceof Uint8Array ? [content] : content;
      for await (const piece of pieces) {
        hash.update(piece);
        byteLength += piece.length;
        for (const record of encryptor.push(piece)) await writeAll(handle, record);
      }
      await writeAll(handle, encryptor.final());
      await handle.sync();
      await handle.close();
      closed = true;
      const sha256 = hash.digest('hex');
      const name = contentName(key, sha256);
      const created = await this.place(temp, name);
      return { storageUri: `${URI_PREFIX}${name}`, sha256, byteLength, created };
    } catch (error) {
      if (!closed) await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  async discard(_owner: string, stored: StoredEvidence): Promise<void> {
    const name = nameOf(stored.storageUri);
    if (!name || !stored.created) return;
    await this.locks.run(name, async () => {
      const entry = this.fresh.get(name);
      this.fresh.delete(name);
      // Unknown (too old) or found by another put since ours created it (its record refers to the file): keep it.
      if (!entry || entry.shared) return;
      await unlink(this.pathOf(name)).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    });
  }

  async locate(owner: string, sha256: string): Promise<string | undefined> {
    await this.ready;
    const name = await locateStoredName(this.vault, owner, sha256, (name) => this.exists(this.pathOf(name)));
    return name === undefined ? undefined : `${URI_PREFIX}${name}`;
  }

  async open(owner: string, storageUri: string): Promise<Readable> {
    return readableOf(await this.decrypt(owner, storageUri));
  }

  async rehash(owner: string, storageUri: string): Promise<EvidenceRehash> {
    return rehashOf(() => this.decrypt(owner, storageUri));
  }

  /** The plaintext pieces, authenticated one record at a time; opens the file and resolves the key eagerly. */
  private async decrypt(owner: string, storageUri: string): Promise<AsyncIterable<Buffer>> {
    await this.ready;
    const name = nameOf(storageUri);
    if (!name) throw new EvidenceMissingError();
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(name), 'r');
    } catch (error) {
      if (isNotFound(error)) throw new EvidenceMissingError();
      throw error;
    }
    let header: CipherHeader;
    let key: Buffer;
    try {
      const head = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await handle.read(head, 0, HEADER_BYTES, 0);
      header = parseHeader(head.subarray(0, bytesRead));
      const found = await this.vault.keyById(`${owner}:${header.keyVersion}`);
      if (!found) {
        if (await this.vault.isShredded(owner)) throw new EvidenceErasedError();
        throw new EvidenceUnreadableError('no key of the owner has the version the file names');
      }
      key = found;
    } catch (error) {
      await handle.close();
      if (error instanceof CipherIntegrityError) throw new EvidenceUnreadableError(error.message);
      throw error;
    }
    const decryptor = new ChunkDecryptor(key, header);
    async function* pieces(): AsyncGenerator<Buffer> {
      try {
        const buffer = Buffer.alloc(READ_BYTES);
        let position = HEADER_BYTES;
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          for (const plain of decryptor.push(buffer.subarray(0, bytesRead))) yield plain;
        }
        yield decryptor.final();
      } catch (error) {
        if (error instanceof CipherIntegrityError) throw new EvidenceUnreadableError(error.message);
        throw error;
      } finally {
        await handle.close();
      }
    }
    return pieces();
  }

  private currentKey(owner: string): Promise<{ kid: string; key: Buffer }> {
    return currentEvidenceKey(this.vault, owner);
  }

  /** Moves a complete temporary file to its content address, or drops it when the owner already stored the same content. */
  private async place(temp: string, name: string): Promise<boolean> {
    const target = this.pathOf(name);
    const directory = join(this.root, name.slice(0, 2));
    return this.locks.run(name, async () => {
      if (await this.exists(target)) {
        await unlink(temp);
        const entry = this.fresh.get(name);
        if (entry) entry.shared = true;
        return false;
      }
      await mkdir(directory, { recursive: true, mode: 0o700 });
      await rename(temp, target);
      await fsyncDirectory(directory);
      await fsyncDirectory(this.root);
      const now = Date.now();
      for (const [other, entry] of this.fresh) if (now - entry.createdAt > DISCARDABLE_MS) this.fresh.delete(other);
      this.fresh.set(name, { createdAt: now, shared: false });
      return true;
    });
  }

  private pathOf(name: string): string {
    return join(this.root, name.slice(0, 2), name);
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Creates the folder (owner-only) and removes temporary files a crashed process left behind. */
  private async prepare(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const now = Date.now();
    for (const entry of await readdir(this.root)) {
      if (!entry.endsWith(TEMP_SUFFIX)) continue;
      const path = join(this.root, entry);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
    }
  }
}
