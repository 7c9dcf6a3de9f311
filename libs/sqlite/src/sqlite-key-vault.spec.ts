import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERASED, KeyShreddedError, PersonalDataSealer, isSealed } from '#application';
import type { PersonalDataMap } from '#domain';
import { SqliteKeyVault } from './sqlite-key-vault.js';

const MAP: PersonalDataMap = {
  ReporterIdentityProvided: [{ path: 'identity', subject: { field: 'subjectRef' } }],
  TipReceived: [
    { path: 'narrative', subject: 'stream' },
    { path: 'attachments[].fileName', subject: 'stream' },
  ],
};

describe('SQLite key vault and personal-data sealing', () => {
  let dir: string;
  let vault: SqliteKeyVault;
  const master = randomBytes(32);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-kv-'));
    vault = new SqliteKeyVault(join(dir, 'keys.sqlite'), master);
  });
  afterEach(async () => {
    await vault.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates one key per subject and finds it again by id after a reopen', async () => {
    const a = await vault.keyFor('subject-a');
    expect(a.kid).toBe('subject-a:1');
    expect((await vault.keyFor('subject-a')).key.equals(a.key)).toBe(true);
    expect((await vault.keyFor('subject-b')).key.equals(a.key)).toBe(false);
    await vault.close();
    vault = new SqliteKeyVault(join(dir, 'keys.sqlite'), master);
    expect((await vault.keyById('subject-a:1'))?.equals(a.key)).toBe(true);
    expect(await vault.keyById('unknown:1')).toBeUndefined();
    expect(await vault.keyById('no-version')).toBeUndefined();
  });

  it('creates the keys of many new subjects asked for at once in one write, one key per subject', async () => {
    const subjects = Array.from({ length: 10 }, (_, i) => `burst-${i}`);
    const keys = await Promise.all(subjects.flatMap((s) => [vault.keyFor(s), vault.keyFor(s), vault.keyFor(s)]));
    for (let i = 0; i < subjects.length; i++) {
      const [a, b, c] = keys.slice(i * 3, i * 3 + 3);
      expect(a!.kid).toBe(`${subjects[i]}:1`);
      expect(a!.key.equals(b!.key) && a!.key.equals(c!.key)).toBe(true);
    }
    expect(new Set(keys.map((k) => k.key.toString('hex'))).size).toBe(10);
    await vault.close();
    vault = new SqliteKeyVault(join(dir, 'keys.sqlite'), master);
    for (let i = 0; i < subjects.length; i++) expect((await vault.keyById(`${subjects[i]}:1`))!.equals(keys[i * 3]!.key)).toBe(true);
  });

  it('refuses a master key of the wrong size, and a wrong master key cannot unwrap', async () => {
    expect(() => new SqliteKeyVault(join(dir, 'x.sqlite'), randomBytes(16))).toThrow(RangeError);
    await vault.keyFor('subject-a');
    await vault.close();
    vault = new SqliteKeyVault(join(dir, 'keys.sqlite'), randomBytes(32));
    await expect(vault.keyById('subject-a:1')).rejects.toThrow();
  });

  it('stores no key in clear: the vault file does not contain the data key', async () => {
    const { key } = await vault.keyFor('subject-a');
    await vault.close();
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).includes(key)).toBe(false);
    vault = new SqliteKeyVault(join(dir, 'keys.sqlite'), master);
  });

  it('seals the mapped fields with AAD = eventId/path, and opens them again', async () => {
    const sealer = new PersonalDataSealer(vault);
    const data = { tipNo: 'T-1', narrative: 'นายสมชาย took a bribe', attachments: [{ fileName: 'receipt.pdf', sha256: 'ab' }, { fileName: 'photo.jpg', sha256: 'cd' }] };
    const sealed = await sealer.seal(MAP, 'tip-1', 'event-1', 'TipReceived', data);
    expect(sealed.piiSubjects).toEqual(['tip-1']);
    expect(sealed.data.tipNo).toBe('T-1');
    expect(isSealed(sealed.data.narrative)).toBe(true);
    const attachments = sealed.data.attachments as Array<Record<string, unknown>>;
    expect(isSealed(attachments[1]!.fileName)).toBe(true);
    expect(attachments[1]!.sha256).toBe('cd');
    expect(JSON.stringify(sealed.data)).not.toContain('bribe');
    expect(data.narrative).toBe('นายสมชาย took a bribe');

    expect(await sealer.open(MAP, 'event-1', 'TipReceived', sealed.data)).toEqual(data);
    const partly = await sealer.open(MAP, 'event-1', 'TipReceived', sealed.data, (path) => path === 'narrative');
    expect(partly.narrative).toBe(data.narrative);
    expect(isSealed((partly.attachments as Array<Record<string, unknown>>)[0]!.fileName)).toBe(true);
    // A sealed value moved to another event or field does not open.
    await expect(sealer.open(MAP, 'event-2', 'TipReceived', sealed.data)).rejects.toThrow();
    expect(await sealer.open(MAP, 'event-1', 'Unmapped', sealed.data)).toBe(sealed.data);
  });

  it('opens every sealed field that shares a parent object with another (custody.holder beside custody.location)', async () => {
    // Regression: open() copied the parent object once per field, so the first field's key lookup wrote its
    // plain text into a copy the second field had already replaced: custody.holder came back still sealed.
    const sealer = new PersonalDataSealer(vault);
    const map: PersonalDataMap = { EvidenceLogged: [{ path: 'custody.holder', subject: 'stream' }, { path: 'custody.location', subject: 'stream' }] };
    const data = { evidenceId: 'e-1', custody: { custodyNo: 1, holder: 'ร.ต.อ. สมศักดิ์', location: 'ตู้เก็บหลักฐาน 3' } };
    const sealed = await sealer.seal(map, 'case-1', 'event-9', 'EvidenceLogged', data);
    const custody = sealed.data.custody as Record<string, unknown>;
    expect([isSealed(custody.holder), isSealed(custody.location), custody.custodyNo]).toEqual([true, true, 1]);
    expect(await sealer.open(map, 'event-9', 'EvidenceLogged', sealed.data)).toEqual(data);
  });

  it('seals a subject field under that subject and refuses an event without its subject', async () => {
    const sealer = new PersonalDataSealer(vault);
    const sealed = await sealer.seal(MAP, 'tip-1', 'e', 'ReporterIdentityProvided', { subjectRef: 'person-1', identity: { fullName: 'Somchai' } });
    expect(sealed.piiSubjects).toEqual(['person-1']);
    expect((sealed.data.identity as { kid: string }).kid).toBe('person-1:1');
    await expect(sealer.seal(MAP, 'tip-1', 'e', 'ReporterIdentityProvided', { identity: { fullName: 'x' } })).rejects.toThrow(/no subject/);
  });

  it('after shredding, sealed fields read as erased and the subject gets no new key', async () => {
    const sealer = new PersonalDataSealer(vault);
    const sealed = await sealer.seal(MAP, 'tip-1', 'e', 'ReporterIdentityProvided', { subjectRef: 'person-1', identity: { fullName: 'Somchai' } });
    expect(await vault.isShredded('person-1')).toBe(false);
    await vault.shred('person-1');
    expect(await vault.isShredded('person-1')).toBe(true);
    expect((await sealer.open(MAP, 'e', 'ReporterIdentityProvided', sealed.data)).identity).toEqual(ERASED);
    await expect(vault.keyFor('person-1')).rejects.toBeInstanceOf(KeyShreddedError);
    // Shredding a subject that never had a key leaves a tombstone, so no key can be made for it later.
    await vault.shred('person-2');
    await expect(vault.keyFor('person-2')).rejects.toBeInstanceOf(KeyShreddedError);
  });

  it('stops using a key at once when another connection (the CLI) shreds it, and keeps its cache otherwise', async () => {
    const sealer = new PersonalDataSealer(vault);
    const sealed = await sealer.seal(MAP, 'tip-1', 'e', 'ReporterIdentityProvided', { subjectRef: 'person-1', identity: { fullName: 'Somchai' } });
    const narrative = await sealer.seal(MAP, 'tip-1', 'e2', 'TipReceived', { narrative: 'a bribe', attachments: [] });
    const person = await vault.keyFor('person-1');
    const untouched = await vault.keyFor('person-5');
    expect(await vault.keyById('tip-1:1')).toBeDefined();
    // A second process on the same file, as `cli retention run` or `reapply-shreds` is.
    const other = new SqliteKeyVault(join(dir, 'keys.sqlite'), master);
    try {
      expect((await other.keyFor('person-1')).key.equals(person.key)).toBe(true);
      await other.shred('person-1');
      await other.shred('tip-1');
    } finally {
      await other.close();
    }
    // This vault had both keys cached: it neither seals under them nor opens with them any more.
    await expect(vault.keyFor('person-1')).rejects.toBeInstanceOf(KeyShreddedError);
    await expect(vault.keyFor('tip-1')).rejects.toBeInstanceOf(KeyShreddedError);
    expect(await vault.keyById('person-1:1')).toBeUndefined();
    expect((await sealer.open(MAP, 'e', 'ReporterIdentityProvided', sealed.data)).identity).toEqual(ERASED);
    expect((await sealer.open(MAP, 'e2', 'TipReceived', narrative.data)).narrative).toEqual(ERASED);
    await expect(sealer.seal(MAP, 'tip-1', 'e3', 'TipReceived', { narrative: 'more', attachments: [] })).rejects.toBeInstanceOf(KeyShreddedError);
    // Keys the other connection did not touch still work (read again from the file).
    expect((await vault.keyFor('person-5')).key.equals(untouched.key)).toBe(true);
  });
});
