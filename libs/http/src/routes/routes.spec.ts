import 'reflect-metadata';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { v7 as uuidv7 } from 'uuid';
import { ROLES, type Principal } from '#application';
import {
  ACTIVITY_ALLOWED_COMMANDS,
  CASE_ALLOWED_COMMANDS,
  CONSULTATION_ALLOWED_COMMANDS,
  VISIT_ALLOWED_COMMANDS,
  caseAggregate,
  fold,
  type ActivityCommandType,
  type ActivityEvent,
  type Actor,
  type CaseCommandType,
  type CaseEvent,
  type CasePhase,
  type ConsultationCommandType,
  type ConsultationEvent,
  type VisitCommandType,
  type VisitEvent,
} from '#domain';
import type { AuthedRequest } from '../core/auth.js';
import { CommandDispatcher } from '../core/command-dispatcher.js';
import { ProblemError } from '../core/problem.js';
import { createValidationPipe } from '../core/validation.js';
import { commandController, type CommandCollection, type CommandRoute, type RouteContext } from '../core/command-routes.js';
import { ACTIVITIES, ACTIVITY_NOT_ROUTED } from './activities.routes.js';
import { CASE_COMMAND_ROUTES, CASE_NOT_ROUTED } from './cases.routes.js';
import { CONSULTATIONS, CONSULTATION_NOT_ROUTED } from './consultations.routes.js';
import { VISITS, VISIT_NOT_ROUTED } from './visits.routes.js';

/* ------------------------------------------------------------------------------------------------ fixtures */

const PAST = '2023-03-29T02:00:00Z';
const FUTURE = '2099-01-01T00:00:00Z';
const HASH = 'c'.repeat(64);

const USER_INV = '0190f1f4-0000-7000-8000-0000000000a1';
const USER_SUP = '0190f1f4-0000-7000-8000-0000000000a2';
const USER_B = '0190f1f4-0000-7000-8000-0000000000a3';
const USER_CUSTODIAN = '0190f1f4-0000-7000-8000-0000000000a4';
const USER_CLINIC = '0190f1f4-0000-7000-8000-0000000000a5';
const CASE_ID = '0190f1f4-0000-7000-8000-0000000000c1';
const TIP_ID = '0190f1f4-0000-7000-8000-0000000000c2';
const ACCUSED = '0190f1f4-0000-7000-8000-0000000000c3';
const WITNESS = '0190f1f4-0000-7000-8000-0000000000c4';
const REFERRAL = '0190f1f4-0000-7000-8000-0000000000c5';
const CONSULTATION_ID = '0190f1f4-0000-7000-8000-0000000000d1';
const ADVICE_ID = '0190f1f4-0000-7000-8000-0000000000d2';
const VISIT_ID = '0190f1f4-0000-7000-8000-0000000000e1';
const FINDING_ID = '0190f1f4-0000-7000-8000-0000000000e2';
const RECOMMENDATION_ID = '0190f1f4-0000-7000-8000-0000000000e3';
const ACTIVITY_ID = '0190f1f4-0000-7000-8000-0000000000f1';

const user = (userId: string, role: Actor['role']): Actor => ({ kind: 'user', userId, role, officeCode: 'PACC4' });
const investigator = user(USER_INV, 'investigator');
const supervisor = user(USER_SUP, 'supervisor');
const custodian = user(USER_CUSTODIAN, 'custodian');
const clinicStaff = user(USER_CLINIC, 'clinic_staff');

/** One valid body per route, the history it is decided on, and who sends it. */
interface Example {
  body: Record<string, unknown>;
  given: readonly unknown[];
  actor?: Actor;
  /** false where the body with only its required fields is refused by the decider for a reason of its own. */
  minimalDecides?: boolean;
}

