import { EventLog, runProjection, sealedField } from '#testing';
import { casesProjection, type CaseDoc } from './cases.projection.js';

const CASE = '0190f1f4-0000-7000-8000-0000000000c1';
const OTHER = '0190f1f4-0000-7000-8000-0000000000c2';
const TIP = '0190f1f4-0000-7000-8000-0000000000a1';
const INV_A = '0190f1f4-0000-7000-8000-0000000000b1';
const INV_B = '0190f1f4-0000-7000-8000-0000000000b2';
const SUP = '0190f1f4-0000-7000-8000-0000000000b3';
const stream = `case-${CASE}`;

function opened(log: EventLog, id = CASE, caseNo = 'PACC4-2566-000001') {
  log.append(`case-${id}`, {
    type: 'CaseOpened',
    data: { caseId: id, caseNo, officeCode: 'PACC4', origin: 'tip', sourceTipIds: [TIP], openedAt: '2023-03-29T02:01:00.000Z', openedBy: SUP },
    occurredAt: '2023-03-29T02:01:00.000Z',
  });
}

const classified = (priority = 'high') => ({
  type: 'CaseClassified',
  schemaVersion: 2,
  data: {
    caseId: CASE,
    primaryCategory: 'PROCUREMENT',
    secondaryCategories: ['MALFEASANCE'],
    agencyId: 'agency-sao-4901-07',
    agencyType: 'local_administration',
    provinceCode: 'TH-49',
    districtCode: '4901',
    allegedAmountTHB: 480000,
    jurisdiction: 'pacc',
    accusedRank: 'below_director',
    priority,
    reason: 'Marker-free-text-reason',
  },
});

const phase = (from: string, to: string, occurredAt?: string) => ({ type: 'CasePhaseChanged', data: { caseId: CASE, from, to, reason: 'X' }, ...(occurredAt ? { occurredAt } : {}) });

async function docOf(log: EventLog, id = CASE): Promise<CaseDoc> {
  return (await runProjection(casesProjection, log.events)).all()[id] as CaseDoc;
}

