import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Streaming authenticated encryption of evidence files (format `CTEV` v1), so that a file of any size is
 * encrypted and decrypted in constant memory and every byte handed out has been authenticated.
 *
 * ```
 * header  = "CTEV" ‖ 0x01 ‖ log2(chunkSize) ‖ keyVersion (uint32 BE) ‖ fileId (16 random bytes)      26 bytes
 * record  = nonce (12 random bytes) ‖ AES-256-GCM(fileKey, nonce, chunk, aad) ‖ tag (16)
 * aad     = header ‖ chunk index (uint64 BE) ‖ final flag (0x00, or 0x01 for the last record)
 * fileKey = HKDF-SHA256(data key, salt = fileId, info = "casetrail/evidence/v1/content")
 * ```
 *
 * Every record but the last holds exactly `chunkSize` plaintext bytes; the last holds 0..chunkSize and is the
 * only one sealed with the final flag. So a reordered record fails (index in the AAD), a record from another
 * file fails (header, hence fileId, in the AAD; and a different file key), a file cut at a record boundary
 * fails (its new last record was not sealed as final), appended bytes fail (the previous last record is not
 * sealed as non-final), and a flipped bit anywhere fails (header: every AAD; records: their tag).
 */

export const MAGIC = Buffer.from('CTEV', 'latin1');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 26;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
const CONTENT_INFO = Buffer.from('casetrail/evidence/v1/content', 'utf8');
const NAME_INFO = Buffer.from('casetrail/evidence/v1/name', 'utf8');

/** Authentication failed, or the bytes are not a CTEV v1 file. */
export class CipherIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CipherIntegrityError';
  }
}

export interface CipherHeader {
  chunkBytes: number;
  keyVersion: number;
  fileId: Buffer;
  bytes: Buffer;
}

function fileKey(dataKey: Buffer, fileId: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, fileId, CONTENT_INFO, 32));
}

/** The content-addressed name of plaintext with this SHA-256 under the owner's data key: reveals nothing without the key. */
export function contentName(dataKey: Buffer, sha256Hex: string): string {
  const nameKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), NAME_INFO, 32));
  return createHmac('sha256', nameKey).update(sha256Hex, 'utf8').digest('hex');
}

function aad(header: Buffer, index: number, final: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail[8] = final ? 1 : 0;
  return Buffer.concat([header, tail]);
}

export function encodeHeader(chunkBytes: number, keyVersion: number, fileId: Buffer): Buffer {
  const exponent = Math.log2(chunkBytes);
  if (!Number.isInteger(exponent) || exponent < 4 || exponent > 24) throw new RangeError('chunk size must be a power of two between 16 B and 16 MiB');
  if (fileId.length !== 16) throw new RangeError('fileId must be 16 bytes');
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header[4] = FORMAT_VERSION;
  header[5] = exponent;
  header.writeUInt32BE(keyVersion, 6);
  fileId.copy(header, 10);
  return header;
}

export function parseHeader(bytes: Buffer): CipherHeader {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 4).equals(MAGIC)) throw new CipherIntegrityError('not an evidence file');
  if (bytes[4] !== FORMAT_VERSION) throw new CipherIntegrityError(`unknown format version ${bytes[4]}`);
  const exponent = bytes[5]!;
  if (exponent < 4 || exponent > 24) throw new CipherIntegrityError('invalid chunk size');
  const header = Buffer.from(bytes.subarray(0, HEADER_BYTES));
  return { chunkBytes: 2 ** exponent, keyVersion: header.readUInt32BE(6), fileId: header.subarray(10, 26), bytes: header };
}

/** Encrypts a stream of plaintext pieces: `header`, then whatever `push` returns, then `final()`. */
export class ChunkEncryptor {
  readonly header: Buffer;
  private readonly key: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;
  private finished = false;

  constructor(dataKey: Buffer, keyVersion: number, private readonly chunkBytes = DEFAULT_CHUNK_BYTES, fileId: Buffer = randomBytes(16)) {
    this.header = encodeHeader(chunkBytes, keyVersion, fileId);
    this.key = fileKey(dataKey, fileId);
  }

  /** Records completed by this piece. A full chunk is held back until more data shows it is not the last. */
  push(piece: Uint8Array): Buffer[] {
    if (this.finished) throw new Error('encryptor already finished');
    this.pending = this.pending.length === 0 ? Buffer.from(piece) : Buffer.concat([this.pending, piece]);
    const records: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset > this.chunkBytes) {
      records.push(this.seal(this.pending.subarray(offset, offset + this.chunkBytes), false));
      offset += this.chunkBytes;
    }
    if (offset > 0) this.pending = Buffer.from(this.pending.subarray(offset));
    return records;
  }

  /** The last record (possibly of zero plaintext bytes), sealed as final. */
  final(): Buffer {
    if (this.finished) throw new Error('encryptor already finished');
    this.finished = true;
    const record = this.seal(this.pending, true);
    this.pending = Buffer.alloc(0);
    return record;
  }

  private seal(chunk: Buffer, final: boolean): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(aad(this.header, this.index++, final));
    return Buffer.concat([nonce, cipher.update(chunk), cipher.final(), cipher.getAuthTag()]);
  }
}

/** Decrypts the records that follow a parsed header; throws CipherIntegrityError on any tampering. */
export class ChunkDecryptor {
  private readonly key: Buffer;
  private readonly recordBytes: number;
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;
  private finished = false;

  constructor(dataKey: Buffer, private readonly header: CipherHeader) {
    this.key = fileKey(dataKey, header.fileId);
    this.recordBytes = NONCE_BYTES + header.chunkBytes + TAG_BYTES;
  }

  /** Plaintext of the records completed by this piece: a full record is opened once more bytes follow it. */
  push(piece: Uint8Array): Buffer[] {
    if (this.finished) throw new Error('decryptor already finished');
    this.pending = this.pending.length === 0 ? Buffer.from(piece) : Buffer.concat([this.pending, piece]);
    const plain: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset > this.recordBytes) {
      plain.push(this.open(this.pending.subarray(offset, offset + this.recordBytes), false));
      offset += this.recordBytes;
    }
    if (offset > 0) this.pending = Buffer.from(this.pending.subarray(offset));
    return plain;
  }

  /** The last record's plaintext; throws if the file ended anywhere but after a record sealed as final. */
  final(): Buffer {
    if (this.finished) throw new Error('decryptor already finished');
    this.finished = true;
    if (this.pending.length < NONCE_BYTES + TAG_BYTES) throw new CipherIntegrityError('truncated');
    return this.open(this.pending, true);
  }

  private open(record: Buffer, final: boolean): Buffer {
    const nonce = record.subarray(0, NONCE_BYTES);
    const tag = record.subarray(record.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
    decipher.setAAD(aad(this.header.bytes, this.index, final));
    decipher.setAuthTag(tag);
    try {
      const plain = Buffer.concat([decipher.update(record.subarray(NONCE_BYTES, record.length - TAG_BYTES)), decipher.final()]);
      this.index++;
      return plain;
    } catch {
      throw new CipherIntegrityError(`record ${this.index} failed authentication`);
    }
  }
}
