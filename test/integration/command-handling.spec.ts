import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { CommandBus } from '@nestjs/cqrs';
import {
  AggregateCommandHandler,
  CommandHandlingModule,
  ERASED,
  EventStore,
  ExecuteAggregateCommand,
  KeyVault,
  PersonalDataSealer,
  WrongExpectedVersionError,
  isSealed,
  verifyEventLog,
  type CommandResult,
} from '#application';
import { ForbiddenTransitionError, StreamNotFoundError, tipAggregate, type Actor, type TipCommand } from '#domain';
import { SqliteStorageModule } from '#sqlite';
import { scanForPlaintext } from '../support/scan-data-dir.js';

const officer: Actor = { kind: 'user', userId: 'u-intake', role: 'intake_officer', officeCode: 'PACC4' };
const AT = '2023-03-29T02:00:00.000Z';
const MARKER = 'Somchai-Marker-7f3a';

function receiveTip(tipId: string): TipCommand {
  return {
    type: 'ReceiveTip',
    meta: { at: AT, actor: { kind: 'reporter' } },
    data: {
      tipId,
      tipNo: 'T-PACC4-2566-000001',
      channel: 'web',
      receivedAt: AT,
      officeCode: 'PACC4',
      narrative: `The district office asked ${MARKER} for money to issue a permit`,
      provinceCode: 'TH-49',
      reporterAnonymity: 'anonymous',
      attachments: [{ attachmentId: 'att-1', sha256: 'ab'.repeat(32), byteLength: 10, mediaType: 'application/pdf', fileName: `${MARKER}.pdf` }],
    },
  };
}

