import { randomBytes } from 'node:crypto';
import { casePersonalData, identityAccessAggregate, tipPersonalData, type Actor, type PersonalDataMap } from '#domain';
import { InMemoryEventStore, newEvent } from '#testing';
import type { NewEvent } from '../event-store/envelope.js';
import type { ExpectedVersion } from '../event-store/event-store.port.js';
import { KeyVault, type DataKey } from '../personal-data/key-vault.port.js';
import { PersonalDataSealer } from '../personal-data/sealer.js';
import type { IdentityGrantQueries } from '../read-models/privacy/identity-grants.queries.js';
import { AccessLog } from './access-log.js';
import { AccessLogUnavailableError, CaseContentNotFoundError, CaseContentReader, type ContentViewer } from './case-content.js';
import { IdentityAccessDirectory } from './identity-access.js';
import { ReporterPseudonyms } from './pseudonym.js';

const CASE = '0190f1f4-0000-7000-8000-0000000000c1';
const TIP = '0190f1f4-0000-7000-8000-0000000000a1';
const REPORTER = '0190f1f4-0000-7000-8000-0000000000e1';
const NAME = 'Marker-name-1c2b';
const AT = '2024-05-02T03:00:00.000Z';
const investigator: ContentViewer = { principal: { userId: 'u-inv', username: 'inv', roles: ['investigator'], officeCode: 'PACC4', unitCode: 'INV1' }, role: 'investigator' };
const custodianActor: Actor = { kind: 'user', userId: 'u-cust', role: 'custodian', officeCode: 'PACC4' };

class MemoryVault extends KeyVault {
  private readonly keys = new Map<string, Buffer>();
  async keyFor(subjectRef: string): Promise<DataKey> {
    const kid = `${subjectRef}:1`;
    if (!this.keys.has(kid)) this.keys.set(kid, randomBytes(32));
    return { kid, key: this.keys.get(kid)! };
  }
  async keyById(kid: string): Promise<Buffer | undefined> {
    return this.keys.get(kid);
  }
  async shred(subjectRef: string): Promise<void> {
    this.keys.delete(`${subjectRef}:1`);
  }
  async isShredded(): Promise<boolean> {
    return false;
  }
  async close(): Promise<void> {}
}

/** The in-memory store, except that the access log cannot be written when `failLog` is set. */
class Store extends InMemoryEventStore {
  failLog = false;
  override async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion) {
    if (this.failLog && streamId.startsWith('accesslog-')) throw new Error('disk full');
    return super.append(streamId, events, expected);
  }
}

/** The identity_grants model before it has projected anything: the directory must find grants in the log tail. */
const emptyGrantsModel = { requestIdsOfCase: async () => ({ checkpoint: '', requestIds: [] }) } as unknown as IdentityGrantQueries;

