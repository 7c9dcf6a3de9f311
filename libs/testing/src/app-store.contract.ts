import {
  ANCHOR_FORMAT,
  UsernameTakenError,
  type AnchorStore,
  type IdempotencyStore,
  type ReceiptIndex,
  type ReporterSession,
  type ReporterSessionStore,
  type SignedAnchor,
  type StoredResponse,
  type StreamHead,
  type UserDirectory,
  type UserRecord,
} from '#application';

/** The five stores an embedded deployment keeps in `app.sqlite`, over one storage. */
export interface AppStores {
  users: UserDirectory;
  idempotency: IdempotencyStore;
  receipts: ReceiptIndex;
  sessions: ReporterSessionStore;
  anchors: AnchorStore;
}

export interface AppStoreFixture {
  stores: AppStores;
  /** The same storage through a connection of its own, as a second service process would see it. */
  another(): Promise<AppStores>;
  /** Tear down (close connections, delete files, drop databases). */
  dispose(): Promise<void>;
}

/** Minutes after a fixed instant, as the ISO-8601 text every store compares. */
const at = (minutes: number): string => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    userId: 'user-1',
    username: 'alice',
    displayName: 'Alice Example',
    roles: ['intake_officer', 'investigator'],
    officeCode: 'BKK',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    passwordChangedAt: at(0),
    createdAt: at(0),
    clearances: [],
    ...overrides,
  };
}

function response(overrides: Partial<StoredResponse> = {}): StoredResponse {
  return { fingerprint: 'f'.repeat(64), status: 201, headers: { etag: '"3"', location: '/cases/case-1' }, body: JSON.stringify({ caseId: 'case-1', version: 3 }), ...overrides };
}

function session(overrides: Partial<ReporterSession> = {}): ReporterSession {
  return { sessionId: 'session-1', tipId: 'tip-1', createdAt: at(0), expiresAt: at(30), receiptLookup: 'a'.repeat(64), ...overrides };
}

function anchor(anchorId: string, createdAt: string): SignedAnchor {
  return {
    format: ANCHOR_FORMAT,
    anchorId,
    position: '0000000000000042',
    streamCount: 2,
    eventCount: 42,
    merkleRoot: 'b'.repeat(64),
    createdAt,
    keyId: '0123456789abcdef',
    publicKey: 'MCowBQYDK2VwAyEA' + 'A'.repeat(43) + '=',
    signature: 'c2lnbmF0dXJl'.repeat(7),
  };
}

const head = (streamId: string, version = 1): StreamHead => ({ streamId, version, hash: `${streamId}-${version}`.padEnd(64, '0') });

/** Settles every promise and sorts the outcomes: how many resolved, and the rejections. */
async function outcomes(promises: Promise<unknown>[]): Promise<{ won: number; errors: unknown[] }> {
  const settled = await Promise.allSettled(promises);
  return { won: settled.filter((s) => s.status === 'fulfilled').length, errors: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])) };
}

/**
 * The behaviour every adapter of the app stores (UserDirectory, IdempotencyStore, ReceiptIndex,
 * ReporterSessionStore, AnchorStore) must show: what the SQLite adapters do, method by method, and what
 * AuthService, the idempotency interceptor, reporter access and the anchor routes rely on. Uniqueness is
 * checked with concurrent writers on two connections, as two service processes would write.
 * Run it from the adapter's own spec: `appStoreContract('sqlite', async () => ({ stores, another, dispose }))`.
 */
/**
 * The promise was refused with an error. Not `instanceof Error`: better-sqlite3 throws from native code, in
 * another realm than jest's sandbox, so only the shape can be checked.
 */
function expectFailure(reason: unknown): void {
  expect(reason).toEqual(expect.objectContaining({ message: expect.any(String) }));
}

