import type { Readable } from 'node:stream';

/**
 * Where the bytes of evidence files and reporter attachments live, encrypted at rest under the key of the
 * stream they belong to (the owner: `case-<id>`, `tip-<id>`), so that shredding that key at the end of
 * retention (or on erasure) makes them unreadable. Content-addressed per owner: the same bytes stored twice
 * for one owner are kept once. The embedded adapter keeps files on disk; the production profile will use
 * MongoDB GridFS behind the same port.
 */
export interface StoredEvidence {
  /** Opaque, e.g. `evidence:v1:<name>`; the name reveals nothing about the content without the owner's key. */
  storageUri: string;
  /** SHA-256 of the plaintext, lower-case hex: what events record and verification recomputes. */
  sha256: string;
  byteLength: number;
  /** False when the owner already had identical content stored (nothing new was written). */
  created: boolean;
}

/** The result of re-reading stored content: its hash, or why it could not be read back. */
export type EvidenceRehash = { sha256: string; byteLength: number } | { sha256: null; failure: 'unreadable' | 'missing' };

/** The owner's key has been shredded: the content is gone for good. */
export class EvidenceErasedError extends Error {
  readonly code = 'EVIDENCE.ERASED';
  constructor() {
    super('the content was erased: the key it was encrypted under has been shredded');
    this.name = 'EvidenceErasedError';
  }
}

/** The stored file does not exist (deleted or moved outside the application). */
export class EvidenceMissingError extends Error {
  readonly code = 'EVIDENCE.MISSING';
  constructor() {
    super('the stored content is missing');
    this.name = 'EvidenceMissingError';
  }
}

/** The stored bytes fail authentication (tampered, truncated, reordered) or are not in a known format. */
export class EvidenceUnreadableError extends Error {
  readonly code = 'EVIDENCE.UNREADABLE';
  constructor(reason: string) {
    super(`the stored content cannot be read back: ${reason}`);
    this.name = 'EvidenceUnreadableError';
  }
}

export abstract class EvidenceStore {
  /** Whether `storageUri` names content this store holds (other URIs are references to items kept elsewhere). */
  abstract handles(storageUri: string): boolean;

  /**
   * Encrypts and stores `content` under the owner's key, hashing the plaintext on the way. An error thrown
   * by `content` (a limit, a refused type, a broken upload) is rethrown after the partial file is removed.
   * Throws EvidenceErasedError when the owner's key has been shredded.
   */
  abstract put(owner: string, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<StoredEvidence>;

  /**
   * Undoes a `put` whose record could not be written (the command was refused): removes the content if that
   * put created it and no other put has since stored the same content for the owner.
   */
  abstract discard(owner: string, stored: StoredEvidence): Promise<void>;

  /** The URI under which the owner's content with this SHA-256 is stored (content addressing), if it is. */
  abstract locate(owner: string, sha256: string): Promise<string | undefined>;

  /**
   * The decrypted content. The file, the key and the first chunk are checked before this returns (so an
   * answer can still be an error); a later chunk that fails authentication errors the stream with
   * EvidenceUnreadableError, never handing out unauthenticated bytes.
   * Throws EvidenceErasedError, EvidenceMissingError or EvidenceUnreadableError.
   */
  abstract open(owner: string, storageUri: string): Promise<Readable>;

  /** Decrypts and re-hashes the whole content. Throws only EvidenceErasedError (nothing left to verify). */
  abstract rehash(owner: string, storageUri: string): Promise<EvidenceRehash>;
}