describe('command handling through the CommandBus on the embedded store', () => {
  let dir: string;
  let app: TestingModule;
  let bus: CommandBus;
  let store: EventStore;
  let vault: KeyVault;

  const send = (streamId: string, command: TipCommand, options = {}) => bus.execute(new ExecuteAggregateCommand(tipAggregate as never, streamId, command, options)) as Promise<CommandResult>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-cmd-'));
    app = await Test.createTestingModule({
      imports: [SqliteStorageModule.forRoot({ dataDir: dir, masterKey: randomBytes(32) }), CommandHandlingModule],
    }).compile();
    await app.init();
    bus = app.get(CommandBus);
    store = app.get(EventStore);
    vault = app.get(KeyVault);
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads, decides, seals personal data and appends with the envelope', async () => {
    const streamId = `tip-${randomUUID()}`;
    const result = await send(streamId, receiveTip(streamId), { correlationId: 'corr-1' });
    expect(result.version).toBe(1);
    const [stored] = await store.readStream(streamId);
    expect(stored).toMatchObject({ type: 'TipReceived', schemaVersion: 2, occurredAt: AT, correlationId: 'corr-1', causationId: 'corr-1', piiSubjects: [streamId] });
    expect(isSealed(stored!.data.narrative)).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(MARKER);
    expect(stored!.data.provinceCode).toBe('TH-49');

    const ack = await send(streamId, { type: 'AcknowledgeTip', meta: { at: AT, actor: officer }, data: { method: 'on_screen_receipt' } });
    expect(ack.version).toBe(2);
    expect((await verifyEventLog(store)).ok).toBe(true);
  });

  it('leaves no personal data in clear in any file of the data directory', async () => {
    const streamId = `tip-${randomUUID()}`;
    await send(streamId, receiveTip(streamId));
    await app.close();
    expect(await scanForPlaintext(dir, [MARKER])).toEqual([]);
    app = await Test.createTestingModule({ imports: [SqliteStorageModule.forRoot({ dataDir: dir, masterKey: randomBytes(32) }), CommandHandlingModule] }).compile();
  });

  it('passes domain errors through and appends nothing', async () => {
    const streamId = `tip-${randomUUID()}`;
    await expect(send(streamId, { type: 'AcknowledgeTip', meta: { at: AT, actor: officer }, data: { method: 'phone' } })).rejects.toBeInstanceOf(StreamNotFoundError);
    await send(streamId, receiveTip(streamId));
    await send(streamId, { type: 'RejectTip', meta: { at: AT, actor: officer }, data: { reason: 'spam' } });
    await expect(send(streamId, { type: 'AcceptTip', meta: { at: AT, actor: officer }, data: { caseId: 'case-1' } })).rejects.toBeInstanceOf(ForbiddenTransitionError);
    expect(await store.streamVersion(streamId)).toBe(2);
  });

  it('fails on a stale expected version, and retries conflicts only where the command allows it', async () => {
    const streamId = `tip-${randomUUID()}`;
    await send(streamId, receiveTip(streamId));
    const reply = (n: number): TipCommand => ({ type: 'PostReporterReply', meta: { at: AT, actor: officer }, data: { messageId: `m-${n}`, body: `reply ${n}` } });
    await expect(send(streamId, reply(0), { expectedVersion: 5 })).rejects.toBeInstanceOf(WrongExpectedVersionError);

    const racing = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => send(streamId, reply(n))));
    const lost = racing.filter((r) => r.status === 'rejected');
    expect(lost.length).toBeGreaterThan(0);
    for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);

    const before = await store.streamVersion(streamId);
    const retried = await Promise.all(Array.from({ length: 10 }, (_, n) => send(streamId, reply(100 + n), { retryOnConflict: true })));
    expect(new Set(retried.map((r) => r.version)).size).toBe(10);
    expect(await store.streamVersion(streamId)).toBe(before + 10);
    expect((await verifyEventLog(store)).ok).toBe(true);
  });

  it('after crypto-shredding a subject: reading and folding succeed, its fields read as erased, chains verify', async () => {
    const streamId = `tip-${randomUUID()}`;
    const subjectRef = randomUUID();
    await send(streamId, receiveTip(streamId));
    await send(streamId, {
      type: 'ProvideReporterIdentity',
      meta: { at: AT, actor: { kind: 'reporter' } },
      data: { subjectRef, identity: { fullName: MARKER, phone: '0812345678' }, contactConsent: true },
    });
    const sealer = app.get(PersonalDataSealer);
    const identityEvent = (await store.readStream(streamId))[1]!;
    expect(identityEvent.piiSubjects).toEqual([subjectRef]);
    expect((await sealer.open(tipAggregate.personalData, identityEvent.eventId, identityEvent.type, identityEvent.data)).identity).toEqual({ fullName: MARKER, phone: '0812345678' });

    await vault.shred(subjectRef);
    await vault.shred(streamId);

    const events = await store.readStream(streamId);
    expect(events).toHaveLength(2);
    const opened = await Promise.all(events.map((e) => sealer.open(tipAggregate.personalData, e.eventId, e.type, e.data)));
    expect(opened[0]!.narrative).toEqual(ERASED);
    expect((opened[0]!.attachments as Array<Record<string, unknown>>)[0]!.fileName).toEqual(ERASED);
    expect(opened[0]!.provinceCode).toBe('TH-49');
    expect(opened[1]!.identity).toEqual(ERASED);
    const { state, version } = await app.get(AggregateCommandHandler).load(tipAggregate, streamId);
    expect(version).toBe(2);
    expect(state).toMatchObject({ status: 'received' });
    expect(await verifyEventLog(store)).toMatchObject({ ok: true, events: 2 });
    // The stream keeps working: commands that carry no personal data still append.
    await expect(send(streamId, { type: 'AcknowledgeTip', meta: { at: AT, actor: officer }, data: { method: 'on_screen_receipt' } })).resolves.toMatchObject({ version: 3 });
  });

  it('upcasts events stored at an older schema version in one place', async () => {
    const streamId = `tip-${randomUUID()}`;
    await send(streamId, receiveTip(streamId));
    const [v2] = await store.readStream(streamId);
    const legacyStream = `tip-${randomUUID()}`;
    const { language: _dropped, ...v1Data } = v2!.data;
    await store.append(legacyStream, [{ ...v2!, eventId: randomUUID(), schemaVersion: 1, data: { ...v1Data, tipId: legacyStream } }], 'no_stream');
    const loaded = await app.get(AggregateCommandHandler).load(tipAggregate, legacyStream);
    expect(loaded.version).toBe(1);
    await expect(send(legacyStream, { type: 'AcknowledgeTip', meta: { at: AT, actor: officer }, data: { method: 'letter' } })).resolves.toMatchObject({ version: 2 });
  });
});
