import { casePersonalData, schemaVersionOf, tipAggregate, tipPersonalData, type PersonalDataMap, type Role } from '#domain';
import type { StoredEvent } from '../event-store/envelope.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { isSealed, type PersonalDataSealer } from '../personal-data/sealer.js';
import type { Principal } from '../users/auth.service.js';
import type { AccessEntry, AccessLog, AccessView } from './access-log.js';
import type { IdentityAccessDirectory } from './identity-access.js';
import type { ReporterPseudonyms } from './pseudonym.js';

type Json = Record<string, unknown>;

/** The case does not exist, or lies outside the viewer's reach: the two are answered alike. */
export class CaseContentNotFoundError extends Error {
  readonly code = 'CASE.NOT_FOUND';
  constructor() {
    super('no case with this id');
    this.name = 'CaseContentNotFoundError';
  }
}

/** The tip does not exist, or lies outside the viewer's reach: the two are answered alike. */
export class TipContentNotFoundError extends Error {
  readonly code = 'TIP.NOT_FOUND';
  constructor() {
    super('no tip with this id');
    this.name = 'TipContentNotFoundError';
  }
}

/** The access log could not be written: nothing sealed may be handed out. */
export class AccessLogUnavailableError extends Error {
  readonly code = 'ACCESS_LOG.UNAVAILABLE';
  constructor(cause: unknown) {
    super('the access log cannot be written right now, so sealed content is not shown; try again', { cause });
    this.name = 'AccessLogUnavailableError';
  }
}

/** A sealed value found at a personal-data path: the field (`Type.path`) and the subject whose key seals it. */
export interface SealedOpening {
  field: string;
  subject: string;
}

/** `subject:3` → `subject` (a kid is `<subjectRef>:<keyVersion>`; a stream id as subject may contain no colon). */
const subjectOfKid = (kid: string): string => kid.slice(0, kid.lastIndexOf(':'));

/** Every sealed value of an event's personal-data fields, as field path + subject (for the access log). */
export function sealedOpenings(map: PersonalDataMap, type: string, data: Json): SealedOpening[] {
  const found: SealedOpening[] = [];
  for (const field of map[type] ?? []) {
    const walk = (value: unknown, segments: string[]): void => {
      const [head, ...tail] = segments;
      if (head === undefined) {
        if (isSealed(value)) found.push({ field: `${type}.${field.path}`, subject: subjectOfKid(value.kid) });
        return;
      }
      if (typeof value !== 'object' || value === null) return;
      const many = head.endsWith('[]');
      const child = (value as Json)[many ? head.slice(0, -2) : head];
      if (many) {
        if (Array.isArray(child)) for (const item of child) walk(item, tail);
      } else walk(child, tail);
    };
    walk(data, field.path.split('.'));
  }
  return found;
}

/** One access-log entry for the sealed values opened in some events of one stream; undefined when none. */
export function entryFor(logId: string, streamId: string, view: AccessView, openings: readonly SealedOpening[], grantRequestId?: string): AccessEntry | undefined {
  if (openings.length === 0) return undefined;
  return {
    logId,
    streamId,
    view,
    subjectRefs: [...new Set(openings.map((o) => o.subject))],
    fields: [...new Set(openings.map((o) => o.field))],
    ...(grantRequestId ? { grantRequestId } : {}),
  };
}

/** What the case's own stream says about who works it (the case read model lags; this does not). */
export interface CaseFacts {
  caseId: string;
  caseNo: string;
  officeCode: string;
  version: number;
  assignees: ReadonlyMap<string, string>;
  tipIds: string[];
}