async function setUp() {
  const store = new Store();
  const vault = new MemoryVault();
  const sealer = new PersonalDataSealer(vault);
  const append = async (map: PersonalDataMap, streamId: string, type: string, data: Record<string, unknown>, actor?: Actor) => {
    const event = newEvent({ type, data, ...(actor ? { actor } : {}) });
    const sealed = await sealer.seal(map, streamId, event.eventId, type, data);
    await store.append(streamId, [{ ...event, data: sealed.data, piiSubjects: sealed.piiSubjects }], 'any');
  };
  await append(tipPersonalData, `tip-${TIP}`, 'TipReceived', { tipId: TIP, tipNo: 'T-PACC4-2567-000001', channel: 'web', receivedAt: AT, officeCode: 'PACC4', language: 'th', narrative: 'Marker-narrative', reporterAnonymity: 'identified', attachments: [] });
  await append(tipPersonalData, `tip-${TIP}`, 'ReporterIdentityProvided', { tipId: TIP, subjectRef: REPORTER, identity: { fullName: NAME }, contactConsent: false });
  await append(casePersonalData, `case-${CASE}`, 'CaseOpened', { caseId: CASE, caseNo: 'PACC4-2567-000001', officeCode: 'PACC4', origin: 'tip', sourceTipIds: [TIP] });
  await append(casePersonalData, `case-${CASE}`, 'CaseAssigned', { caseId: CASE, assigneeUserId: 'u-lead', unitCode: 'INV1', role: 'lead', assignedBy: 'u-sup' });
  const grant = async (requestId: string) => {
    const streamId = `identityaccess-${requestId}`;
    await append(identityAccessAggregate.personalData, streamId, 'IdentityAccessRequested', { requestId, caseId: CASE, requestedBy: 'u-inv', motivation: 'm', requestedAt: AT });
    await append(identityAccessAggregate.personalData, streamId, 'IdentityAccessGranted', { requestId, caseId: CASE, custodianUserId: 'u-cust', motivation: 'ok', decidedAt: AT }, custodianActor);
  };
  const log = new AccessLog(store);
  const reader = new CaseContentReader(store, sealer, log, new IdentityAccessDirectory(store, emptyGrantsModel), new ReporterPseudonyms(Buffer.alloc(32, 1)));
  return { store, reader, log, grant };
}

describe('CaseContentReader', () => {
  it('lets an investigator of an assigned unit open the tip narrative under a pseudonym, and logs the opening', async () => {
    const { reader, log } = await setUp();
    const content = await reader.read(CASE, investigator, AT);
    expect(content.tips[0]).toMatchObject({ tipId: TIP, narrative: 'Marker-narrative', reporter: { anonymity: 'identified' } });
    expect(content.tips[0]!.reporter).not.toHaveProperty('identity');
    expect(JSON.stringify(content)).not.toContain(NAME);
    expect((await log.list(CASE)).map((e) => [e.view, e.streamId, e.fields, e.subjectRefs])).toEqual([['case_content', `tip-${TIP}`, ['TipReceived.narrative'], [`tip-${TIP}`]]]);
  });

  it('opens the identity under a grant the read model has not seen yet, naming the grant in the log', async () => {
    const { reader, log, grant } = await setUp();
    await grant('req-1');
    const content = await reader.read(CASE, investigator, AT);
    expect(content.tips[0]!.reporter).toMatchObject({ identity: { fullName: NAME }, grantRequestId: 'req-1' });
    const entries = await log.list(CASE);
    expect(entries.map((e) => [e.view, e.grantRequestId ?? null, e.subjectRefs])).toEqual([
      ['case_content', null, [`tip-${TIP}`]],
      ['reporter_identity', 'req-1', [REPORTER]],
    ]);
  });

  it('shows nothing when the access log cannot be written', async () => {
    const { store, reader, log } = await setUp();
    store.failLog = true;
    await expect(reader.read(CASE, investigator, AT)).rejects.toBeInstanceOf(AccessLogUnavailableError);
    store.failLog = false;
    expect(await log.list(CASE)).toEqual([]);
  });

  it('answers a case out of reach like a missing one', async () => {
    const { reader } = await setUp();
    const stranger: ContentViewer = { principal: { userId: 'u-x', username: 'x', roles: ['investigator'], officeCode: 'PACC4', unitCode: 'INV9' }, role: 'investigator' };
    await expect(reader.read(CASE, stranger, AT)).rejects.toBeInstanceOf(CaseContentNotFoundError);
    await expect(reader.read('0190f1f4-0000-7000-8000-0000000000ff', investigator, AT)).rejects.toBeInstanceOf(CaseContentNotFoundError);
    const otherOffice: ContentViewer = { principal: { userId: 'u-s', username: 's', roles: ['supervisor'], officeCode: 'PACC9' }, role: 'supervisor' };
    await expect(reader.read(CASE, otherOffice, AT)).rejects.toBeInstanceOf(CaseContentNotFoundError);
  });
});
