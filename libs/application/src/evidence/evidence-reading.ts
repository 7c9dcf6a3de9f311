import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { KeyShreddedError, type KeyVault } from '../personal-data/key-vault.port.js';
import { contentName } from './chunked-cipher.js';
import { EvidenceErasedError, EvidenceMissingError, EvidenceUnreadableError, type EvidenceRehash } from './evidence-store.port.js';

/**
 * What every encrypted evidence store (files on disk, GridFS) does the same way around its own storage: the key
 * version in a key id, the owner's current key, finding stored content by name, and reading decrypted bytes.
 */

/** `<subject>:<version>` → version (the chunk header records it). */
export function keyVersionOf(kid: string): number {
  const version = Number(kid.slice(kid.lastIndexOf(':') + 1));
  if (!Number.isInteger(version) || version < 1 || version > 0xffffffff) throw new Error('unexpected key id from the key vault');
  return version;
}

/** The owner's current data key; a shredded owner's files are erased. */
export async function currentEvidenceKey(vault: KeyVault, owner: string): Promise<{ kid: string; key: Buffer }> {
  try {
    return await vault.keyFor(owner);
  } catch (error) {
    if (error instanceof KeyShreddedError) throw new EvidenceErasedError();
    throw error;
  }
}

/**
 * The content name under which `owner` stored content with this SHA-256, if it did. The name depends on the key
 * version the content was stored under: the current one is tried first, then older ones.
 */
export async function locateStoredName(vault: KeyVault, owner: string, sha256: string, exists: (name: string) => Promise<boolean>): Promise<string | undefined> {
  const { kid } = await currentEvidenceKey(vault, owner);
  for (let version = keyVersionOf(kid); version >= 1; version--) {
    const key = await vault.keyById(`${owner}:${version}`);
    if (!key) continue;
    const name = contentName(key, sha256);
    if (await exists(name)) return name;
  }
  return undefined;
}

/**
 * The decrypted bytes as a stream. The first record is authenticated before anything is handed out, so a file
 * damaged at its start is an error, not a broken stream; a stream destroyed early closes its source.
 */
export async function readableOf(source: AsyncIterable<Buffer>): Promise<Readable> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* all(): AsyncGenerator<Buffer> {
    try {
      if (!first.done) yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  const readable = Readable.from(all(), { objectMode: false });
  readable.once('close', () => void iterator.return?.(undefined));
  return readable;
}

/** SHA-256 and length of the decrypted bytes; damaged or missing content is a result, not an error. */
export async function rehashOf(decrypt: () => Promise<AsyncIterable<Buffer>>): Promise<EvidenceRehash> {
  try {
    const hash = createHash('sha256');
    let byteLength = 0;
    for await (const piece of await decrypt()) {
      hash.update(piece);
      byteLength += piece.length;
    }
    return { sha256: hash.digest('hex'), byteLength };
  } catch (error) {
    if (error instanceof EvidenceUnreadableError) return { sha256: null, failure: 'unreadable' };
    if (error instanceof EvidenceMissingError) return { sha256: null, failure: 'missing' };
    throw error;
  }
}

/** In-process critical sections by name: `run` starts `work` after every earlier section of the same name finished. */
export class NamedLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => current);
    this.tails.set(name, chained);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(name) === chained) this.tails.delete(name);
    }
  }
}