// Case histories, in the shape the case decider spec uses.
const opened: CaseEvent = {
  type: 'CaseOpened',
  data: { caseId: CASE_ID, caseNo: 'PACC4-2566-000123', officeCode: 'PACC4', origin: 'tip', sourceTipIds: [TIP_ID], openedAt: PAST, openedBy: USER_INV },
};
const classified: CaseEvent = {
  type: 'CaseClassified',
  data: { caseId: CASE_ID, primaryCategory: 'BRIBERY', secondaryCategories: [], agencyType: 'local_administration', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal' },
};
const moved = (from: CasePhase, to: CasePhase, reason: CaseCommandType): CaseEvent => ({ type: 'CasePhaseChanged', data: { caseId: CASE_ID, from, to, reason } });
const caseEvent = (event: CaseEvent) => event;
const registered = [opened];
const screening = [...registered, moved('registered', 'screening', 'StartScreening')];
const factFinding = [
  ...screening,
  classified,
  caseEvent({ type: 'AccusedPersonAdded', data: { caseId: CASE_ID, subjectRef: ACCUSED, accused: { name: 'Mr A' } } }),
  caseEvent({ type: 'WitnessAdded', data: { caseId: CASE_ID, subjectRef: WITNESS, witness: { name: 'Ms W' } } }),
  moved('screening', 'fact_finding', 'StartFactFinding'),
  caseEvent({ type: 'DeadlineSet', data: { caseId: CASE_ID, kind: 'fact_finding', dueAt: FUTURE, basis: 'policy.fact_finding' } }),
];
const decision = [
  ...factFinding,
  caseEvent({ type: 'ClosureProposed', data: { caseId: CASE_ID, disposition: 'substantiated_disciplinary', reason: 'bribe confirmed', proposedBy: USER_INV } }),
  moved('fact_finding', 'decision', 'ProposeClosure'),
];
const referred = [
  ...factFinding,
  caseEvent({ type: 'CaseReferred', data: { caseId: CASE_ID, referralId: REFERRAL, toAgency: 'NACC', referralType: 'jurisdiction_transfer', sentAt: PAST } }),
  moved('fact_finding', 'referred', 'ReferCase'),
];
const suspended = [...factFinding, caseEvent({ type: 'CaseSuspended', data: { caseId: CASE_ID, reason: 'awaiting court' } }), moved('fact_finding', 'suspended', 'SuspendCase')];
const closed = [
  ...factFinding,
  caseEvent({ type: 'CaseClosed', data: { caseId: CASE_ID, disposition: 'withdrawn', closedAt: PAST, closedBy: USER_INV } }),
  moved('fact_finding', 'closed', 'CloseCase'),
];

const CASE_EXAMPLES: Record<string, Example> = {
  classify: {
    given: registered,
    body: {
      primaryCategory: 'BRIBERY',
      secondaryCategories: ['PROCUREMENT'],
      agencyId: 'agency-sao-17',
      agencyType: 'local_administration',
      provinceCode: 'TH-49',
      districtCode: '4901',
      allegedAmountTHB: 250_000,
      jurisdiction: 'pacc',
      accusedRank: 'below_director',
      priority: 'high',
      reason: 'initial classification',
    },
  },
  assign: { given: registered, actor: supervisor, body: { assigneeUserId: USER_B, unitCode: 'PACC4-INV1', role: 'lead', reason: 'workload' } },
  unassign: {
    // The allowed-commands table has no UnassignCase in registered (AssignCase is there): see the report.
    given: [...screening, caseEvent({ type: 'CaseAssigned', data: { caseId: CASE_ID, assigneeUserId: USER_B, unitCode: 'PACC4-INV1', role: 'support', assignedBy: USER_SUP } })],
    actor: supervisor,
    body: { assigneeUserId: USER_B, reason: 'moved to another case' },
  },
  'set-deadline': { given: registered, body: { kind: 'reporter_feedback', dueAt: FUTURE, basis: 'office.reporter_feedback_15d' } },
  'extend-deadline': { given: factFinding, actor: supervisor, body: { kind: 'fact_finding', days: 90, reason: 'awaiting bank records' } },
  'start-screening': { given: registered, body: {} },
  'start-fact-finding': { given: [...screening, classified], body: {} },
  'escalate-to-inquiry': { given: factFinding, body: {} },
  'record-step': {
    given: factFinding,
    body: {
      stepType: 'interview',
      performedAt: PAST,
      performedBy: [USER_INV, USER_B],
      location: { provinceCode: 'TH-49', districtCode: '4901' },
      summary: 'Interviewed the procurement clerk.',
      relatedSubjectRefs: [ACCUSED, WITNESS],
      outcome: 'The clerk confirmed the meeting.',
    },
  },
  'log-evidence': {
    given: factFinding,
    body: {
      kind: 'document',
      sha256: HASH,
      byteLength: 2048,
      mediaType: 'application/pdf',
      storageUri: 'blob:ev-1',
      collectedAt: PAST,
      collectedBy: 'Investigator Somsak',
      source: 'agency',
      description: 'Procurement file, 42 pages.',
      custody: { holder: 'Evidence officer', location: 'safe 2' },
    },
  },
  'record-finding': {
    given: factFinding,
    minimalDecides: false, // a substantiated finding needs againstSubjectRefs
    body: {
      result: 'substantiated',
      againstSubjectRefs: [ACCUSED],
      offences: [{ code: 'PC-157', lawRef: 'Criminal Code s.157' }],
      summary: 'The clerk accepted 50,000 baht.',
      recommendedAction: 'disciplinary',
    },
  },
  'add-accused': { given: factFinding, body: { accused: { name: 'Mr B', position: 'procurement officer', agencyId: 'agency-sao-17', rank: 'below_director' } } },
  'remove-accused': { given: factFinding, body: { subjectRef: ACCUSED, reason: 'misidentified' } },
  'add-witness': { given: factFinding, body: { witness: { name: 'Ms C', phone: '+66 81 234 5678', address: 'Mukdahan', relation: 'colleague' } } },
  'add-note': { given: registered, body: { body: 'Reporter called.', visibility: 'restricted' } },
  'request-info': { given: screening, body: { tipId: TIP_ID, question: 'When was the payment made?' } },
  refer: {
    given: factFinding,
    body: { toAgency: 'NACC', toAgencyId: 'agency-nacc', referralType: 'jurisdiction_transfer', packageSha256: HASH, referenceNo: 'NACC-2566/0042' },
  },
  'record-external-outcome': {
    given: referred,
    body: { referralId: REFERRAL, outcome: 'penalty_order', penalty: { type: 'salary_cut', severity: '10% for 3 months' }, decidedAt: PAST, sourceRef: 'Order 123/2566' },
  },
  'propose-closure': {
    given: factFinding,
    body: { disposition: 'substantiated_disciplinary', reason: 'bribe confirmed', publicOutcomeStatement: 'Disciplinary action was recommended.' },
  },
  'approve-closure': { given: decision, actor: supervisor, body: {} },
  'reject-closure': { given: decision, actor: supervisor, body: { reason: 'bank records missing', returnTo: 'fact_finding' } },
  close: { given: screening, body: { disposition: 'withdrawn', reason: 'the reporter withdrew' } },
  suspend: { given: factFinding, body: { reason: 'awaiting the court ruling', until: FUTURE } },
  resume: { given: suspended, body: {} },
  reopen: { given: closed, actor: supervisor, body: { reason: 'new_evidence', reopenedTo: 'fact_finding' } },
  'schedule-retention': { given: closed, actor: custodian, body: { deleteAfter: FUTURE, policyCode: 'retention.case.10y' } },
};

const requested: ConsultationEvent = {
  type: 'ConsultationRequested',
  data: { consultationId: CONSULTATION_ID, channel: 'mobile_clinic', requesterType: 'state_official', provinceCode: 'TH-49', topicCodes: ['procurement'], question: 'q', requestedAt: PAST },
};
const scheduled: ConsultationEvent = { type: 'ConsultationScheduled', data: { consultationId: CONSULTATION_ID, scheduledFor: PAST, location: 'hall', advisorUserIds: [USER_CLINIC] } };
const held: ConsultationEvent = { type: 'ConsultationHeld', data: { consultationId: CONSULTATION_ID, heldAt: PAST, durationMin: 30, advisorUserIds: [USER_CLINIC] } };
const advised: ConsultationEvent = {
  type: 'AdviceGiven',
  data: { consultationId: CONSULTATION_ID, adviceId: ADVICE_ID, summary: 's', riskFlags: [], recommendedMeasures: [], referencesToRules: [] },
};
const followUp: ConsultationEvent = { type: 'FollowUpScheduled', data: { consultationId: CONSULTATION_ID, dueAt: FUTURE, what: 'check the plan' } };

const CONSULTATION_EXAMPLES: Record<string, Example> = {
  create: {
    given: [],
    body: {
      channel: 'mobile_clinic',
      requesterType: 'state_official',
      agencyId: 'agency-42',
      provinceCode: 'TH-49',
      topicCodes: ['procurement', 'ita_preparation'],
      question: 'How should a purchase below the e-bidding threshold be split?',
      requestedAt: PAST,
    },
  },
  schedule: { given: [requested], body: { scheduledFor: FUTURE, location: 'Mukdahan provincial hall', advisorUserIds: [USER_CLINIC, USER_SUP] } },
  'record-held': { given: [requested, scheduled], body: { heldAt: PAST, durationMin: 45, advisorUserIds: [USER_CLINIC] } },
  'give-advice': {
    given: [requested, scheduled, held],
    body: { summary: 'Explained the thresholds.', riskFlags: ['PROCUREMENT'], recommendedMeasures: ['split by item'], referencesToRules: ['Procurement Act B.E. 2560 s.56'] },
  },
  'schedule-follow-up': { given: [requested, scheduled, held, advised], body: { dueAt: FUTURE, what: 'check the revised plan' } },
  'complete-follow-up': { given: [requested, scheduled, held, advised, followUp], body: { completedAt: PAST, result: 'implemented', note: 'plan revised' } },
  close: { given: [requested, scheduled, held, advised], body: {} },
  cancel: { given: [requested], body: { reason: 'requester withdrew' } },
  'record-no-show': { given: [requested, scheduled], body: {} },
};

const planned: VisitEvent = {
  type: 'VisitPlanned',
  data: {
    visitId: VISIT_ID,
    fiscalYearBE: 2566,
    agencyId: 'agency-sao-17',
    provinceCode: 'TH-49',
    plannedFor: '2023-03-29',
    teamUserIds: [USER_INV],
    checklistTemplateId: 'checklist-procurement-v1',
    riskBasis: 'large budget',
  },
};
const conducted: VisitEvent = { type: 'VisitConducted', data: { visitId: VISIT_ID, conductedAt: PAST, teamUserIds: [USER_INV], checklistResults: [{ itemCode: 'P-01', result: 'issue' }] } };
const finding: VisitEvent = { type: 'FindingNoted', data: { visitId: VISIT_ID, findingId: FINDING_ID, riskArea: 'PROCUREMENT', severity: 'high', description: 'd', evidenceIds: [] } };
const recommendation: VisitEvent = { type: 'RecommendationIssued', data: { visitId: VISIT_ID, recommendationId: RECOMMENDATION_ID, findingIds: [FINDING_ID], text: 't', dueAt: FUTURE } };
const sent: VisitEvent = { type: 'RecommendationsSent', data: { visitId: VISIT_ID, sentAt: PAST, recommendationIds: [RECOMMENDATION_ID] } };

const VISIT_EXAMPLES: Record<string, Example> = {
  create: {
    given: [],
    body: {
      fiscalYearBE: 2566,
      agencyId: 'agency-sao-17',
      provinceCode: 'TH-49',
      projectName: 'Village road repair, Moo 7',
      budgetTHB: 4_500_000,
      plannedFor: '2023-03-29',
      teamUserIds: [USER_INV, USER_B],
      checklistTemplateId: 'checklist-procurement-v1',
      riskBasis: 'large budget, repeated complaints',
    },
  },
  'record-conducted': {
    given: [planned],
    body: {
      conductedAt: PAST,
      teamUserIds: [USER_INV],
      checklistResults: [
        { itemCode: 'P-01', result: 'issue', note: 'bids share author metadata' },
        { itemCode: 'P-02', result: 'ok' },
      ],
    },
  },
  'note-finding': { given: [planned, conducted], body: { riskArea: 'PROCUREMENT', severity: 'high', description: 'Bids share author metadata.', evidenceIds: ['ev-1'] } },
  'issue-recommendation': { given: [planned, conducted, finding], body: { findingIds: [FINDING_ID], text: 'Publish the bid evaluation.', dueAt: FUTURE } },
  'send-recommendations': { given: [planned, conducted, finding, recommendation], body: { sentAt: PAST } },
  'record-agency-response': {
    given: [planned, conducted, finding, recommendation, sent],
    body: { recommendationId: RECOMMENDATION_ID, respondedAt: PAST, response: 'Published.', claimedStatus: 'implemented' },
  },
  'verify-recommendation': { given: [planned, conducted, finding, recommendation, sent], body: { recommendationId: RECOMMENDATION_ID, verifiedAt: PAST, status: 'verified_implemented' } },
  close: { given: [planned, conducted], body: {} },
  cancel: { given: [planned], body: { reason: 'agency closed for flooding' } },
};

const activityPlanned: ActivityEvent = {
  type: 'ActivityPlanned',
  data: { activityId: ACTIVITY_ID, kind: 'provincial_workshop', fiscalYearBE: 2566, provinceCode: 'TH-49', plannedFor: '2023-03-29', targetAudience: ['state_official'] },
};
const activityHeld: ActivityEvent = { type: 'ActivityHeld', data: { activityId: ACTIVITY_ID, heldAt: PAST, venue: 'hall', facilitatorUserIds: [USER_CLINIC] } };
const attendance: ActivityEvent = {
  type: 'AttendanceRecorded',
  data: { activityId: ACTIVITY_ID, total: 120, byParticipantType: { state_official: 80, local_gov: 30, civil_society: 5, public: 0 }, agencyIds: [] },
};

const ACTIVITY_EXAMPLES: Record<string, Example> = {
  create: { given: [], body: { kind: 'provincial_workshop', fiscalYearBE: 2566, provinceCode: 'TH-49', plannedFor: '2023-03-29', targetAudience: ['state_official', 'local_gov'] } },
  'record-held': { given: [activityPlanned], body: { heldAt: PAST, venue: 'Mukdahan provincial hall', facilitatorUserIds: [USER_CLINIC] } },
  'record-attendance': {
    given: [activityPlanned, activityHeld],
    body: { total: 120, byParticipantType: { state_official: 80, local_gov: 30, civil_society: 5, public: 0 }, agencyIds: ['agency-1', 'agency-2'] },
  },
  'record-assessment': { given: [activityPlanned, activityHeld, attendance], body: { instrument: 'post_test', n: 95, mean: 16.4, sd: 2.1, maxScore: 20 } },
  close: { given: [activityPlanned, activityHeld, attendance], body: {} },
  cancel: { given: [activityPlanned], body: { reason: 'venue unavailable' } },
};

/* Every command type of each aggregate, exhaustive at compile time: a new domain command breaks the build here. */
const all = <T extends string>(commands: Record<T, true>): string[] => Object.keys(commands);
const CASE_COMMANDS = all<CaseCommandType>({
  OpenCase: true,
  ClassifyCase: true,
  AssignCase: true,
  UnassignCase: true,
  SetDeadline: true,
  ExtendDeadline: true,
  StartScreening: true,
  StartFactFinding: true,
  EscalateToInquiry: true,
  RecordInvestigationStep: true,
  LogEvidence: true,
  RecordFinding: true,
  AddAccusedPerson: true,
  RemoveAccusedPerson: true,
  AddWitness: true,
  AddInternalNote: true,
  RequestInfoFromReporter: true,
  LinkTip: true,
  ReferCase: true,
  RecordExternalOutcome: true,
  ProposeClosure: true,
  ApproveClosure: true,
  RejectClosure: true,
  CloseCase: true,
  SuspendCase: true,
  ResumeCase: true,
  ReopenCase: true,
  MergeCase: true,
  ScheduleRetention: true,
  PlaceRetentionHold: true,
  ReleaseRetentionHold: true,
  ShredCaseKey: true,
  VerifyEvidence: true,
  TransferEvidenceCustody: true,
});
const CONSULTATION_COMMANDS = all<ConsultationCommandType>({
  RequestConsultation: true,
  ScheduleConsultation: true,
  RecordConsultationHeld: true,
  GiveAdvice: true,
  ScheduleFollowUp: true,
  CompleteFollowUp: true,
  EscalateConsultation: true,
  CloseConsultation: true,
  CancelConsultation: true,
  RecordNoShow: true,
});
const VISIT_COMMANDS = all<VisitCommandType>({
  PlanVisit: true,
  RecordVisitConducted: true,
  NoteFinding: true,
  IssueRecommendation: true,
  SendRecommendations: true,
  RecordAgencyResponse: true,
  VerifyRecommendation: true,
  EscalateVisitToCase: true,
  CloseVisit: true,
  CancelVisit: true,
});
const ACTIVITY_COMMANDS = all<ActivityCommandType>({
  PlanActivity: true,
  RecordActivityHeld: true,
  RecordAttendance: true,
  RecordAssessment: true,
  CloseActivity: true,
  CancelActivity: true,
});

interface Table {
  collection: CommandCollection;
  /** The allowed-commands table of the aggregate: every command but the creating one appears in some phase. */
  allowed: Readonly<Record<string, readonly string[]>>;
  creating: string;
  commands: string[];
  notRouted: Readonly<Record<string, string | undefined>>;
  examples: Record<string, Example>;
  actor: Actor;
}

const TABLES: Record<string, Table> = {
  cases: {
    collection: { path: 'cases', tag: 'cases', aggregate: caseAggregate as unknown as CommandCollection['aggregate'], commands: CASE_COMMAND_ROUTES },
    allowed: CASE_ALLOWED_COMMANDS,
    creating: 'OpenCase',
    commands: CASE_COMMANDS,
    notRouted: CASE_NOT_ROUTED,
    examples: CASE_EXAMPLES,
    actor: investigator,
  },
  consultations: {
    collection: CONSULTATIONS,
    allowed: CONSULTATION_ALLOWED_COMMANDS,
    creating: 'RequestConsultation',
    commands: CONSULTATION_COMMANDS,
    notRouted: CONSULTATION_NOT_ROUTED,
    examples: CONSULTATION_EXAMPLES,
    actor: clinicStaff,
  },
  visits: {
    collection: VISITS,
    allowed: VISIT_ALLOWED_COMMANDS,
    creating: 'PlanVisit',
    commands: VISIT_COMMANDS,
    notRouted: VISIT_NOT_ROUTED,
    examples: VISIT_EXAMPLES,
    actor: investigator,
  },
  activities: {
    collection: ACTIVITIES,
    allowed: ACTIVITY_ALLOWED_COMMANDS,
    creating: 'PlanActivity',
    commands: ACTIVITY_COMMANDS,
    notRouted: ACTIVITY_NOT_ROUTED,
    examples: ACTIVITY_EXAMPLES,
    actor: clinicStaff,
  },
};

/* ------------------------------------------------------------------------------------------------ helpers */

type Create = NonNullable<CommandCollection['create']>;
/** The create route as a route named `create`, so both kinds are checked alike. */
interface AnyRoute {
  route: string;
  command: string;
  dto: CommandRoute['dto'];
  roles: CommandRoute['roles'];
  summary: string;
  retryOnConflict?: boolean;
  toData(body: Record<string, unknown>, ctx: RouteContext & { id: string }): Record<string, unknown>;
}
function routesOf(collection: CommandCollection): AnyRoute[] {
  const create: Create | undefined = collection.create;
  const commands = collection.commands.map((r) => ({ ...r, toData: r.toData ?? ((body: Record<string, unknown>) => ({ ...body })) }));
  return create ? [{ ...create, route: 'create' }, ...commands] : commands;
}

const CASES = Object.entries(TABLES).flatMap(([name, table]) => routesOf(table.collection).map((route) => [`${name} ${route.route}`, name, route] as const));

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true };
async function check(dto: AnyRoute['dto'], body: unknown): Promise<ValidationError[]> {
  return validate(plainToInstance(dto, body) as object, OPTIONS);
}
const rules = (errors: ValidationError[]): string[] =>
  errors.flatMap((e) => [...Object.keys(e.constraints ?? {}).map((rule) => `${e.property}:${rule}`), ...rules(e.children ?? []).map((r) => `${e.property}.${r}`)]);

