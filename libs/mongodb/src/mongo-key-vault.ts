import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Binary, MongoBulkWriteError, MongoServerError, type Collection, type Db, type MongoClient } from 'mongodb';
import { KeyShreddedError, KeyVault, type DataKey } from '#application';

const DUPLICATE_KEY = 11000;

interface KeyDoc {
  /** `subjectRef:version`, the key id. */
  _id: string;
  subjectRef: string;
  version: number;
  /** iv ‖ ciphertext ‖ tag under the master key; null once shredded. */
  wrapped: Binary | null;
  createdAt: string;
  shreddedAt: string | null;
}

export interface MongoKeyVaultOptions {
  /** Database of the vault — its own, apart from the read models (default `casetrail_keys`). */
  database?: string;
  now?: () => string;
}

function isDuplicate(error: unknown): boolean {
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return true;
  if (error instanceof MongoBulkWriteError) {
    const failures = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return failures.length > 0 && failures.every((f) => f.code === DUPLICATE_KEY);
  }
  return false;
}

/**
 * Data keys in a MongoDB database of their own (never the event log's or the read models'). Each key is
 * wrapped (AES-256-GCM) by the master key from configuration with the key id as AAD, as in SqliteKeyVault.
 * Shredding first claims version 1 with a tombstone (so a key created concurrently collides with it), then
 * overwrites every wrapped key of the subject with null: the vault tells "erased" from "never existed".
 *
 * Nothing is cached: every call reads the key document (one indexed read by `_id` or subject), so a
 * shred made by another process (the CLI) takes effect at once — MongoDB-wire servers without change
 * streams (FerretDB) give no other way to learn of it.
 */
export class MongoKeyVault extends KeyVault {
  readonly db: Db;
  private readonly keys: Collection<KeyDoc>;
  private readonly masterKey: Buffer;
  private readonly now: () => string;
  private ready?: Promise<void>;

  constructor(client: MongoClient, masterKey: Buffer, options: MongoKeyVaultOptions = {}) {
    super();
    if (masterKey.length !== 32) throw new RangeError('the key-vault master key must be 32 bytes');
    this.masterKey = masterKey;
    this.now = options.now ?? (() => new Date().toISOString());
    this.db = client.db(options.database ?? 'casetrail_keys');
    this.keys = this.db.collection<KeyDoc>('subject_keys');
  }

  private init(): Promise<void> {
    this.ready ??= this.keys.createIndex({ subjectRef: 1, version: -1 }, { name: 'by_subject' }).then(() => undefined);
    return this.ready;
  }

  private async current(subjectRef: string): Promise<KeyDoc | undefined> {
    await this.init();
    const [doc] = await this.keys.find({ subjectRef }).sort({ version: -1 }).limit(1).toArray();
    return doc;
  }

  async keyFor(subjectRef: string): Promise<DataKey> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const doc = await this.current(subjectRef);
      if (doc) {
        if (!doc.wrapped) throw new KeyShreddedError(subjectRef);
        return { kid: doc._id, key: this.unwrap(doc._id, Buffer.from(doc.wrapped.buffer)) };
      }
      const kid = `${subjectRef}:1`;
      try {
        // The key is stored (acknowledged) before it is returned: nothing is sealed under a key a crash could lose.
        await this.keys.insertOne({ _id: kid, subjectRef, version: 1, wrapped: new Binary(this.wrap(kid, randomBytes(32))), createdAt: this.now(), shreddedAt: null });
      } catch (error) {
        // Another writer created (or shredded) it first: the stored one wins.
        if (!isDuplicate(error)) throw error;
      }
    }
    throw new Error(`could not create a key for ${subjectRef}`);
  }

  async keyById(kid: string): Promise<Buffer | undefined> {
    if (kid.lastIndexOf(':') < 0) return undefined;
    await this.init();
    const doc = await this.keys.findOne({ _id: kid });
    return doc?.wrapped ? this.unwrap(kid, Buffer.from(doc.wrapped.buffer)) : undefined;
  }

  async shred(subjectRef: string): Promise<void> {
    await this.init();
    const at = this.now();
    try {
      await this.keys.insertOne({ _id: `${subjectRef}:1`, subjectRef, version: 1, wrapped: null, createdAt: at, shreddedAt: at });
    } catch (error) {
      if (!isDuplicate(error)) throw error;
    }
    await this.keys.updateMany({ subjectRef }, { $set: { wrapped: null, shreddedAt: at } });
  }

  async isShredded(subjectRef: string): Promise<boolean> {
    const doc = await this.current(subjectRef);
    return doc !== undefined && doc.wrapped === null;
  }

  /** The client belongs to the caller. */
  async close(): Promise<void> {}

  private wrap(kid: string, key: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(Buffer.from(kid));
    return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
  }

  private unwrap(kid: string, wrapped: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
    return Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()]);
  }
}
