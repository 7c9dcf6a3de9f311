import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { ERASED, KeyShreddedError, PersonalDataSealer, isSealed } from '#application';
import type { PersonalDataMap } from '#domain';
import { MongoKeyVault } from './mongo-key-vault.js';
import { mongoTestUrl } from '../../../test/support/mongo-env.js';

/** The SqliteKeyVault behaviour on a MongoDB-wire server; skipped outside CI only when MONGODB_URL is unset. */
const url = mongoTestUrl('MongoDB key vault and personal-data sealing');

const MAP: PersonalDataMap = {
  ReporterIdentityProvided: [{ path: 'identity', subject: { field: 'subjectRef' } }],
  TipReceived: [{ path: 'narrative', subject: 'stream' }],
};

let databases = 0;

(url ? describe : describe.skip)('MongoDB key vault and personal-data sealing', () => {
  let client: MongoClient;
  let database: string;
  let vault: MongoKeyVault;
  const master = randomBytes(32);
  beforeAll(async () => {
    client = new MongoClient(url!, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
  });
  beforeEach(() => {
    databases += 1;
    database = `ct_keys_${process.pid}_${databases}`;
    vault = new MongoKeyVault(client, master, { database });
  });
  afterEach(async () => {
    await vault.db.dropDatabase();
  });

  it('refuses a master key of the wrong size', () => {
    expect(() => new MongoKeyVault(client, randomBytes(16), { database })).toThrow(RangeError);
  });

  it('creates one key per subject and finds it again by id from another instance', async () => {
    const a = await vault.keyFor('subject-a');
    expect(a.kid).toBe('subject-a:1');
    expect((await vault.keyFor('subject-a')).key.equals(a.key)).toBe(true);
    expect((await vault.keyFor('subject-b')).key.equals(a.key)).toBe(false);
    const reopened = new MongoKeyVault(client, master, { database });
    expect((await reopened.keyById('subject-a:1'))?.equals(a.key)).toBe(true);
    expect(await reopened.keyById('unknown:1')).toBeUndefined();
    expect(await reopened.keyById('no-version')).toBeUndefined();
  });

  it('gives one key per subject when many ask at once', async () => {
    const subjects = Array.from({ length: 10 }, (_, i) => `burst-${i}`);
    const other = new MongoKeyVault(client, master, { database });
    const keys = await Promise.all(subjects.flatMap((s) => [vault.keyFor(s), other.keyFor(s), vault.keyFor(s)]));
    for (let i = 0; i < subjects.length; i++) {
      const [a, b, c] = keys.slice(i * 3, i * 3 + 3);
      expect(a!.kid).toBe(`${subjects[i]}:1`);
      expect(a!.key.equals(b!.key) && a!.key.equals(c!.key)).toBe(true);
    }
    expect(new Set(keys.map((k) => k.key.toString('hex'))).size).toBe(10);
  });

  it('stores keys wrapped by the master key only: the document holds no clear key, a wrong master key cannot unwrap', async () => {
    const { key } = await vault.keyFor('subject-a');
    const raw = await vault.db.collection('subject_keys').findOne({ _id: 'subject-a:1' as never });
    expect(raw).not.toBeNull();
    const stored = Buffer.from((raw!.wrapped as { buffer: Uint8Array }).buffer);
    expect(stored.length).toBe(12 + 32 + 16);
    expect(stored.includes(key)).toBe(false);
    const wrong = new MongoKeyVault(client, randomBytes(32), { database });
    await expect(wrong.keyById('subject-a:1')).rejects.toThrow();
  });

  it('seals with its keys and opens again', async () => {
    const sealer = new PersonalDataSealer(vault);
    const sealed = await sealer.seal(MAP, 'tip-1', 'event-1', 'TipReceived', { tipNo: 'T-1', narrative: 'นายสมชาย took a bribe' });
    expect(isSealed(sealed.data.narrative)).toBe(true);
    expect(JSON.stringify(sealed.data)).not.toContain('bribe');
    expect(await sealer.open(MAP, 'event-1', 'TipReceived', sealed.data)).toEqual({ tipNo: 'T-1', narrative: 'นายสมชาย took a bribe' });
  });

  it('after shredding, sealed fields read as erased, the subject gets no new key, and a never-keyed subject keeps a tombstone', async () => {
    const sealer = new PersonalDataSealer(vault);
    const sealed = await sealer.seal(MAP, 'tip-1', 'e', 'ReporterIdentityProvided', { subjectRef: 'person-1', identity: { fullName: 'Somchai' } });
    expect(await vault.isShredded('person-1')).toBe(false);
    await vault.shred('person-1');
    expect(await vault.isShredded('person-1')).toBe(true);
    expect((await sealer.open(MAP, 'e', 'ReporterIdentityProvided', sealed.data)).identity).toEqual(ERASED);
    await expect(vault.keyFor('person-1')).rejects.toBeInstanceOf(KeyShreddedError);
    expect(await vault.db.collection('subject_keys').findOne({ _id: 'person-1:1' as never })).toMatchObject({ wrapped: null, shreddedAt: expect.any(String) });
    await vault.shred('person-2');
    expect(await vault.isShredded('person-2')).toBe(true);
    await expect(vault.keyFor('person-2')).rejects.toBeInstanceOf(KeyShreddedError);
    expect(await vault.isShredded('person-3')).toBe(false);
  });

  it('stops using a key at once when another process shreds it', async () => {
    const sealer = new PersonalDataSealer(vault);
    const sealed = await sealer.seal(MAP, 'tip-1', 'e', 'ReporterIdentityProvided', { subjectRef: 'person-1', identity: { fullName: 'Somchai' } });
    const untouched = await vault.keyFor('person-5');
    const other = new MongoKeyVault(client, master, { database });
    await other.shred('person-1');
    await expect(vault.keyFor('person-1')).rejects.toBeInstanceOf(KeyShreddedError);
    expect(await vault.keyById('person-1:1')).toBeUndefined();
    expect((await sealer.open(MAP, 'e', 'ReporterIdentityProvided', sealed.data)).identity).toEqual(ERASED);
    expect((await vault.keyFor('person-5')).key.equals(untouched.key)).toBe(true);
  });
});
