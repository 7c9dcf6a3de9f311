import { createHash, randomBytes } from 'node:crypto';
import { ChunkDecryptor, ChunkEncryptor, CipherIntegrityError, HEADER_BYTES, NONCE_BYTES, TAG_BYTES, contentName, parseHeader } from './chunked-cipher.js';

const KEY = randomBytes(32);
const CHUNK = 64; // small chunks, so that a few hundred bytes span many records

/** Encrypts `plain` fed in pieces of `piece` bytes; returns the whole file. */
function encrypt(plain: Buffer, piece = 17, key = KEY, chunk = CHUNK): Buffer {
  const encryptor = new ChunkEncryptor(key, 3, chunk);
  const out: Buffer[] = [encryptor.header];
  for (let i = 0; i < plain.length; i += piece) out.push(...encryptor.push(plain.subarray(i, i + piece)));
  out.push(encryptor.final());
  return Buffer.concat(out);
}

function decrypt(file: Buffer, piece = 23, key = KEY): Buffer {
  const header = parseHeader(file.subarray(0, HEADER_BYTES));
  const decryptor = new ChunkDecryptor(key, header);
  const out: Buffer[] = [];
  const body = file.subarray(HEADER_BYTES);
  for (let i = 0; i < body.length; i += piece) out.push(...decryptor.push(body.subarray(i, i + piece)));
  out.push(decryptor.final());
  return Buffer.concat(out);
}

const RECORD = NONCE_BYTES + CHUNK + TAG_BYTES;

describe('chunked AES-256-GCM evidence cipher', () => {
  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5, 1000])('round-trips %i bytes whatever the piece sizes', (size) => {
    const plain = randomBytes(size);
    for (const [inPiece, outPiece] of [[1, 7], [17, 23], [CHUNK, RECORD], [5000, 5000]] as const) {
      const file = encrypt(plain, inPiece);
      expect(decrypt(file, outPiece).equals(plain)).toBe(true);
      // header + one record per started chunk, the last one possibly empty: records never carry padding.
      const records = Math.max(1, Math.ceil(size / CHUNK));
      expect(file.length).toBe(HEADER_BYTES + size + records * (NONCE_BYTES + TAG_BYTES));
    }
  });

  it('holds no plaintext: a repeated marker does not appear in the file, and two encryptions differ', () => {
    const plain = Buffer.from('Marker-plaintext-0001 '.repeat(40), 'utf8');
    const a = encrypt(plain);
    const b = encrypt(plain);
    expect(a.includes(Buffer.from('Marker-plaintext'))).toBe(false);
    expect(a.equals(b)).toBe(false);
    expect(parseHeader(a).keyVersion).toBe(3);
    expect(parseHeader(a).chunkBytes).toBe(CHUNK);
  });

  const plain = randomBytes(5 * CHUNK + 10);
  const file = encrypt(plain);
  const expectBroken = (damaged: Buffer, key = KEY) => expect(() => decrypt(damaged, 23, key)).toThrow(CipherIntegrityError);

  it('detects truncation: mid-record, at a record boundary, and down to the header', () => {
    expectBroken(file.subarray(0, file.length - 1));
    expectBroken(file.subarray(0, HEADER_BYTES + 2 * RECORD)); // ends after a record that was not sealed as final
    expectBroken(file.subarray(0, HEADER_BYTES + RECORD + 5));
    expectBroken(file.subarray(0, HEADER_BYTES));
  });

  it('detects bytes appended after the final record', () => {
    expectBroken(Buffer.concat([file, Buffer.from([0])]));
    // …even a whole valid-looking record: the former last record was sealed as final, not as a middle one.
    expectBroken(Buffer.concat([file, file.subarray(HEADER_BYTES, HEADER_BYTES + RECORD)]));
  });

  it('detects reordered and duplicated records', () => {
    const records = [0, 1, 2, 3, 4].map((i) => file.subarray(HEADER_BYTES + i * RECORD, HEADER_BYTES + (i + 1) * RECORD));
    const last = file.subarray(HEADER_BYTES + 5 * RECORD);
    const header = file.subarray(0, HEADER_BYTES);
    expectBroken(Buffer.concat([header, records[1]!, records[0]!, records[2]!, records[3]!, records[4]!, last]));
    expectBroken(Buffer.concat([header, records[0]!, records[0]!, records[2]!, records[3]!, records[4]!, last]));
    expectBroken(Buffer.concat([header, records[0]!, records[1]!, records[2]!, records[3]!, last])); // one dropped
  });

  it('detects a flipped bit in a tag, a nonce, a ciphertext byte and the header', () => {
    for (const offset of [HEADER_BYTES + RECORD - 1, HEADER_BYTES + RECORD + 3, HEADER_BYTES + 2 * RECORD + NONCE_BYTES + 7, file.length - 1, 12, 7]) {
      const damaged = Buffer.from(file);
      damaged[offset]! ^= 0x01;
      expect(() => decrypt(damaged)).toThrow(CipherIntegrityError);
    }
  });

  it('refuses records spliced from another file under the same key, and the wrong key', () => {
    const other = encrypt(plain);
    const spliced = Buffer.concat([file.subarray(0, HEADER_BYTES + RECORD), other.subarray(HEADER_BYTES + RECORD)]);
    expectBroken(spliced);
    expectBroken(file, randomBytes(32));
  });

  it('refuses what is not an evidence file', () => {
    expect(() => parseHeader(Buffer.from('%PDF-1.7 not encrypted at all'))).toThrow(CipherIntegrityError);
    const future = Buffer.from(file.subarray(0, HEADER_BYTES));
    future[4] = 2;
    expect(() => parseHeader(future)).toThrow(CipherIntegrityError);
  });

  it('names content by a keyed hash of its SHA-256: stable per key, unrelated across keys, not the hash itself', () => {
    const sha = createHash('sha256').update(plain).digest('hex');
    const name = contentName(KEY, sha);
    expect(name).toMatch(/^[0-9a-f]{64}$/);
    expect(contentName(KEY, sha)).toBe(name);
    expect(contentName(randomBytes(32), sha)).not.toBe(name);
    expect(name).not.toBe(sha);
  });
});
