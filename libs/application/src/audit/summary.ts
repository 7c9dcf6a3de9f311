/**
 * One short English line per event, for the audit history. It is built only from codes, ids, versions,
 * counts and instants — never from free text, which may name people (and is sealed anyway): every value
 * goes through `code()`, which refuses anything but a short token without spaces.
 */

type Data = Record<string, unknown>;

const TOKEN = /^[A-Za-z0-9_.:/+-]{1,80}$/;

/** A code, id or instant; `?` for anything else (free text, a sealed or erased field, a missing value). */
function code(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && TOKEN.test(value) ? value : '?';
}

/** ` <label> <value>` when the value is a code, else nothing. */
function opt(label: string, value: unknown): string {
  return code(value) === '?' ? '' : `${label}${code(value)}`;
}

function count(value: unknown, noun: string, plural = `${noun}s`): string {
  const n = Array.isArray(value) ? value.length : typeof value === 'number' && Number.isFinite(value) ? value : 0;
  return `${n} ${n === 1 ? noun : plural}`;
}

function codes(value: unknown): string {
  return Array.isArray(value) && value.length > 0 ? value.map(code).join(', ') : 'none';
}

const yesNo = (value: unknown) => (value === true ? 'yes' : value === false ? 'no' : '?');

const SUMMARIES: Readonly<Record<string, (d: Data) => string>> = {
  // Tip
  TipReceived: (d) => `Tip ${code(d.tipNo)} received via ${code(d.channel)} at office ${code(d.officeCode)}; reporter ${code(d.reporterAnonymity)}, ${count(d.attachments, 'attachment')}${opt(', category guess ', d.categoryGuess)}${opt(', province ', d.provinceCode)}`,
  TipAcknowledged: (d) => `Tip acknowledged by ${code(d.method)}`,
  TipAccepted: (d) => `Tip accepted into case ${code(d.caseId)}`,
  TipMergedIntoCase: (d) => `Tip merged into case ${code(d.caseId)}`,
  TipRejected: (d) => `Tip rejected: ${code(d.reason)}`,
  TipReferredOut: (d) => `Tip referred out to ${code(d.toAgency)}`,
  ReporterIdentityProvided: (d) => `Reporter identity provided (subject ${code(d.subjectRef)}), contact consent ${yesNo(d.contactConsent)}`,
  ReporterMessagePosted: (d) => `Reporter posted message ${code(d.messageId)}`,
  ReporterReplyPosted: (d) => `Reply ${code(d.messageId)} posted to the reporter by ${code(d.postedBy)}`,
  ReporterAttachmentAdded: (d) => `Reporter added attachment ${code(d.attachmentId)} (${code(d.mediaType)}, ${code(d.byteLength)} bytes)`,
  AttachmentScanCompleted: (d) => `Attachment ${code(d.attachmentId)} scanned: ${code(d.result)}`,
  ReceiptRotated: () => 'Reporter receipt rotated',
  ReporterAccessExtended: (d) => `Reporter access extended to ${code(d.newExpiry)}`,
  ReporterAccessExpired: () => 'Reporter access expired',
  ReporterAccessRevoked: (d) => `Reporter access revoked: ${code(d.reason)}`,
  // Case
  CaseOpened: (d) => `Case ${code(d.caseNo)} opened at office ${code(d.officeCode)}, origin ${code(d.origin)}, from ${count(d.sourceTipIds, 'tip')}`,
  CaseClassified: (d) =>
    `Case classified: ${code(d.primaryCategory ?? d.category)}, priority ${code(d.priority)}` +
    `${Array.isArray(d.secondaryCategories) && d.secondaryCategories.length > 0 ? `, also ${codes(d.secondaryCategories)}` : ''}, jurisdiction ${code(d.jurisdiction)}`,
  CaseAssigned: (d) => `Case assigned to user ${code(d.assigneeUserId)} as ${code(d.role)}${opt(', unit ', d.unitCode)}`,
  CaseUnassigned: (d) => `User ${code(d.assigneeUserId)} unassigned from the case`,
  DeadlineSet: (d) => `${code(d.kind)} deadline set for ${code(d.dueAt)}`,
  DeadlineExtended: (d) => `${code(d.kind)} deadline extended (extension ${code(d.extensionNo)}) from ${code(d.previousDueAt)} to ${code(d.newDueAt)}, approved by ${code(d.approvedBy)}`,
  CasePhaseChanged: (d) => `Phase changed: ${code(d.from)} → ${code(d.to)}${opt(' by ', d.reason)}`,
  InvestigationStepRecorded: (d) => `Investigation step ${code(d.stepId)} recorded: ${code(d.stepType)}, ${count(d.performedBy, 'officer')}`,
  EvidenceLogged: (d) => `Evidence ${code(d.evidenceId)} logged: ${code(d.kind)} from ${code(d.source)}, ${code(d.byteLength)} bytes, sha256 ${code(typeof d.sha256 === 'string' ? d.sha256.slice(0, 12) : d.sha256)}…`,
  FindingRecorded: (d) =>
    `Finding ${code(d.findingId)}: ${code(d.result)} against ${count(d.againstSubjectRefs, 'subject')}, recommended action ${code(d.recommendedAction)}` +
    `${Array.isArray(d.offences) && d.offences.length > 0 ? `, offences ${codes(d.offences.map((o: { code?: unknown }) => o?.code))}` : ''}`,
  AccusedPersonAdded: (d) => `Accused person added (subject ${code(d.subjectRef)})`,
  AccusedPersonRemoved: (d) => `Accused person removed (subject ${code(d.subjectRef)})`,
  WitnessAdded: (d) => `Witness added (subject ${code(d.subjectRef)})`,
  InternalNoteAdded: (d) => `Internal note ${code(d.noteId)} added (${code(d.visibility)})`,
  ReporterInfoRequested: (d) => `Reporter asked for more information on tip ${code(d.tipId)}`,
  TipLinked: (d) => `Tip ${code(d.tipId)} linked to the case`,
  CaseReferred: (d) => `Case referred to ${code(d.toAgency)} (${code(d.referralType)}), referral ${code(d.referralId)}`,
  ExternalOutcomeRecorded: (d) => `External outcome recorded: ${code(d.outcome)}${opt(' for referral ', d.referralId)}`,
  ClosureProposed: (d) => `Closure proposed: ${code(d.disposition)}, by ${code(d.proposedBy)}`,
  ClosureApproved: (d) => `Closure approved by ${code(d.approvedBy)}`,
  ClosureRejected: (d) => `Closure rejected by ${code(d.rejectedBy)}; back to ${code(d.returnTo)}`,
  CaseClosed: (d) => `Case closed: ${code(d.disposition)}`,
  CaseSuspended: (d) => `Case suspended${opt(' until ', d.until)}`,
  CaseResumed: (d) => `Case resumed in ${code(d.toPhase)}`,
  CaseReopened: (d) => `Case reopened to ${code(d.reopenedTo)} (${code(d.reason)})`,
  CaseMerged: (d) => `Case ${code(d.mergedCaseId)} merged into case ${code(d.survivorCaseId)}`,
  RetentionScheduled: (d) => `Retention scheduled: delete after ${code(d.deleteAfter)} (policy ${code(d.policyCode)})`,
  RetentionHoldPlaced: (d) => `Legal hold ${code(d.holdId)} placed by ${code(d.placedBy)}`,
  RetentionHoldReleased: (d) => `Legal hold ${code(d.holdId)} released by ${code(d.releasedBy)}`,
  CaseKeyShredded: (d) => `Case keys shredded at the end of retention: ${count(d.streams, 'stream')}, ${count(d.subjectRefs, 'subject')}`,
  EvidenceIntegrityVerified: (d) => `Evidence ${code(d.evidenceId)} verified by ${code(d.verifiedBy)}: ${d.match === true ? 'match' : 'MISMATCH'}${opt(', ', d.failure)}`,
  EvidenceCustodyTransferred: (d) => {
    const from = d.from as { custodyNo?: unknown } | undefined;
    const to = d.to as { custodyNo?: unknown } | undefined;
    return `Evidence ${code(d.evidenceId)} custody transferred: record ${code(from?.custodyNo)} → ${code(to?.custodyNo)}`;
  },
  // Identity access (custodian decisions)
  IdentityAccessRequested: (d) => `Access to the reporter's identity on case ${code(d.caseId)} requested by ${code(d.requestedBy)}`,
  IdentityAccessGranted: (d) => `Identity access on case ${code(d.caseId)} granted by ${code(d.custodianUserId)}`,
  IdentityAccessDenied: (d) => `Identity access on case ${code(d.caseId)} denied by ${code(d.custodianUserId)}`,
  IdentityAccessRevoked: (d) => `Identity access on case ${code(d.caseId)} revoked by ${code(d.custodianUserId)}`,
  // Erasure requests (PDPA s.33)
  PersonalDataErasureRequested: (d) => `Erasure of subject ${code(d.subjectRef)} requested (${code(d.ground)}), due ${code(d.dueAt)}`,
  PersonalDataErased: (d) => `Personal data of subject ${code(d.subjectRef)} erased by ${code(d.method)} in ${count(d.streams, 'stream')}`,
  ErasureRequestRefused: (d) => `Erasure of subject ${code(d.subjectRef)} refused: ${code(d.reason)}`,
  // Access log
  SealedContentOpened: (d) => `${d.viewerKind === 'reporter' ? 'The reporter' : `User ${code(d.viewerUserId)} (${code(d.role)})`} opened ${code(d.view)} of ${code(d.streamId)}: ${count(d.fields, 'field')}${opt(', grant ', d.grantRequestId)}`,
  // Consultation
  ConsultationRequested: (d) => `Consultation requested via ${code(d.channel)} by ${code(d.requesterType)} in ${code(d.provinceCode)}; topics ${codes(d.topicCodes)}`,
  ConsultationScheduled: (d) => `Consultation scheduled for ${code(d.scheduledFor)} with ${count(d.advisorUserIds, 'advisor')}`,
  ConsultationHeld: (d) => `Consultation held at ${code(d.heldAt)}, ${code(d.durationMin)} min`,
  AdviceGiven: (d) => `Advice ${code(d.adviceId)} given; risk flags ${codes(d.riskFlags)}`,
  FollowUpScheduled: (d) => `Follow-up scheduled, due ${code(d.dueAt)}`,
  FollowUpCompleted: (d) => `Follow-up completed: ${code(d.result)}`,
  ConsultationEscalated: (d) => `Consultation escalated to tip ${code(d.tipId)}`,
  ConsultationClosed: () => 'Consultation closed',
  ConsultationCancelled: () => 'Consultation cancelled',
  ConsultationNoShow: () => 'Requester did not attend',
  // Surveillance visit
  VisitPlanned: (d) => `Visit planned for ${code(d.plannedFor)} to agency ${code(d.agencyId)} in ${code(d.provinceCode)} (FY ${code(d.fiscalYearBE)})`,
  VisitConducted: (d) =>
    `Visit conducted at ${code(d.conductedAt)}: ${count(d.checklistResults, 'checklist item')}, ${count(Array.isArray(d.checklistResults) ? d.checklistResults.filter((r: { result?: unknown }) => r?.result === 'issue') : [], 'issue')}`,
  FindingNoted: (d) => `Finding ${code(d.findingId)} noted: ${code(d.riskArea)}, severity ${code(d.severity)}`,
  RecommendationIssued: (d) => `Recommendation ${code(d.recommendationId)} issued, due ${code(d.dueAt)}`,
  RecommendationsSent: (d) => `${count(d.recommendationIds, 'recommendation')} sent to the agency`,
  AgencyResponded: (d) => `Agency responded to recommendation ${code(d.recommendationId)}: ${code(d.claimedStatus)}`,
  RecommendationVerified: (d) => `Recommendation ${code(d.recommendationId)} verified: ${code(d.status)}`,
  VisitEscalatedToCase: (d) => `Visit escalated to case ${code(d.caseId)}`,
  VisitClosed: () => 'Visit closed',
  VisitCancelled: () => 'Visit cancelled',
  // Outreach activity
  ActivityPlanned: (d) => `Activity planned: ${code(d.kind)} in ${code(d.provinceCode)} for ${code(d.plannedFor)} (FY ${code(d.fiscalYearBE)})`,
  ActivityHeld: (d) => `Activity held at ${code(d.heldAt)} with ${count(d.facilitatorUserIds, 'facilitator')}`,
  AttendanceRecorded: (d) => `Attendance recorded: ${code(d.total)} participants from ${count(d.agencyIds, 'agency', 'agencies')}`,
  AssessmentRecorded: (d) => `Assessment ${code(d.instrument)} recorded: n=${code(d.n)}, mean ${code(d.mean)} of ${code(d.maxScore)}`,
  ActivityClosed: () => 'Activity closed',
  ActivityCancelled: () => 'Activity cancelled',
  // Number sequences
  ReferenceNumberAllocated: (d) => `${code(d.kind)} number ${code(d.seq)} allocated for office ${code(d.officeCode)}, FY ${code(d.fiscalYearBE)}`,
};

/** The event types `summarize` knows; any other reads `<type> (schema v<n>)`. */
export const SUMMARIZED_EVENT_TYPES: readonly string[] = Object.keys(SUMMARIES);

/** A short, personal-data-free line for an event; pass upcast data when the aggregate is known. */
export function summarize(event: { type: string; data: unknown; schemaVersion?: number }): string {
  const fallback = `${code(event.type)} (schema v${event.schemaVersion ?? 1})`;
  const summary = SUMMARIES[event.type];
  if (!summary || typeof event.data !== 'object' || event.data === null) return fallback;
  try {
    return summary(event.data as Data);
  } catch {
    return fallback;
  }
}