export function appStoreContract(name: string, createFixture: () => Promise<AppStoreFixture>): void {
  describe(`app stores contract: ${name}`, () => {
    let fixture: AppStoreFixture;
    let stores: AppStores;

    beforeEach(async () => {
      fixture = await createFixture();
      stores = fixture.stores;
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    describe('UserDirectory: accounts', () => {
      it('creates an account and finds it by id and by username, as it was given', async () => {
        const alice = user({ unitCode: 'UNIT-7' });
        await stores.users.create(alice);
        expect(await stores.users.byId('user-1')).toEqual(alice);
        expect(await stores.users.byUsername('alice')).toEqual(alice);
        expect(await stores.users.byId('user-2')).toBeUndefined();
        expect(await stores.users.byUsername('bob')).toBeUndefined();
        expect(await stores.users.count()).toBe(1);
      });

      it('leaves out what an account does not have: no unit, not disabled, no clearances', async () => {
        await stores.users.create(user());
        const found = (await stores.users.byId('user-1'))!;
        expect(found).toEqual(user());
        expect('unitCode' in found).toBe(false);
        expect('disabledAt' in found).toBe(false);
        expect(found.clearances).toEqual([]);
      });

      it('starts a new account with no clearances, whatever the record says: only setClearances grants them', async () => {
        await stores.users.create(user({ clearances: ['audit_content'] }));
        expect((await stores.users.byId('user-1'))!.clearances).toEqual([]);
      });

      it('keeps a disabled time given at creation', async () => {
        await stores.users.create(user({ disabledAt: at(5) }));
        expect((await stores.users.byId('user-1'))!.disabledAt).toBe(at(5));
      });

      it('matches usernames ignoring the case of ASCII letters only, and keeps the spelling it was created with', async () => {
        await stores.users.create(user({ username: 'Alice.Smith' }));
        expect((await stores.users.byUsername('alice.smith'))?.userId).toBe('user-1');
        expect((await stores.users.byUsername('ALICE.SMITH'))?.username).toBe('Alice.Smith');
        expect(await stores.users.byUsername('alice_smith')).toBeUndefined();
        // Letters beyond ASCII are compared as they are: these are two accounts.
        await stores.users.create(user({ userId: 'user-2', username: 'Émile' }));
        await stores.users.create(user({ userId: 'user-3', username: 'émile' }));
        expect((await stores.users.byUsername('Émile'))?.userId).toBe('user-2');
        expect((await stores.users.byUsername('émile'))?.userId).toBe('user-3');
        expect((await stores.users.byUsername('ÉMILE'))?.userId).toBe('user-2');
        expect((await stores.users.byUsername('éMILE'))?.userId).toBe('user-3');
        expect(await stores.users.byUsername('emile')).toBeUndefined();
      });

      it('refuses a username already taken, in any ASCII case, with UsernameTakenError, and keeps the first account', async () => {
        await stores.users.create(user({ username: 'alice' }));
        const error = await stores.users.create(user({ userId: 'user-2', username: 'ALICE', displayName: 'Another' })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UsernameTakenError);
        expect(error).toMatchObject({ code: 'USER.USERNAME_TAKEN', username: 'ALICE' });
        expect(await stores.users.byId('user-2')).toBeUndefined();
        expect((await stores.users.byUsername('alice'))?.displayName).toBe('Alice Example');
        expect(await stores.users.count()).toBe(1);
      });

      it('refuses a user id already taken with another error than UsernameTakenError; both taken is UsernameTakenError', async () => {
        await stores.users.create(user());
        const idTaken = await stores.users.create(user({ username: 'bob' })).catch((e: unknown) => e);
        expectFailure(idTaken);
        expect(idTaken).not.toBeInstanceOf(UsernameTakenError);
        expect(await stores.users.byUsername('bob')).toBeUndefined();
        await expect(stores.users.create(user({ displayName: 'Again' }))).rejects.toBeInstanceOf(UsernameTakenError);
        expect(await stores.users.byId('user-1')).toEqual(user());
      });

      it('of concurrent creations of one username from two processes, exactly one wins; the others get UsernameTakenError', async () => {
        const other = await fixture.another();
        const spellings = ['carol', 'Carol', 'CAROL', 'carol', 'cArOl', 'carol'];
        const { won, errors } = await outcomes(spellings.map((username, i) => (i % 2 ? other : stores).users.create(user({ userId: `user-${i}`, username }))));
        expect(won).toBe(1);
        expect(errors).toHaveLength(spellings.length - 1);
        for (const error of errors) expect(error).toBeInstanceOf(UsernameTakenError);
        expect(await stores.users.count()).toBe(1);
        expect((await other.users.list()).map((u) => u.username.toLowerCase())).toEqual(['carol']);
      });

      it('lists every account by username, ignoring ASCII case, and counts them', async () => {
        for (const [i, username] of ['mallory', 'Bob', 'alice', 'Zed', 'carol'].entries()) await stores.users.create(user({ userId: `user-${i}`, username }));
        expect((await stores.users.list()).map((u) => u.username)).toEqual(['alice', 'Bob', 'carol', 'mallory', 'Zed']);
        expect(await stores.users.count()).toBe(5);
      });

      it('lists nothing and counts 0 when there are no accounts (first start)', async () => {
        expect(await stores.users.list()).toEqual([]);
        expect(await stores.users.count()).toBe(0);
      });

      it('changes the password hash and its change time, and nothing else', async () => {
        await stores.users.create(user());
        await stores.users.create(user({ userId: 'user-2', username: 'bob' }));
        await stores.users.setPassword('user-1', '$argon2id$new', at(60));
        expect(await stores.users.byId('user-1')).toEqual(user({ passwordHash: '$argon2id$new', passwordChangedAt: at(60) }));
        expect(await stores.users.byId('user-2')).toEqual(user({ userId: 'user-2', username: 'bob' }));
        // An unknown user is no error, and creates nothing.
        await stores.users.setPassword('user-9', '$argon2id$x', at(61));
        expect(await stores.users.count()).toBe(2);
      });

      it('replaces clearances (deduplicated, sorted), tells whether the user exists, and can withdraw them all', async () => {
        await stores.users.create(user());
        expect(await stores.users.setClearances('user-1', ['z_clearance', 'audit_content', 'audit_content'])).toBe(true);
        expect((await stores.users.byId('user-1'))!.clearances).toEqual(['audit_content', 'z_clearance']);
        // The same clearances again: the user still exists.
        expect(await stores.users.setClearances('user-1', ['audit_content', 'z_clearance'])).toBe(true);
        expect(await stores.users.setClearances('user-1', [])).toBe(true);
        expect((await stores.users.byId('user-1'))!.clearances).toEqual([]);
        expect(await stores.users.setClearances('user-9', ['audit_content'])).toBe(false);
        expect(await stores.users.byId('user-9')).toBeUndefined();
      });

      it('disables an account (a time) and enables it again (undefined)', async () => {
        await stores.users.create(user());
        await stores.users.setDisabled('user-1', at(10));
        expect((await stores.users.byUsername('alice'))!.disabledAt).toBe(at(10));
        await stores.users.setDisabled('user-1', undefined);
        const enabled = (await stores.users.byId('user-1'))!;
        expect('disabledAt' in enabled).toBe(false);
        expect(enabled).toEqual(user());
        await stores.users.setDisabled('user-9', at(11));
        expect(await stores.users.count()).toBe(1);
      });

      it('shows every change to another process at once', async () => {
        const other = await fixture.another();
        await stores.users.create(user());
        await stores.users.setClearances('user-1', ['audit_content']);
        await stores.users.setDisabled('user-1', at(3));
        expect(await other.users.byUsername('ALICE')).toEqual(user({ clearances: ['audit_content'], disabledAt: at(3) }));
      });
    });

    describe('UserDirectory: tokens', () => {
      beforeEach(async () => {
        await stores.users.create(user());
        await stores.users.create(user({ userId: 'user-2', username: 'bob' }));
      });

      it('finds the user of a token until it expires: not at its expiry time, nor after', async () => {
        await stores.users.saveToken('hash-1', 'user-1', at(60));
        expect(await stores.users.tokenUser('hash-1', at(0))).toBe('user-1');
        expect(await stores.users.tokenUser('hash-1', at(59.99))).toBe('user-1');
        expect(await stores.users.tokenUser('hash-1', at(60))).toBeUndefined();
        expect(await stores.users.tokenUser('hash-1', at(61))).toBeUndefined();
        expect(await stores.users.tokenUser('hash-9', at(0))).toBeUndefined();
        expect(await (await fixture.another()).users.tokenUser('hash-1', at(1))).toBe('user-1');
      });

      it('revokes one token, or every token of one user, and no other', async () => {
        await stores.users.saveToken('hash-1a', 'user-1', at(60));
        await stores.users.saveToken('hash-1b', 'user-1', at(60));
        await stores.users.saveToken('hash-2', 'user-2', at(60));
        await stores.users.revokeToken('hash-1a');
        expect(await stores.users.tokenUser('hash-1a', at(0))).toBeUndefined();
        expect(await stores.users.tokenUser('hash-1b', at(0))).toBe('user-1');
        await stores.users.saveToken('hash-1c', 'user-1', at(60));
        await stores.users.revokeTokensOf('user-1');
        expect(await stores.users.tokenUser('hash-1b', at(0))).toBeUndefined();
        expect(await stores.users.tokenUser('hash-1c', at(0))).toBeUndefined();
        expect(await stores.users.tokenUser('hash-2', at(0))).toBe('user-2');
        // Revoking what is not there is no error.
        await stores.users.revokeToken('hash-1a');
        await stores.users.revokeTokensOf('user-9');
        expect(await stores.users.tokenUser('hash-2', at(0))).toBe('user-2');
      });

      it('refuses a token for an account that does not exist', async () => {
        expectFailure(await stores.users.saveToken('hash-x', 'user-9', at(60)).then(() => undefined, (e: unknown) => e));
        expect(await stores.users.tokenUser('hash-x', at(0))).toBeUndefined();
      });

      it('refuses a token hash already stored and keeps the first', async () => {
        await stores.users.saveToken('hash-1', 'user-1', at(60));
        expectFailure(await stores.users.saveToken('hash-1', 'user-2', at(120)).then(() => undefined, (e: unknown) => e));
        expect(await stores.users.tokenUser('hash-1', at(90))).toBeUndefined();
        expect(await stores.users.tokenUser('hash-1', at(0))).toBe('user-1');
      });

      it('keeps tokens through a password change or disabling: revoking them is the caller’s step', async () => {
        await stores.users.saveToken('hash-1', 'user-1', at(60));
        await stores.users.setPassword('user-1', '$argon2id$new', at(1));
        await stores.users.setDisabled('user-1', at(2));
        expect(await stores.users.tokenUser('hash-1', at(3))).toBe('user-1');
      });

      it('never takes a reporter token for a staff token, nor a staff token for a reporter token', async () => {
        await stores.users.saveToken('shared-hash-staff', 'user-1', at(60));
        await stores.sessions.create('shared-hash-reporter', session());
        expect(await stores.sessions.find('shared-hash-staff', at(0))).toBeUndefined();
        expect(await stores.users.tokenUser('shared-hash-reporter', at(0))).toBeUndefined();
        // Revoking in one leaves the other alone.
        await stores.sessions.revoke('shared-hash-staff');
        await stores.users.revokeToken('shared-hash-reporter');
        expect(await stores.users.tokenUser('shared-hash-staff', at(0))).toBe('user-1');
        expect(await stores.sessions.find('shared-hash-reporter', at(0))).toEqual(session());
      });
    });

    describe('IdempotencyStore', () => {
      it('gives back the stored response, headers and body as they were, until it expires', async () => {
        const stored = response({ status: 200, headers: { etag: '"7"' }, body: '{"a":[1,2,{"b":"ข้อมูล"}]}' });
        await stores.idempotency.put('key-1', stored, at(60));
        expect(await stores.idempotency.get('key-1', at(0))).toEqual(stored);
        expect(await (await fixture.another()).idempotency.get('key-1', at(59))).toEqual(stored);
        expect(await stores.idempotency.get('key-1', at(60))).toBeUndefined();
        expect(await stores.idempotency.get('key-1', at(61))).toBeUndefined();
        expect(await stores.idempotency.get('key-2', at(0))).toBeUndefined();
      });

      it('keeps header names and values of any shape (they are not field names)', async () => {
        const stored = response({ headers: { 'x.dotted': 'a', $dollar: 'b', location: '/a?b=c&d=$e' } });
        await stores.idempotency.put('key-1', stored, at(60));
        expect(await stores.idempotency.get('key-1', at(0))).toEqual(stored);
      });

      it('keeps the first request’s fingerprint, so a key reused with another request can be refused', async () => {
        await stores.idempotency.put('key-1', response({ fingerprint: 'first' }), at(60));
        expect((await stores.idempotency.get('key-1', at(1)))?.fingerprint).toBe('first');
      });

      it('tells keys apart exactly (no case folding)', async () => {
        await stores.idempotency.put('Key-1', response({ body: '"upper"' }), at(60));
        await stores.idempotency.put('key-1', response({ body: '"lower"' }), at(60));
        expect((await stores.idempotency.get('Key-1', at(0)))?.body).toBe('"upper"');
        expect((await stores.idempotency.get('key-1', at(0)))?.body).toBe('"lower"');
      });

      it('a second put of a key replaces the record, expired or not', async () => {
        await stores.idempotency.put('key-1', response({ fingerprint: 'first' }), at(10));
        await stores.idempotency.put('key-1', response({ fingerprint: 'second', status: 200 }), at(60));
        expect(await stores.idempotency.get('key-1', at(30))).toEqual(response({ fingerprint: 'second', status: 200 }));
        await stores.idempotency.put('key-1', response({ fingerprint: 'third' }), at(120));
        expect((await stores.idempotency.get('key-1', at(90)))?.fingerprint).toBe('third');
      });

      it('concurrent puts of one key from two processes all succeed and leave one whole record', async () => {
        const other = await fixture.another();
        // Several keys at once: two first writes of one key racing is what an adapter must absorb.
        const keys = Array.from({ length: 10 }, (_, k) => `key-${k}`);
        const puts = Array.from({ length: 6 }, (_, i) => response({ fingerprint: `fp-${i}`, body: JSON.stringify({ n: i }), headers: { etag: `"${i}"` } }));
        const { won, errors } = await outcomes(keys.flatMap((key) => puts.map((r, i) => (i % 2 ? other : stores).idempotency.put(key, r, at(60)))));
        expect(errors).toEqual([]);
        expect(won).toBe(keys.length * puts.length);
        for (const key of keys) expect(puts).toContainEqual(await stores.idempotency.get(key, at(0)));
      });

      it('claims a free key once: a second claim, from this or another process, finds it in progress with its fingerprint', async () => {
        expect(await stores.idempotency.claim('key-1', 'fp-a', at(0), at(1))).toEqual({ kind: 'claimed' });
        expect(await (await fixture.another()).idempotency.claim('key-1', 'fp-b', at(0), at(1))).toEqual({ kind: 'in-progress', fingerprint: 'fp-a' });
        // A claim is not a response.
        expect(await stores.idempotency.get('key-1', at(0))).toBeUndefined();
        await stores.idempotency.put('key-1', response({ fingerprint: 'fp-a', body: '"done"' }), at(60));
        expect(await stores.idempotency.claim('key-1', 'fp-a', at(2), at(3))).toEqual({ kind: 'done', response: response({ fingerprint: 'fp-a', body: '"done"' }) });
      });

      it('of many concurrent claims of one key from two processes, exactly one wins', async () => {
        const other = await fixture.another();
        for (const key of ['key-1', 'key-2', 'key-3']) {
          const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? other : stores).idempotency.claim(key, `fp-${i}`, at(0), at(1))));
          expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
          expect(claims.filter((c) => c.kind === 'in-progress')).toHaveLength(7);
        }
      });

      it('a claim whose lease lapsed (its holder died) or an expired response is taken over', async () => {
        await stores.idempotency.claim('key-1', 'fp-dead', at(0), at(1));
        expect(await stores.idempotency.claim('key-1', 'fp-b', at(1), at(2))).toEqual({ kind: 'claimed' });
        expect(await stores.idempotency.claim('key-1', 'fp-c', at(1), at(2))).toEqual({ kind: 'in-progress', fingerprint: 'fp-b' });
        await stores.idempotency.put('key-2', response(), at(10));
        expect(await stores.idempotency.claim('key-2', 'fp-d', at(10), at(11))).toEqual({ kind: 'claimed' });
      });

      it('release frees our claim for a retry, but not a claim another request took over', async () => {
        await stores.idempotency.claim('key-1', 'fp-a', at(0), at(1));
        await stores.idempotency.release('key-1', at(1));
        expect(await stores.idempotency.claim('key-1', 'fp-a', at(0), at(1))).toEqual({ kind: 'claimed' });
        // Lapsed and taken over at 2: the late release of the first holder changes nothing.
        expect(await stores.idempotency.claim('key-1', 'fp-b', at(2), at(3))).toEqual({ kind: 'claimed' });
        await stores.idempotency.release('key-1', at(1));
        expect(await stores.idempotency.claim('key-1', 'fp-c', at(2), at(3))).toEqual({ kind: 'in-progress', fingerprint: 'fp-b' });
        // Release never removes a stored response.
        await stores.idempotency.put('key-2', response(), at(60));
        await stores.idempotency.release('key-2', at(60));
        expect(await stores.idempotency.get('key-2', at(0))).toEqual(response());
      });

      it('purges the records expired at `now` (inclusive), says how many, and keeps the rest', async () => {
        await stores.idempotency.put('old-1', response(), at(10));
        await stores.idempotency.put('old-2', response(), at(20));
        await stores.idempotency.put('new-1', response(), at(21));
        expect(await stores.idempotency.purgeExpired(at(20))).toBe(2);
        expect(await stores.idempotency.purgeExpired(at(20))).toBe(0);
        expect(await stores.idempotency.get('new-1', at(0))).toEqual(response());
        // Purged records are gone even for a `now` before their expiry.
        expect(await stores.idempotency.get('old-1', at(0))).toBeUndefined();
      });
    });

    describe('ReceiptIndex', () => {
      it('finds the tip of a look-up value, and nothing for an unknown one', async () => {
        await stores.receipts.put('lookup-1', 'tip-1');
        await stores.receipts.put('lookup-2', 'tip-2');
        expect(await stores.receipts.find('lookup-1')).toBe('tip-1');
        expect(await (await fixture.another()).receipts.find('lookup-2')).toBe('tip-2');
        expect(await stores.receipts.find('lookup-3')).toBeUndefined();
      });

      it('refuses a look-up value already indexed and keeps the first tip', async () => {
        await stores.receipts.put('lookup-1', 'tip-1');
        expectFailure(await stores.receipts.put('lookup-1', 'tip-2').then(() => undefined, (e: unknown) => e));
        expect(await stores.receipts.find('lookup-1')).toBe('tip-1');
      });

      it('of concurrent puts of one look-up value from two processes, exactly one wins', async () => {
        const other = await fixture.another();
        const { won, errors } = await outcomes(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : stores).receipts.put('lookup-1', `tip-${i}`)));
        expect(won).toBe(1);
        expect(errors).toHaveLength(5);
        expect(await stores.receipts.find('lookup-1')).toMatch(/^tip-\d$/);
      });

      it('forgets a look-up value (a rotated receipt), and removing an unknown one is no error', async () => {
        await stores.receipts.put('lookup-1', 'tip-1');
        await stores.receipts.put('lookup-2', 'tip-1');
        await stores.receipts.remove('lookup-1');
        expect(await stores.receipts.find('lookup-1')).toBeUndefined();
        expect(await stores.receipts.find('lookup-2')).toBe('tip-1');
        await stores.receipts.remove('lookup-1');
        await stores.receipts.remove('never-there');
        // A removed value may be indexed again.
        await stores.receipts.put('lookup-1', 'tip-3');
        expect(await stores.receipts.find('lookup-1')).toBe('tip-3');
      });
    });

    describe('ReporterSessionStore', () => {
      it('finds a session by token hash until it expires: not at its expiry time, nor after', async () => {
        await stores.sessions.create('token-1', session());
        expect(await stores.sessions.find('token-1', at(0))).toEqual(session());
        expect(await (await fixture.another()).sessions.find('token-1', at(29))).toEqual(session());
        expect(await stores.sessions.find('token-1', at(30))).toBeUndefined();
        expect(await stores.sessions.find('token-1', at(31))).toBeUndefined();
        expect(await stores.sessions.find('token-2', at(0))).toBeUndefined();
      });

      it('refuses a token hash or a session id already stored, and keeps the first session', async () => {
        await stores.sessions.create('token-1', session());
        expectFailure(await stores.sessions.create('token-1', session({ sessionId: 'session-2', tipId: 'tip-2' })).then(() => undefined, (e: unknown) => e));
        expectFailure(await stores.sessions.create('token-2', session({ tipId: 'tip-2' })).then(() => undefined, (e: unknown) => e));
        expect(await stores.sessions.find('token-1', at(0))).toEqual(session());
        expect(await stores.sessions.find('token-2', at(0))).toBeUndefined();
      });

      it('of concurrent creations with one token hash or one session id from two processes, exactly one wins', async () => {
        const other = await fixture.another();
        const sameToken = await outcomes(Array.from({ length: 4 }, (_, i) => (i % 2 ? other : stores).sessions.create('token-1', session({ sessionId: `session-t${i}` }))));
        expect(sameToken.won).toBe(1);
        const sameSession = await outcomes(Array.from({ length: 4 }, (_, i) => (i % 2 ? other : stores).sessions.create(`token-s${i}`, session({ sessionId: 'session-s' }))));
        expect(sameSession.won).toBe(1);
        expect(await stores.sessions.revokeAllOf('tip-1')).toBe(2);
      });

      it('ends one session on its token, and no other', async () => {
        await stores.sessions.create('token-1', session());
        await stores.sessions.create('token-2', session({ sessionId: 'session-2' }));
        await stores.sessions.revoke('token-1');
        expect(await stores.sessions.find('token-1', at(0))).toBeUndefined();
        expect(await stores.sessions.find('token-2', at(0))).toEqual(session({ sessionId: 'session-2' }));
        await stores.sessions.revoke('token-1');
      });

      it('ends every session of a tip, expired or not, says how many, and leaves other tips alone', async () => {
        await stores.sessions.create('token-1', session());
        await stores.sessions.create('token-2', session({ sessionId: 'session-2', expiresAt: at(5) }));
        await stores.sessions.create('token-3', session({ sessionId: 'session-3', tipId: 'tip-2' }));
        expect(await stores.sessions.revokeAllOf('tip-1')).toBe(2);
        expect(await stores.sessions.revokeAllOf('tip-1')).toBe(0);
        expect(await stores.sessions.find('token-1', at(0))).toBeUndefined();
        expect(await stores.sessions.find('token-2', at(0))).toBeUndefined();
        expect(await stores.sessions.find('token-3', at(0))).toEqual(session({ sessionId: 'session-3', tipId: 'tip-2' }));
        expect(await stores.sessions.revokeAllOf('tip-9')).toBe(0);
      });

      it('purges the sessions expired at `now` (inclusive), says how many, and keeps the rest', async () => {
        await stores.sessions.create('token-1', session({ expiresAt: at(10) }));
        await stores.sessions.create('token-2', session({ sessionId: 'session-2', expiresAt: at(20) }));
        await stores.sessions.create('token-3', session({ sessionId: 'session-3', expiresAt: at(21) }));
        expect(await stores.sessions.purgeExpired(at(20))).toBe(2);
        expect(await stores.sessions.purgeExpired(at(20))).toBe(0);
        expect(await stores.sessions.find('token-1', at(0))).toBeUndefined();
        expect(await stores.sessions.find('token-3', at(0))).toEqual(session({ sessionId: 'session-3', expiresAt: at(21) }));
        // A purged session id may be used again.
        await stores.sessions.create('token-4', session({ expiresAt: at(40) }));
        expect(await stores.sessions.find('token-4', at(30))).toEqual(session({ expiresAt: at(40) }));
      });
    });

    describe('AnchorStore', () => {
      it('keeps an anchor byte for byte, with who asked for it, and its heads sorted by stream', async () => {
        const signed = anchor('anchor-1', at(0));
        await stores.anchors.save(signed, [head('tip-b', 3), head('case-a', 7), head('tip-a', 1)], 'user-1');
        const stored = await stores.anchors.get('anchor-1');
        expect(stored).toEqual({ anchor: signed, createdBy: 'user-1' });
        expect(JSON.stringify(stored!.anchor)).toBe(JSON.stringify(signed));
        expect(await stores.anchors.heads('anchor-1')).toEqual([head('case-a', 7), head('tip-a', 1), head('tip-b', 3)]);
        expect(await (await fixture.another()).anchors.get('anchor-1')).toEqual({ anchor: signed, createdBy: 'user-1' });
      });

      it('leaves out createdBy for a scheduled anchor, and keeps an anchor of an empty log with no heads', async () => {
        await stores.anchors.save({ ...anchor('anchor-1', at(0)), position: '', streamCount: 0, eventCount: 0 }, []);
        const stored = (await stores.anchors.get('anchor-1'))!;
        expect('createdBy' in stored).toBe(false);
        expect(stored.anchor.position).toBe('');
        expect(await stores.anchors.heads('anchor-1')).toEqual([]);
      });

      it('knows nothing of an unknown anchor: no anchor, no heads (not an empty list)', async () => {
        expect(await stores.anchors.get('anchor-9')).toBeUndefined();
        expect(await stores.anchors.heads('anchor-9')).toBeUndefined();
      });

      it('lists newest first, by creation time then id, up to the limit', async () => {
        await stores.anchors.save(anchor('anchor-b', at(1)), [head('s')]);
        await stores.anchors.save(anchor('anchor-a', at(3)), [head('s')]);
        await stores.anchors.save(anchor('anchor-c', at(1)), [head('s')], 'user-1');
        await stores.anchors.save(anchor('anchor-d', at(2)), [head('s')]);
        const ids = async (limit: number) => (await stores.anchors.list(limit)).map((s) => s.anchor.anchorId);
        expect(await ids(10)).toEqual(['anchor-a', 'anchor-d', 'anchor-c', 'anchor-b']);
        expect(await ids(2)).toEqual(['anchor-a', 'anchor-d']);
        expect(await ids(1)).toEqual(['anchor-a']);
        expect(await ids(0)).toEqual([]);
        expect((await stores.anchors.list(10))[2]).toEqual({ anchor: anchor('anchor-c', at(1)), createdBy: 'user-1' });
      });

      it('lists nothing when there are no anchors', async () => {
        expect(await stores.anchors.list(100)).toEqual([]);
      });

      it('refuses an anchor id already saved and keeps the first anchor and its heads', async () => {
        await stores.anchors.save(anchor('anchor-1', at(0)), [head('case-a')], 'user-1');
        expectFailure(await stores.anchors.save(anchor('anchor-1', at(5)), [head('case-a', 2), head('case-b')], 'user-2').then(() => undefined, (e: unknown) => e));
        expect(await stores.anchors.get('anchor-1')).toEqual({ anchor: anchor('anchor-1', at(0)), createdBy: 'user-1' });
        expect(await stores.anchors.heads('anchor-1')).toEqual([head('case-a')]);
        expect(await stores.anchors.list(10)).toHaveLength(1);
      });

      it('refuses heads that name a stream twice, and saves nothing of that anchor', async () => {
        expectFailure(await stores.anchors.save(anchor('anchor-1', at(0)), [head('case-a'), head('case-b'), head('case-a', 2)]).then(() => undefined, (e: unknown) => e));
        expect(await stores.anchors.get('anchor-1')).toBeUndefined();
        expect(await stores.anchors.heads('anchor-1')).toBeUndefined();
        expect(await stores.anchors.list(10)).toEqual([]);
        // Nothing was kept: the same anchor id saves afterwards with correct heads.
        await stores.anchors.save(anchor('anchor-1', at(0)), [head('case-a')]);
        expect(await stores.anchors.heads('anchor-1')).toEqual([head('case-a')]);
      });

      it('of concurrent saves of one anchor id from two processes, exactly one wins, heads and all', async () => {
        const other = await fixture.another();
        const { won } = await outcomes(
          Array.from({ length: 4 }, (_, i) =>
            (i % 2 ? other : stores).anchors.save(anchor('anchor-1', at(i)), [head('case-a', i + 1), head(`only-${i}`)], `user-${i}`),
          ),
        );
        expect(won).toBe(1);
        const stored = (await stores.anchors.get('anchor-1'))!;
        const i = Number(stored.createdBy!.slice('user-'.length));
        expect(stored.anchor).toEqual(anchor('anchor-1', at(i)));
        expect(await stores.anchors.heads('anchor-1')).toEqual([head('case-a', i + 1), head(`only-${i}`)]);
      });

      it('keeps the heads of a large log, every one, in stream order', async () => {
        const many = Array.from({ length: 2_500 }, (_, i) => head(`case-${String(2_500 - i).padStart(5, '0')}`, (i % 9) + 1));
        await stores.anchors.save(anchor('anchor-1', at(0)), many);
        const heads = (await stores.anchors.heads('anchor-1'))!;
        expect(heads).toHaveLength(2_500);
        expect(heads[0]).toEqual(head('case-00001', (2_499 % 9) + 1));
        expect(heads.map((h) => h.streamId)).toEqual(many.map((h) => h.streamId).sort());
      });
    });
  });
}