function contextFor(actor: Actor, id: string): RouteContext & { id: string } {
  const principal: Principal = { userId: actor.userId!, username: 'tester', roles: [actor.role!], officeCode: 'PACC4' };
  return { id, at: new Date().toISOString(), newId: () => uuidv7(), request: { principal, actingRole: actor.role } as AuthedRequest };
}

/** What the pipe and the generated handler make of a body: validate, transform, spread, toData. */
async function dataFor(route: AnyRoute, body: Record<string, unknown>, ctx: RouteContext & { id: string }): Promise<Record<string, unknown>> {
  const instance = plainToInstance(route.dto, body) as Record<string, unknown>;
  expect(rules(await validate(instance, OPTIONS))).toEqual([]);
  return route.toData({ ...instance }, ctx);
}

function decide(table: Table, route: AnyRoute, example: Example, data: Record<string, unknown>): unknown[] {
  const { decider } = table.collection.aggregate;
  const state = fold(decider, example.given as never[]);
  return decider.decide({ type: route.command, data, meta: { at: new Date().toISOString(), actor: example.actor ?? table.actor } } as never, state) as unknown[];
}

/* A minimal view of the OpenAPI document: enough to read request schemas. */
interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  $ref?: string;
  allOf?: Schema[];
  items?: Schema;
}
let schemas: Record<string, Schema> = {};
let requestSchemaOf: (collection: string, route: string) => Schema;