export function caseFactsOf(caseId: string, events: readonly StoredEvent[]): CaseFacts | undefined {
  const opened = events.find((e) => e.type === 'CaseOpened');
  if (!opened) return undefined;
  const d = opened.data as Json;
  const assignees = new Map<string, string>();
  const tipIds = Array.isArray(d.sourceTipIds) ? d.sourceTipIds.filter((t): t is string => typeof t === 'string') : [];
  for (const event of events) {
    const e = event.data as Json;
    if (event.type === 'CaseAssigned' && typeof e.assigneeUserId === 'string') assignees.set(e.assigneeUserId, typeof e.unitCode === 'string' ? e.unitCode : '');
    if (event.type === 'CaseUnassigned' && typeof e.assigneeUserId === 'string') assignees.delete(e.assigneeUserId);
    if (event.type === 'TipLinked' && typeof e.tipId === 'string' && !tipIds.includes(e.tipId)) tipIds.push(e.tipId);
  }
  return {
    caseId,
    caseNo: typeof d.caseNo === 'string' ? d.caseNo : '',
    officeCode: typeof d.officeCode === 'string' ? d.officeCode : '',
    version: events[events.length - 1]!.streamVersion,
    assignees,
    tipIds,
  };
}

export interface ContentViewer {
  principal: Principal;
  role: Role;
}

/**
 * Who may open a case's content — the rule of the case queue (caseScope), read from the case's own stream:
 * an investigator assigned to the case or whose unit is; a supervisor of the case's office. Nobody else
 * (custodians decide on identities, auditors replay the sealed record, admins configure).
 */
export function mayOpenCaseContent(facts: CaseFacts, { principal, role }: ContentViewer): boolean {
  if (role === 'supervisor') return principal.officeCode === facts.officeCode;
  if (role === 'investigator') {
    if (facts.assignees.has(principal.userId)) return true;
    return principal.unitCode !== undefined && [...facts.assignees.values()].includes(principal.unitCode);
  }
  return false;
}

/** Roles whose work spans every office: auditors replay any case's history. Every other role is bound to its own office. */
const CROSS_OFFICE_ROLES: readonly Role[] = ['auditor'];

/**
 * Whether the viewer may act on (or read the record of) a case or tip of `officeCode`: an auditor on any,
 * anyone else only on those of their own office. Used where the role alone decides (custodians, holds,
 * retention); content views add the stricter rules of mayOpenCaseContent.
 */
export function isWithinOffice(officeCode: string, { principal, role }: ContentViewer): boolean {
  return CROSS_OFFICE_ROLES.includes(role) || (officeCode !== '' && principal.officeCode === officeCode);
}

/** The case the tip became (the last TipAccepted / TipMergedIntoCase of its stream), or null. */
export function caseIdOfTip(events: readonly StoredEvent[]): string | null {
  let caseId: string | null = null;
  for (const event of events) {
    const d = event.data as Json;
    if ((event.type === 'TipAccepted' || event.type === 'TipMergedIntoCase') && typeof d.caseId === 'string') caseId = d.caseId;
  }
  return caseId;
}

/** An item of a content section: the event's payload with its sealed fields opened, and when and by whom. */
export type ContentItem = Json & { eventId: string; at: string; by: string | null };

export interface ReporterView {
  /** Always present: the designation investigators know the reporter by. */
  pseudonym: string;
  anonymity: 'anonymous' | 'identified';
  /** Only under an active grant (or to a custodian deciding): the identity, or `{erased: true}`. */
  identity?: unknown;
  contactConsent?: boolean;
  grantRequestId?: string;
}

export interface TipContent {
  tipId: string;
  tipNo: string | null;
  channel: string | null;
  receivedAt: string | null;
  narrative?: unknown;
  allegedAgencyText?: unknown;
  attachments: Json[];
  reporter: ReporterView;
}

export interface CaseContent {
  caseId: string;
  caseNo: string;
  officeCode: string;
  version: number;
  accused: ContentItem[];
  witnesses: ContentItem[];
  steps: ContentItem[];
  evidence: ContentItem[];
  findings: ContentItem[];
  notes: ContentItem[];
  infoRequests: ContentItem[];
  closureProposals: ContentItem[];
  tips: TipContent[];
  /** The identity-access grant under which reporter identities are shown, if any. */
  identityGrant: { requestId: string; decidedAt: string | null } | null;
}