describe('cases projection', () => {
  it('opens a case with its number, office, origin and sources, unclassified and unassigned', async () => {
    const log = new EventLog();
    opened(log);
    expect(await docOf(log)).toEqual({
      id: CASE,
      caseNo: 'PACC4-2566-000001',
      officeCode: 'PACC4',
      origin: 'tip',
      sourceTipIds: [TIP],
      sourceVisitId: null,
      sourceConsultationId: null,
      openedAt: '2023-03-29T02:01:00.000Z',
      openedBy: SUP,
      phase: 'registered',
      phaseSince: '2023-03-29T02:01:00.000Z',
      classifiedAt: null,
      primaryCategory: null,
      secondaryCategories: [],
      agencyId: null,
      agencyType: null,
      provinceCode: null,
      districtCode: null,
      allegedAmountTHB: null,
      jurisdiction: null,
      accusedRank: null,
      priority: null,
      priorityRank: null,
      assignees: [],
      assigneeUserIds: [],
      unitCodes: [],
      leadUserId: null,
      access: [],
      deadlines: {},
      dueAt: null,
      dueKind: null,
      tipIds: [TIP],
      counts: { steps: 0, evidence: 0, findings: 0, accused: 0, witnesses: 0, notes: 0, infoRequests: 0, referrals: 0, externalOutcomes: 0 },
      referrals: [],
      pendingClosure: null,
      lastClosure: null,
      suspendedUntil: null,
      reopenCount: 0,
      mergedInto: null,
      retention: null,
      reporterMessages: 0,
      reporterActivityAt: null,
      unansweredReporterMessages: 0,
      newReporterActivity: false,
      lastEventAt: '2023-03-29T02:01:00.000Z',
      version: 1,
    });
  });

  it('takes the latest classification (v1 events upcast) and ranks the priority', async () => {
    const log = new EventLog();
    opened(log);
    log.append(stream, { type: 'CaseClassified', schemaVersion: 1, data: { caseId: CASE, category: 'BRIBERY', agencyType: 'central_government', jurisdiction: 'pacc', accusedRank: 'unknown', priority: 'low' } });
    expect(await docOf(log)).toMatchObject({ primaryCategory: 'BRIBERY', secondaryCategories: [], priority: 'low', priorityRank: 1, provinceCode: null });
    log.append(stream, classified('urgent'));
    expect(await docOf(log)).toMatchObject({ primaryCategory: 'PROCUREMENT', secondaryCategories: ['MALFEASANCE'], provinceCode: 'TH-49', agencyType: 'local_administration', priority: 'urgent', priorityRank: 4, allegedAmountTHB: 480000 });
  });

  it('keeps assignees, their units and the access keys in step with assign and unassign', async () => {
    const log = new EventLog();
    opened(log);
    log.append(
      stream,
      { type: 'CaseAssigned', data: { caseId: CASE, assigneeUserId: INV_A, unitCode: 'PACC4-INV1', role: 'lead', assignedBy: SUP }, occurredAt: '2023-04-01T00:00:00.000Z' },
      { type: 'CaseAssigned', data: { caseId: CASE, assigneeUserId: INV_B, unitCode: 'PACC4-INV2', role: 'support', assignedBy: SUP }, occurredAt: '2023-04-02T00:00:00.000Z' },
    );
    expect(await docOf(log)).toMatchObject({
      assignees: [
        { userId: INV_A, unitCode: 'PACC4-INV1', role: 'lead', since: '2023-04-01T00:00:00.000Z' },
        { userId: INV_B, unitCode: 'PACC4-INV2', role: 'support', since: '2023-04-02T00:00:00.000Z' },
      ],
      assigneeUserIds: [INV_A, INV_B],
      unitCodes: ['PACC4-INV1', 'PACC4-INV2'],
      leadUserId: INV_A,
      access: [`user:${INV_A}`, `user:${INV_B}`, 'unit:PACC4-INV1', 'unit:PACC4-INV2'],
    });
    log.append(stream, { type: 'CaseUnassigned', data: { caseId: CASE, assigneeUserId: INV_A, reason: 'moved' } });
    expect(await docOf(log)).toMatchObject({ assigneeUserIds: [INV_B], unitCodes: ['PACC4-INV2'], leadUserId: null, access: [`user:${INV_B}`, 'unit:PACC4-INV2'] });
  });

  it('shows the deadline of the current phase as dueAt: set, extended, paused while suspended, none in decision, cleared on reopen', async () => {
    const log = new EventLog();
    opened(log);
    log.append(stream, classified(), { type: 'DeadlineSet', data: { caseId: CASE, kind: 'fact_finding', dueAt: '2023-09-25T00:00:00Z', basis: 'manual' } });
    // The fact-finding deadline does not run while the case is only registered.
    expect(await docOf(log)).toMatchObject({ deadlines: { fact_finding: { dueAt: '2023-09-25T00:00:00.000Z', extensions: 0 } }, dueAt: null, dueKind: null });
    log.append(stream, phase('registered', 'screening'), phase('screening', 'fact_finding', '2023-04-10T00:00:00.000Z'));
    expect(await docOf(log)).toMatchObject({ phase: 'fact_finding', phaseSince: '2023-04-10T00:00:00.000Z', dueAt: '2023-09-25T00:00:00.000Z', dueKind: 'fact_finding' });
    log.append(stream, {
      type: 'DeadlineExtended',
      data: { caseId: CASE, kind: 'fact_finding', previousDueAt: '2023-09-25T00:00:00.000Z', newDueAt: '2023-12-24T00:00:00.000Z', extensionNo: 1, reason: 'Marker-extension', approvedBy: SUP },
    });
    expect(await docOf(log)).toMatchObject({ deadlines: { fact_finding: { dueAt: '2023-12-24T00:00:00.000Z', extensions: 1 } }, dueAt: '2023-12-24T00:00:00.000Z' });
    log.append(stream, { type: 'CaseSuspended', data: { caseId: CASE, reason: 'Marker-suspension', until: '2024-01-01T00:00:00Z' } }, phase('fact_finding', 'suspended'));
    expect(await docOf(log)).toMatchObject({ phase: 'suspended', suspendedUntil: '2024-01-01T00:00:00.000Z', dueAt: null });
    log.append(stream, { type: 'CaseResumed', data: { caseId: CASE, toPhase: 'fact_finding' } }, phase('suspended', 'fact_finding'));
    expect(await docOf(log)).toMatchObject({ phase: 'fact_finding', suspendedUntil: null, dueAt: '2023-12-24T00:00:00.000Z' });
    log.append(stream, { type: 'ClosureProposed', data: { caseId: CASE, disposition: 'unsubstantiated', reason: 'Marker-closure-reason', publicOutcomeStatement: sealedField('statement'), proposedBy: INV_A } });
    log.append(stream, phase('fact_finding', 'decision', '2023-05-01T00:00:00.000Z'));
    expect(await docOf(log)).toMatchObject({ phase: 'decision', dueAt: null, pendingClosure: { disposition: 'unsubstantiated', proposedBy: INV_A } });
    log.append(
      stream,
      { type: 'ClosureApproved', data: { caseId: CASE, approvedBy: SUP } },
      { type: 'CaseClosed', data: { caseId: CASE, disposition: 'unsubstantiated', reason: 'Marker-closure-reason', closedAt: '2023-05-02T00:00:00.000Z', closedBy: SUP, approvedBy: SUP } },
      phase('decision', 'closed'),
    );
    expect(await docOf(log)).toMatchObject({
      phase: 'closed',
      pendingClosure: null,
      lastClosure: { disposition: 'unsubstantiated', closedAt: '2023-05-02T00:00:00.000Z', closedBy: SUP, approvedBy: SUP },
      dueAt: null,
    });
    log.append(stream, { type: 'CaseReopened', data: { caseId: CASE, reason: 'new_evidence', reopenedTo: 'fact_finding', reopenedBy: SUP } }, phase('closed', 'fact_finding'));
    const reopened = await docOf(log);
    expect(reopened).toMatchObject({ phase: 'fact_finding', reopenCount: 1, deadlines: {}, dueAt: null });
    expect(reopened.lastClosure?.disposition).toBe('unsubstantiated');
  });

  it('counts casework and lists referrals, without copying any sealed value or free text', async () => {
    const log = new EventLog();
    opened(log);
    const subject = '0190f1f4-0000-7000-8000-0000000000e1';
    log.append(
      stream,
      { type: 'AccusedPersonAdded', data: { caseId: CASE, subjectRef: subject, accused: sealedField('accused') } },
      { type: 'WitnessAdded', data: { caseId: CASE, subjectRef: 'w1', witness: sealedField('witness') } },
      { type: 'InvestigationStepRecorded', data: { caseId: CASE, stepId: 's1', stepType: 'interview', performedAt: '2023-04-01T00:00:00Z', performedBy: [INV_A], summary: sealedField('step'), relatedSubjectRefs: [] } },
      { type: 'EvidenceLogged', data: { caseId: CASE, evidenceId: 'e1', kind: 'document', sha256: 'a'.repeat(64), byteLength: 1, mediaType: 'application/pdf', storageUri: 'blob:Marker-uri', collectedAt: '2023-04-01T00:00:00Z', collectedBy: INV_A, source: 'agency', description: sealedField('evidence'), custody: { holder: 'Marker-holder', location: 'Marker-location' } } },
      { type: 'FindingRecorded', data: { caseId: CASE, findingId: 'f1', result: 'substantiated', againstSubjectRefs: [subject], offences: [{ code: 'PC-157', lawRef: 'Marker-law' }], summary: sealedField('finding'), recommendedAction: 'disciplinary', recordedBy: INV_A } },
      { type: 'InternalNoteAdded', data: { caseId: CASE, noteId: 'n1', body: sealedField('note'), visibility: 'internal' } },
      { type: 'ReporterInfoRequested', data: { caseId: CASE, tipId: TIP, question: sealedField('question') } },
      { type: 'AccusedPersonRemoved', data: { caseId: CASE, subjectRef: subject, reason: sealedField('removal') } },
      { type: 'TipLinked', data: { caseId: CASE, tipId: 'tip-2' } },
      { type: 'CaseReferred', data: { caseId: CASE, referralId: 'r1', toAgency: 'NACC', referralType: 'jurisdiction_transfer', sentAt: '2023-05-01T00:00:00Z', referenceNo: 'Marker-ref' } },
      { type: 'ExternalOutcomeRecorded', data: { caseId: CASE, referralId: 'r1', outcome: 'penalty_order', decidedAt: '2023-06-01T00:00:00Z', sourceRef: 'Marker-source' } },
      { type: 'RetentionScheduled', data: { caseId: CASE, deleteAfter: '2033-01-01T00:00:00Z', policyCode: 'RET-10Y' } },
    );
    const doc = await docOf(log);
    expect(doc.counts).toEqual({ steps: 1, evidence: 1, findings: 1, accused: 0, witnesses: 1, notes: 1, infoRequests: 1, referrals: 1, externalOutcomes: 1 });
    expect(doc.referrals).toEqual([{ referralId: 'r1', toAgency: 'NACC', toAgencyId: null, referralType: 'jurisdiction_transfer', sentAt: '2023-05-01T00:00:00.000Z' }]);
    expect(doc.tipIds).toEqual([TIP, 'tip-2']);
    expect(doc.retention).toEqual({ deleteAfter: '2033-01-01T00:00:00.000Z', policyCode: 'RET-10Y' });
    expect(doc.version).toBe(13);
    const json = JSON.stringify(doc);
    expect(json).not.toMatch(/Marker|"enc"|"ct"|Y3Qt/);
  });

  it('marks a merged case with its survivor and keeps cases apart', async () => {
    const log = new EventLog();
    opened(log);
    opened(log, OTHER, 'PACC4-2566-000002');
    log.append(`case-${OTHER}`, { type: 'CaseMerged', data: { survivorCaseId: CASE, mergedCaseId: OTHER } }, { type: 'CaseClosed', data: { caseId: OTHER, disposition: 'duplicate', closedAt: '2023-04-01T00:00:00Z', closedBy: SUP } });
    const all = (await runProjection(casesProjection, log.events)).all();
    expect(Object.keys(all).sort()).toEqual([CASE, OTHER].sort());
    expect(all[OTHER]).toMatchObject({ mergedInto: CASE, lastClosure: { disposition: 'duplicate' }, version: 3 });
    expect(all[CASE]).toMatchObject({ mergedInto: null, version: 1 });
  });

  it('shows reporter messages on the case’s tips as new activity until staff answer, also after closure', async () => {
    const log = new EventLog();
    opened(log);
    log.append(stream, { type: 'CaseClosed', occurredAt: '2023-04-01T00:00:00.000Z', data: { caseId: CASE, disposition: 'unsubstantiated', reason: 'X', closedAt: '2023-04-01T00:00:00Z', closedBy: SUP } });
    const tipStream = `tip-${TIP}`;
    const reporter = { kind: 'reporter' as const };
    log.append(tipStream, { type: 'ReporterMessagePosted', actor: reporter, occurredAt: '2023-04-02T00:00:00.000Z', data: { tipId: TIP, messageId: 'm0', body: sealedField('before the case') } });
    log.append(tipStream, { type: 'ReporterMessagePosted', actor: reporter, occurredAt: '2023-04-03T00:00:00.000Z', data: { tipId: TIP, messageId: 'm1', body: sealedField('after'), caseId: CASE } });
    log.append(tipStream, { type: 'ReporterMessagePosted', actor: reporter, occurredAt: '2023-04-04T00:00:00.000Z', data: { tipId: TIP, messageId: 'm2', body: sealedField('again'), caseId: CASE } });
    let doc = await docOf(log);
    expect(doc).toMatchObject({ reporterMessages: 2, reporterActivityAt: '2023-04-04T00:00:00.000Z', unansweredReporterMessages: 2, newReporterActivity: true, version: 2, lastEventAt: '2023-04-01T00:00:00.000Z' });
    expect(JSON.stringify(doc)).not.toMatch(/"enc"|Y3Qt/);
    log.append(tipStream, { type: 'ReporterReplyPosted', occurredAt: '2023-04-05T00:00:00.000Z', data: { tipId: TIP, messageId: 'r1', body: sealedField('reply'), postedBy: SUP, caseId: CASE } });
    doc = await docOf(log);
    expect(doc).toMatchObject({ reporterMessages: 2, unansweredReporterMessages: 0, newReporterActivity: false });
    log.append(tipStream, { type: 'ReporterMessagePosted', actor: reporter, occurredAt: '2023-04-06T00:00:00.000Z', data: { tipId: TIP, messageId: 'm3', body: sealedField('x'), caseId: CASE } });
    log.append(stream, { type: 'ReporterInfoRequested', data: { caseId: CASE, tipId: TIP, question: sealedField('q') } });
    expect(await docOf(log)).toMatchObject({ reporterMessages: 3, newReporterActivity: false, counts: { infoRequests: 1 } });
  });

  it('ignores events of other streams and of cases it never saw opened', async () => {
    const log = new EventLog();
    log.append(stream, classified());
    log.append('casenumber-PACC4-2566', { type: 'NumberAllocated', data: { n: 1 } });
    expect((await runProjection(casesProjection, log.events)).all()).toEqual({});
  });
});