const deref = (schema: Schema): Schema => {
  const ref = schema.$ref ?? schema.allOf?.[0]?.$ref;
  if (!ref) return schema;
  const target = schemas[ref.replace('#/components/schemas/', '')];
  if (!target) throw new Error(`unresolved ${ref}`);
  return target;
};
const isCoded = (schema: Schema) => Boolean(deref(schema).enum ?? (schema.items && deref(schema.items).enum));
const isObject = (schema: Schema) => deref(schema).type === 'object' || Boolean(schema.items && deref(schema.items).type === 'object');
const requiredOf = (schema: Schema) => new Set(schema.required ?? []);
function minimal(body: Record<string, unknown>, schema: Schema): Record<string, unknown> {
  const required = requiredOf(schema);
  return Object.fromEntries(Object.entries(body).filter(([key]) => required.has(key)));
}

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    controllers: Object.values(TABLES).map((table) => commandController(table.collection)),
    providers: [{ provide: CommandDispatcher, useValue: {} }],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter());
  app.setGlobalPrefix('api/v1');
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  await app.close();
  schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  requestSchemaOf = (collection, route) => {
    const path = route === 'create' ? `/api/v1/${collection}` : `/api/v1/${collection}/{id}/${route}`;
    const body = document.paths[path]?.post?.requestBody as { content: Record<string, { schema: Schema }> } | undefined;
    const schema = body?.content['application/json']?.schema;
    if (!schema) throw new Error(`no request body for ${path}`);
    return deref(schema);
  };
});

