import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EvidenceErasedError, EvidenceMissingError, EvidenceUnreadableError } from '#application';
import { SqliteKeyVault } from '../sqlite-key-vault.js';
import { FileEvidenceStore } from './file-evidence-store.js';

const OWNER = 'case-0190f1f4-5c8e-7a2b-9c1d-3e4f5a6b7c8d';
const OTHER = 'case-0190f1f4-5c8e-7a2b-9c1d-000000000000';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function read(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

async function* piecesOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

/** Every file under the folder (relative paths). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('FileEvidenceStore (encrypted, content-addressed files on disk)', () => {
  let dir: string;
  let vault: SqliteKeyVault;
  let store: FileEvidenceStore;
  const root = () => join(dir, 'evidence');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-evidence-'));
    vault = new SqliteKeyVault(join(dir, 'keys.sqlite'), randomBytes(32));
    store = new FileEvidenceStore(root(), vault, { chunkBytes: 1024 });
  });
  afterEach(async () => {
    await vault.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pathOf = (uri: string) => {
    const name = uri.slice('evidence:v1:'.length);
    return join(root(), name.slice(0, 2), name);
  };

  it('stores streamed content encrypted, hashes the plaintext, and gives the exact bytes back', async () => {
    const content = Buffer.concat([Buffer.from('Marker-evidence-bytes '.repeat(300)), randomBytes(5000)]);
    const stored = await store.put(OWNER, piecesOf(content, 777));
    expect(stored).toEqual({ storageUri: expect.stringMatching(/^evidence:v1:[0-9a-f]{64}$/), sha256: sha256(content), byteLength: content.length, created: true });
    expect(store.handles(stored.storageUri)).toBe(true);
    expect(store.handles('blob:somewhere-else')).toBe(false);
    expect(store.handles('evidence:v1:../../keys.sqlite')).toBe(false);

    const onDisk = readFileSync(pathOf(stored.storageUri));
    expect(onDisk.includes(Buffer.from('Marker-evidence'))).toBe(false);
    expect(onDisk.includes(content.subarray(7000, 7100))).toBe(false);
    // The name is neither the content hash nor anything derived from it without the key.
    expect(stored.storageUri).not.toContain(stored.sha256);
    expect(statSync(pathOf(stored.storageUri)).mode & 0o077).toBe(0);

    expect((await read(await store.open(OWNER, stored.storageUri))).equals(content)).toBe(true);
    expect(await store.rehash(OWNER, stored.storageUri)).toEqual({ sha256: sha256(content), byteLength: content.length });
    expect(await store.locate(OWNER, stored.sha256)).toBe(stored.storageUri);
    expect(await store.locate(OWNER, 'f'.repeat(64))).toBeUndefined();
  });

  it('stores identical content of one owner once, and under another name for another owner', async () => {
    const content = randomBytes(3000);
    const first = await store.put(OWNER, content);
    const again = await store.put(OWNER, piecesOf(content, 100));
    const elsewhere = await store.put(OTHER, content);
    expect(again).toEqual({ ...first, created: false });
    expect(elsewhere.storageUri).not.toBe(first.storageUri);
    expect(filesUnder(root())).toHaveLength(2);
  });

  it('discards a file its put created, but not one another put has found stored since', async () => {
    const lone = await store.put(OWNER, randomBytes(100));
    await store.discard(OWNER, lone);
    expect(await store.rehash(OWNER, lone.storageUri)).toEqual({ sha256: null, failure: 'missing' });

    const content = randomBytes(100);
    const created = await store.put(OWNER, content);
    const shared = await store.put(OWNER, content);
    await store.discard(OWNER, shared); // did not create it: nothing happens
    await store.discard(OWNER, created); // another record now refers to it: kept
    expect(await store.rehash(OWNER, created.storageUri)).toMatchObject({ sha256: sha256(content) });
  });

  it('removes the partial file when the content fails mid-way, and leaves nothing behind', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield randomBytes(5000);
      throw new Error('upload over the limit');
    }
    await expect(store.put(OWNER, failing())).rejects.toThrow('upload over the limit');
    expect(filesUnder(root())).toEqual([]);
  });

  it('reads a flipped byte or a truncated file as unreadable (never as other bytes), and a deleted one as missing', async () => {
    const content = randomBytes(4000);
    const flipped = await store.put(OWNER, content);
    const path = pathOf(flipped.storageUri);
    const bytes = readFileSync(path);
    bytes[bytes.length - 100]! ^= 0x40;
    writeFileSync(path, bytes);
    expect(await store.rehash(OWNER, flipped.storageUri)).toEqual({ sha256: null, failure: 'unreadable' });
    // The first records are intact: the download starts, then fails instead of handing out the damaged record.
    await expect(read(await store.open(OWNER, flipped.storageUri))).rejects.toBeInstanceOf(EvidenceUnreadableError);

    const cut = await store.put(OWNER, randomBytes(4000));
    truncateSync(pathOf(cut.storageUri), statSync(pathOf(cut.storageUri)).size - 1040); // a whole record and a bit
    expect(await store.rehash(OWNER, cut.storageUri)).toEqual({ sha256: null, failure: 'unreadable' });

    const damagedStart = await store.put(OWNER, randomBytes(10));
    const start = readFileSync(pathOf(damagedStart.storageUri));
    start[30]! ^= 0x01;
    writeFileSync(pathOf(damagedStart.storageUri), start);
    await expect(store.open(OWNER, damagedStart.storageUri)).rejects.toBeInstanceOf(EvidenceUnreadableError);

    const gone = await store.put(OWNER, randomBytes(10));
    unlinkSync(pathOf(gone.storageUri));
    await expect(store.open(OWNER, gone.storageUri)).rejects.toBeInstanceOf(EvidenceMissingError);
    expect(await store.rehash(OWNER, gone.storageUri)).toEqual({ sha256: null, failure: 'missing' });
  });

  it('does not open one owner’s file as another’s', async () => {
    const stored = await store.put(OWNER, randomBytes(500));
    await vault.keyFor(OTHER);
    await expect(store.open(OTHER, stored.storageUri)).rejects.toBeInstanceOf(EvidenceUnreadableError);
  });

  it('cannot decrypt after the owner’s key is shredded, and stores nothing new for that owner', async () => {
    const stored = await store.put(OWNER, randomBytes(500));
    await vault.shred(OWNER);
    await expect(store.open(OWNER, stored.storageUri)).rejects.toBeInstanceOf(EvidenceErasedError);
    await expect(store.rehash(OWNER, stored.storageUri)).rejects.toBeInstanceOf(EvidenceErasedError);
    await expect(store.put(OWNER, randomBytes(10))).rejects.toBeInstanceOf(EvidenceErasedError);
  });

  it('closes the file when a download is abandoned before it is read', async () => {
    const stored = await store.put(OWNER, randomBytes(50_000));
    const path = pathOf(stored.storageUri);
    /** Descriptors of this process open on the file (Linux: /proc/self/fd). */
    const openOnFile = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === path;
        } catch {
          return false;
        }
      }).length;
    const stream = await store.open(OWNER, stored.storageUri);
    expect(openOnFile()).toBe(1);
    stream.destroy();
    await new Promise((resolve) => stream.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(openOnFile()).toBe(0);
  });
});