const SECTIONS: Readonly<Record<string, keyof Pick<CaseContent, 'accused' | 'witnesses' | 'steps' | 'evidence' | 'findings' | 'notes' | 'infoRequests' | 'closureProposals'>>> = {
  AccusedPersonAdded: 'accused',
  WitnessAdded: 'witnesses',
  InvestigationStepRecorded: 'steps',
  EvidenceLogged: 'evidence',
  FindingRecorded: 'findings',
  InternalNoteAdded: 'notes',
  ReporterInfoRequested: 'infoRequests',
  ClosureProposed: 'closureProposals',
};

const item = (event: StoredEvent, data: Json): ContentItem => {
  const { caseId: _caseId, ...rest } = data;
  return { eventId: event.eventId, at: event.occurredAt, by: event.actor.userId ?? null, ...rest };
};

/** What one tip stream shows, and the sealed values opened to show it. */
interface TipReading {
  tip: TipContent;
  content: SealedOpening[];
  identity: SealedOpening[];
}

/**
 * The case content view: opens the sealed content of a case and of the tips linked to it, shows every
 * reporter under a pseudonym and their identity only under an active grant of this viewer for this case,
 * and writes the access log *before* anything is returned (all entries in one append; if it fails,
 * nothing is shown).
 */
export class CaseContentReader {
  constructor(
    private readonly store: EventStore,
    private readonly sealer: PersonalDataSealer,
    private readonly accessLog: AccessLog,
    private readonly grants: IdentityAccessDirectory,
    private readonly pseudonyms: ReporterPseudonyms,
  ) {}

  /** The case's facts, when it exists and the viewer may open it; CaseContentNotFoundError otherwise. */
  async caseFor(caseId: string, viewer: ContentViewer): Promise<{ facts: CaseFacts; events: StoredEvent[] }> {
    const events = await this.store.readStream(`case-${caseId}`);
    const facts = caseFactsOf(caseId, events);
    if (!facts || !mayOpenCaseContent(facts, viewer)) throw new CaseContentNotFoundError();
    return { facts, events };
  }

  /**
   * The case's facts, read from its own stream, when it exists and lies within the viewer's office
   * (isWithinOffice); CaseContentNotFoundError otherwise — a case of another office reads as missing.
   */
  async caseWithinOffice(caseId: string, viewer: ContentViewer): Promise<CaseFacts> {
    const facts = caseFactsOf(caseId, await this.store.readStream(`case-${caseId}`));
    if (!facts || !isWithinOffice(facts.officeCode, viewer)) throw new CaseContentNotFoundError();
    return facts;
  }

  async read(caseId: string, viewer: ContentViewer, at: string): Promise<CaseContent> {
    const { facts, events } = await this.caseFor(caseId, viewer);
    const grant = await this.grants.activeGrant(caseId, viewer.principal.userId);
    const content: CaseContent = {
      caseId,
      caseNo: facts.caseNo,
      officeCode: facts.officeCode,
      version: facts.version,
      accused: [],
      witnesses: [],
      steps: [],
      evidence: [],
      findings: [],
      notes: [],
      infoRequests: [],
      closureProposals: [],
      tips: [],
      identityGrant: grant ? { requestId: grant.requestId, decidedAt: grant.decidedAt } : null,
    };
    const caseOpenings: SealedOpening[] = [];
    const accusedBySubject = new Map<string, ContentItem>();
    for (const event of events) {
      const section = SECTIONS[event.type];
      const removal = event.type === 'AccusedPersonRemoved';
      if (!section && !removal) continue;
      caseOpenings.push(...sealedOpenings(casePersonalData, event.type, event.data));
      const data = await this.sealer.open(casePersonalData, event.eventId, event.type, event.data);
      if (removal) {
        const accused = accusedBySubject.get(String(data.subjectRef));
        if (accused) accused.removed = { at: event.occurredAt, by: event.actor.userId ?? null, reason: data.reason };
        continue;
      }
      const entry = item(event, data);
      if (event.type === 'AccusedPersonAdded') accusedBySubject.set(String(data.subjectRef), entry);
      content[section!].push(entry);
    }

    const entries: AccessEntry[] = [];
    const caseEntry = entryFor(caseId, `case-${caseId}`, 'case_content', caseOpenings);
    if (caseEntry) entries.push(caseEntry);
    const identityEntries: AccessEntry[] = [];
    for (const tipId of facts.tipIds) {
      const reading = await this.readTip(tipId, { content: true, identity: grant !== undefined });
      if (!reading) continue;
      if (grant && reading.tip.reporter.identity !== undefined) reading.tip.reporter.grantRequestId = grant.requestId;
      content.tips.push(reading.tip);
      const tipEntry = entryFor(caseId, `tip-${tipId}`, 'case_content', reading.content);
      if (tipEntry) entries.push(tipEntry);
      const identityEntry = entryFor(caseId, `tip-${tipId}`, 'reporter_identity', reading.identity, grant?.requestId);
      if (identityEntry) identityEntries.push(identityEntry);
    }
    await this.log([...entries, ...identityEntries], viewer, at);
    return content;
  }