/* ------------------------------------------------------------------------------------------------ tables */

describe.each(Object.entries(TABLES))('%s route table', (name, table) => {
  const routes = routesOf(table.collection);

  it('names every route once, in kebab case', () => {
    const names = table.collection.commands.map((r) => r.route);
    expect(new Set(names).size).toBe(names.length);
    for (const route of names) expect(route).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('routes every command of the aggregate, or says why not', () => {
    // The compile-time list and the domain's allowed-commands table agree.
    expect(new Set([table.creating, ...Object.values(table.allowed).flat()])).toEqual(new Set(table.commands));
    const routed = routes.map((r) => r.command);
    const notRouted = Object.keys(table.notRouted);
    expect(new Set(routed).size).toBe(routed.length);
    expect(routed.filter((c) => notRouted.includes(c))).toEqual([]);
    expect([...routed, ...notRouted].sort()).toEqual([...table.commands].sort());
    for (const reason of Object.values(table.notRouted)) expect(reason?.length).toBeGreaterThan(20);
    // Only the creating command, cross-stream work and hand-written routes (legal holds, the retention job, evidence files) stay out.
    expect(notRouted.length).toBeLessThanOrEqual(8);
  });

  it('gives every route known roles, a one-line summary and an explicit retry policy', () => {
    for (const route of routes) {
      expect(route.roles.length).toBeGreaterThan(0);
      expect(new Set(route.roles).size).toBe(route.roles.length);
      for (const role of route.roles) expect(ROLES).toContain(role);
      expect(route.summary).toMatch(/^\S[^\n]{5,119}$/);
    }
    for (const route of table.collection.commands) expect(typeof route.retryOnConflict).toBe('boolean');
  });

  it('keeps one example body per route', () => {
    expect(Object.keys(table.examples).sort()).toEqual(routes.map((r) => r.route).sort());
  });

  it.each(name === 'cases' ? [['close'], ['approve-closure'], ['reopen'], ['propose-closure'], ['refer'], ['suspend'], ['resume']] : [['close'], ['cancel']])(
    'makes %s a decision on the state the user saw (no retry on conflict)',
    (route) => {
      expect(table.collection.commands.find((r) => r.route === route)?.retryOnConflict).toBe(false);
    },
  );
});

describe('case command routes', () => {
  it('leave case creation to the case-numbering controller', () => {
    expect(CASE_COMMAND_ROUTES.map((r) => r.command)).not.toContain('OpenCase');
    expect(CASE_NOT_ROUTED.OpenCase).toBeDefined();
  });

  it('let investigators and supervisors do the casework, and reserve decisions to supervisors', () => {
    const roles = (route: string) => CASE_COMMAND_ROUTES.find((r) => r.route === route)?.roles;
    for (const route of ['record-step', 'log-evidence', 'record-finding', 'add-note', 'propose-closure']) expect(roles(route)).toEqual(['investigator', 'supervisor']);
    for (const route of ['assign', 'unassign', 'approve-closure', 'reject-closure', 'reopen']) expect(roles(route)).toEqual(['supervisor']);
    expect(roles('extend-deadline')).toEqual(['supervisor', 'admin']);
    expect(roles('schedule-retention')).toEqual(['custodian', 'supervisor']);
    expect(roles('classify')).toContain('intake_officer');
    expect(roles('start-screening')).toContain('intake_officer');
  });
});

/* ------------------------------------------------------------------------------------------------ DTOs */

describe.each(CASES)('%s', (_label, collection, route) => {
  const table = TABLES[collection]!;
  const example = () => table.examples[route.route]!;
  const schema = () => requestSchemaOf(collection, route.route);

  it('accepts its example body', async () => {
    expect(rules(await check(route.dto, example().body))).toEqual([]);
  });

  it('refuses an unknown property, at the top and inside nested objects', async () => {
    expect(rules(await check(route.dto, { ...example().body, unexpected: 1 }))).toContain('unexpected:whitelistValidation');
    for (const [key, value] of Object.entries(example().body)) {
      if (Array.isArray(value) && typeof value[0] === 'object') {
        const errors = rules(await check(route.dto, { ...example().body, [key]: [{ ...value[0], unexpected: 1 }, ...value.slice(1)] }));
        expect(errors).toContain(`${key}.0.unexpected:whitelistValidation`);
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const errors = rules(await check(route.dto, { ...example().body, [key]: { ...value, unexpected: 1 } }));
        expect(errors).toContain(`${key}.unexpected:whitelistValidation`);
      }
    }
  });

  it('passes the app’s validation pipe, which refuses unknown properties with a 400 problem', async () => {
    const pipe = createValidationPipe();
    const metadata = { type: 'body', metatype: route.dto, data: '' } as const;
    await expect(pipe.transform(example().body, metadata)).resolves.toBeInstanceOf(route.dto);
    await expect(pipe.transform({ ...example().body, unexpected: 1 }, metadata)).rejects.toBeInstanceOf(ProblemError);
  });

  it('exercises every documented field in its example, and no other', () => {
    expect(Object.keys(example().body).sort()).toEqual(Object.keys(schema().properties ?? {}).sort());
  });

  it('requires exactly the fields the document marks required; refuses null everywhere', async () => {
    const required = requiredOf(schema());
    for (const key of Object.keys(example().body)) {
      const { [key]: _left, ...without } = example().body;
      const errors = rules(await check(route.dto, without));
      if (required.has(key)) expect(errors.length).toBeGreaterThan(0);
      else expect(errors).toEqual([]);
      expect(rules(await check(route.dto, { ...example().body, [key]: null })).length).toBeGreaterThan(0);
    }
  });

  it('refuses codes outside the domain code lists and wrong types', async () => {
    for (const [key, property] of Object.entries(schema().properties ?? {})) {
      const value = example().body[key];
      if (isCoded(property)) {
        const bogus = Array.isArray(value) ? ['__not_a_code__'] : '__not_a_code__';
        expect(rules(await check(route.dto, { ...example().body, [key]: bogus })).length).toBeGreaterThan(0);
      }
      if (!isObject(property)) {
        const wrongType = typeof value === 'number' ? String(value) : Array.isArray(value) ? 'x' : typeof value === 'string' ? 42 : 'x';
        expect(rules(await check(route.dto, { ...example().body, [key]: wrongType })).length).toBeGreaterThan(0);
      }
    }
  });

  it('builds data the decider accepts, from the full and from the minimal body', async () => {
    const actor = example().actor ?? table.actor;
    for (const body of [example().body, ...(example().minimalDecides === false ? [] : [minimal(example().body, schema())])]) {
      const ctx = contextFor(actor, collection === 'cases' ? CASE_ID : uuidv7());
      const data = await dataFor(route, body, ctx);
      // Plain JSON data: no DTO instances, no properties set to undefined.
      expect(JSON.parse(JSON.stringify(data))).toStrictEqual(data);
      const events = decide(table, route, example(), data);
      expect(events.length).toBeGreaterThan(0);
    }
  });
});

describe('server-assigned ids and defaults', () => {
  const ctx = contextFor(investigator, CASE_ID);
  const caseRoute = (name: string) => routesOf(TABLES.cases!.collection).find((r) => r.route === name)!;

  it('assigns new ids with ctx.newId, never from the body', async () => {
    const idFields: Record<string, string> = {
      'record-step': 'stepId',
      'log-evidence': 'evidenceId',
      'record-finding': 'findingId',
      'add-accused': 'subjectRef',
      'add-witness': 'subjectRef',
      'add-note': 'noteId',
      refer: 'referralId',
    };
    for (const [name, field] of Object.entries(idFields)) {
      const route = caseRoute(name);
      expect(await check(route.dto, { ...CASE_EXAMPLES[name]!.body, [field]: ACCUSED })).not.toEqual([]);
      const data = await dataFor(route, CASE_EXAMPLES[name]!.body, ctx);
      expect(data[field]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    }
  });

  it('defaults who performed a step and who collected evidence to the signed-in user', async () => {
    const step = await dataFor(caseRoute('record-step'), minimal(CASE_EXAMPLES['record-step']!.body, requestSchemaOf('cases', 'record-step')), ctx);
    expect(step).toMatchObject({ performedBy: [USER_INV], relatedSubjectRefs: [] });
    const evidence = await dataFor(caseRoute('log-evidence'), minimal(CASE_EXAMPLES['log-evidence']!.body, requestSchemaOf('cases', 'log-evidence')), ctx);
    expect(evidence.collectedBy).toBe(USER_INV);
  });

  it('opens clinic, visit and activity streams under the id of the new resource', async () => {
    for (const [name, field] of [
      ['consultations', 'consultationId'],
      ['visits', 'visitId'],
      ['activities', 'activityId'],
    ] as const) {
      const table = TABLES[name]!;
      const id = uuidv7();
      const route = routesOf(table.collection)[0]!;
      const data = await dataFor(route, table.examples.create!.body, contextFor(table.actor, id));
      expect(data[field]).toBe(id);
      expect(decide(table, route, table.examples.create!, data)).toEqual([expect.objectContaining({ data: expect.objectContaining({ [field]: id }) })]);
    }
  });

  it('leaves `requestedAt` to now when the clinic does not say', async () => {
    const route = routesOf(CONSULTATIONS)[0]!;
    const before = new Date().toISOString();
    const data = await dataFor(route, minimal(CONSULTATION_EXAMPLES.create!.body, requestSchemaOf('consultations', 'create')), contextFor(clinicStaff, uuidv7()));
    expect(typeof data.requestedAt).toBe('string');
    expect((data.requestedAt as string) >= before).toBe(true);
  });
});

describe('field rules shared by the DTOs', () => {
  const refused = async (collection: string, route: string, patch: Record<string, unknown>) => {
    const r = routesOf(TABLES[collection]!.collection).find((x) => x.route === route)!;
    return rules(await check(r.dto, { ...TABLES[collection]!.examples[route]!.body, ...patch }));
  };

  it('take instants in UTC only, as the domain does', async () => {
    expect(await refused('cases', 'record-step', { performedAt: '2023-03-29T09:00:00+07:00' })).toContain('performedAt:matches');
    expect(await refused('cases', 'record-step', { performedAt: '2023-03-29' })).not.toEqual([]);
    expect(await refused('cases', 'record-step', { performedAt: '2023-02-30T00:00:00Z' })).not.toEqual([]);
    expect(await refused('cases', 'record-step', { performedAt: '2023-03-29T02:00:00.123Z' })).toEqual([]);
  });

  it('take real calendar dates', async () => {
    expect(await refused('visits', 'create', { plannedFor: '2023-02-30' })).not.toEqual([]);
    expect(await refused('visits', 'create', { plannedFor: '29/03/2023' })).not.toEqual([]);
  });

  it('refuse blank text, over-long text and repeated list items', async () => {
    expect(await refused('cases', 'add-note', { body: '   ' })).toContain('body:matches');
    expect(await refused('cases', 'reject-closure', { reason: 'x'.repeat(2_001) })).toContain('reason:maxLength');
    expect(await refused('cases', 'record-step', { relatedSubjectRefs: [ACCUSED, ACCUSED] })).toContain('relatedSubjectRefs:arrayUnique');
    expect(await refused('consultations', 'create', { topicCodes: [] })).toContain('topicCodes:arrayMinSize');
  });

  it('take ISO 3166-2:TH province codes and UUIDs', async () => {
    expect(await refused('cases', 'classify', { provinceCode: '49' })).toContain('provinceCode:isIn');
    expect(await refused('activities', 'create', { provinceCode: 'TH-S' })).toContain('provinceCode:isIn');
    expect(await refused('cases', 'assign', { assigneeUserId: 'u-1' })).toContain('assigneeUserId:isUuid');
  });

  it('bound numbers as the domain does', async () => {
    expect(await refused('activities', 'record-attendance', { total: 5_001 })).toContain('total:max');
    expect(await refused('activities', 'record-attendance', { total: 1.5 })).toContain('total:isInt');
    expect(await refused('cases', 'classify', { allegedAmountTHB: -1 })).toContain('allegedAmountTHB:min');
    expect(await refused('consultations', 'record-held', { durationMin: 0 })).toContain('durationMin:min');
  });
});

describe('OpenAPI request schemas', () => {
  it('resolve every reference, list enums and mark arrays', () => {
    for (const [, collection, route] of CASES) {
      const schema = requestSchemaOf(collection, route.route);
      expect(schema.type).toBe('object');
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        const resolved = deref(property);
        expect([key, resolved.type ?? (resolved.enum ? 'enum' : undefined)]).not.toEqual([key, undefined]);
        if (resolved.type === 'array') expect(property.items ?? resolved.items).toBeDefined();
        if (property.items) deref(property.items);
      }
    }
  });
});