  /**
   * The reporters of a case's tips with their identities opened, for a custodian deciding a request on it
   * (logged as `custodian_review`, together with whatever else the caller opened: `extra`).
   */
  async reportersForReview(caseId: string, viewer: ContentViewer, at: string, extra: AccessEntry[] = []): Promise<Array<{ tipId: string; tipNo: string | null; reporter: ReporterView }>> {
    const facts = caseFactsOf(caseId, await this.store.readStream(`case-${caseId}`));
    const reporters: Array<{ tipId: string; tipNo: string | null; reporter: ReporterView }> = [];
    const entries = [...extra];
    for (const tipId of facts?.tipIds ?? []) {
      const reading = await this.readTip(tipId, { content: false, identity: true });
      if (!reading) continue;
      reporters.push({ tipId, tipNo: reading.tip.tipNo, reporter: reading.tip.reporter });
      const entry = entryFor(caseId, `tip-${tipId}`, 'custodian_review', reading.identity);
      if (entry) entries.push(entry);
    }
    await this.log(entries, viewer, at);
    return reporters;
  }

  /** The reporters of a case as anyone on it knows them: pseudonym and anonymity, nothing opened (nothing to log). */
  async reportersOf(caseId: string): Promise<Array<{ tipId: string; tipNo: string | null; reporter: ReporterView }>> {
    const facts = caseFactsOf(caseId, await this.store.readStream(`case-${caseId}`));
    const reporters: Array<{ tipId: string; tipNo: string | null; reporter: ReporterView }> = [];
    for (const tipId of facts?.tipIds ?? []) {
      const reading = await this.readTip(tipId, { content: false, identity: false });
      if (reading) reporters.push({ tipId, tipNo: reading.tip.tipNo, reporter: reading.tip.reporter });
    }
    return reporters;
  }

  /**
   * The tip content view, for screening a tip before (or without) a case: its narrative, alleged agency and
   * files opened, the reporter under their pseudonym only (intake officers see an identity only while they
   * register a contact-based complaint). Intake officers and supervisors of the tip's office may open it, and
   * investigators who may open the case it became. Logged as `tip_content` in the access log of that case,
   * or of the tip while it has none.
   */
  async readTipContent(tipId: string, viewer: ContentViewer, at: string): Promise<TipContent & { caseId: string | null }> {
    const { caseId } = await this.tipFor(tipId, viewer);
    const reading = await this.readTip(tipId, { content: true, identity: false });
    if (!reading) throw new TipContentNotFoundError();
    const entry = entryFor(caseId ?? tipId, `tip-${tipId}`, 'tip_content', reading.content);
    await this.log(entry ? [entry] : [], viewer, at);
    return { ...reading.tip, caseId };
  }

  /**
   * A tip the viewer may open, read from its own stream (never from a lagging read model): intake officers
   * and supervisors of the tip's office; investigators who may open the case the tip became (mayOpenCaseContent,
   * on that case's stream). TipContentNotFoundError otherwise — a tip out of reach reads as missing.
   */
  async tipFor(tipId: string, viewer: ContentViewer): Promise<{ caseId: string | null; events: StoredEvent[] }> {
    const events = await this.store.readStream(`tip-${tipId}`);
    const received = events.find((e) => e.type === 'TipReceived');
    if (!received) throw new TipContentNotFoundError();
    const caseId = caseIdOfTip(events);
    const officeCode = (received.data as Json).officeCode;
    if (!(await this.mayOpenTip(typeof officeCode === 'string' ? officeCode : '', caseId, viewer))) throw new TipContentNotFoundError();
    return { caseId, events };
  }

  private async mayOpenTip(officeCode: string, caseId: string | null, viewer: ContentViewer): Promise<boolean> {
    if (viewer.role === 'intake_officer' || viewer.role === 'supervisor') return officeCode !== '' && viewer.principal.officeCode === officeCode;
    if (viewer.role !== 'investigator' || caseId === null) return false;
    const facts = caseFactsOf(caseId, await this.store.readStream(`case-${caseId}`));
    return facts !== undefined && mayOpenCaseContent(facts, viewer);
  }

  async log(entries: readonly AccessEntry[], viewer: ContentViewer, at: string): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.accessLog.recordAll(entries, { userId: viewer.principal.userId, role: viewer.role, officeCode: viewer.principal.officeCode }, at);
    } catch (error) {
      throw new AccessLogUnavailableError(error);
    }
  }

  private async readTip(tipId: string, open: { content: boolean; identity: boolean }): Promise<TipReading | undefined> {
    const events = await this.store.readStream(`tip-${tipId}`);
    const received = events.find((e) => e.type === 'TipReceived');
    if (!received) return undefined;
    const identities = events.filter((e) => e.type === 'ReporterIdentityProvided');
    const latestIdentity = identities[identities.length - 1];
    const reporter: ReporterView = { pseudonym: this.pseudonyms.forTip(tipId), anonymity: latestIdentity ? 'identified' : 'anonymous' };
    const d = received.data as Json;
    const tip: TipContent = {
      tipId,
      tipNo: typeof d.tipNo === 'string' ? d.tipNo : null,
      channel: typeof d.channel === 'string' ? d.channel : null,
      receivedAt: typeof d.receivedAt === 'string' ? d.receivedAt : null,
      attachments: [],
      reporter,
    };
    const reading: TipReading = { tip, content: [], identity: [] };
    if (open.content) {
      reading.content = sealedOpenings(tipPersonalData, received.type, received.data);
      let data = await this.sealer.open(tipPersonalData, received.eventId, received.type, received.data);
      if (received.schemaVersion !== schemaVersionOf(tipAggregate, received.type)) data = tipAggregate.upcast(received.type, received.schemaVersion, data);
      tip.narrative = data.narrative;
      if (data.allegedAgencyText !== undefined) tip.allegedAgencyText = data.allegedAgencyText;
      tip.attachments = Array.isArray(data.attachments) ? (data.attachments as Json[]) : [];
      // Files the reporter added later, through their session: each file name is sealed in its own event.
      for (const added of events.filter((e) => e.type === 'ReporterAttachmentAdded')) {
        reading.content.push(...sealedOpenings(tipPersonalData, added.type, added.data));
        const { tipId: _tipId, ...attachment } = await this.sealer.open(tipPersonalData, added.eventId, added.type, added.data);
        tip.attachments.push({ ...attachment, addedAt: added.occurredAt });
      }
    }
    if (open.identity && latestIdentity) {
      reading.identity = sealedOpenings(tipPersonalData, latestIdentity.type, latestIdentity.data);
      const data = await this.sealer.open(tipPersonalData, latestIdentity.eventId, latestIdentity.type, latestIdentity.data);
      reporter.identity = data.identity;
      if (typeof data.contactConsent === 'boolean') reporter.contactConsent = data.contactConsent;
    }
    return reading;
  }
}
