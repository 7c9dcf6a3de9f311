import { visitAggregate, type Role, type VisitCommandType } from '#domain';
import type { CommandCollection, CommandRoute } from '../core/command-routes.js';
import * as dto from '../dto/visit.dto.js';
import { plainData } from '../dto/fields.js';

type VisitRoute = CommandRoute & { command: Exclude<VisitCommandType, 'PlanVisit'> };

/** Proactive surveillance is investigative work: investigators, and supervisors. */
const SURVEILLANCE: Role[] = ['investigator', 'supervisor'];

/** Visit commands without a route, and why. */
export const VISIT_NOT_ROUTED: Readonly<Partial<Record<VisitCommandType, string>>> = {
  EscalateVisitToCase:
    'cross-stream (opens a case with a case number): routed by CrossStreamController as POST /visits/{id}/escalate',
};

const ROUTES: VisitRoute[] = [
  {
    route: 'record-conducted',
    command: 'RecordVisitConducted',
    dto: dto.RecordVisitConductedRequest,
    roles: SURVEILLANCE,
    summary: 'Record that the visit took place, with the checklist results',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'note-finding',
    command: 'NoteFinding',
    dto: dto.NoteFindingRequest,
    roles: SURVEILLANCE,
    summary: 'Note a finding of the visit (the server assigns the findingId)',
    retryOnConflict: true,
    toData: (body, ctx) => {
      const data = plainData(body);
      return { ...data, findingId: ctx.newId(), evidenceIds: data.evidenceIds ?? [] };
    },
  },
  {
    route: 'issue-recommendation',
    command: 'IssueRecommendation',
    dto: dto.IssueRecommendationRequest,
    roles: SURVEILLANCE,
    summary: 'Issue a recommendation answering findings (the server assigns the recommendationId)',
    retryOnConflict: true,
    toData: (body, ctx) => ({ ...plainData(body), recommendationId: ctx.newId() }),
  },
  {
    route: 'send-recommendations',
    command: 'SendRecommendations',
    dto: dto.SendRecommendationsRequest,
    roles: SURVEILLANCE,
    summary: 'Send the issued recommendations to the agency (no more can be issued afterwards)',
    // Freezes the set of recommendations: sent on the set the user saw.
    retryOnConflict: false,
    toData: (body, ctx) => {
      const data = plainData(body);
      return { ...data, sentAt: data.sentAt ?? ctx.at };
    },
  },
  {
    route: 'record-agency-response',
    command: 'RecordAgencyResponse',
    dto: dto.RecordAgencyResponseRequest,
    roles: SURVEILLANCE,
    summary: 'Record the agency’s response to a recommendation',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'verify-recommendation',
    command: 'VerifyRecommendation',
    dto: dto.VerifyRecommendationRequest,
    roles: SURVEILLANCE,
    summary: 'Record the team’s verification of a recommendation',
    retryOnConflict: true,
    toData: (body, ctx) => {
      const data = plainData(body);
      return { ...data, verifiedAt: data.verifiedAt ?? ctx.at };
    },
  },
  {
    route: 'close',
    command: 'CloseVisit',
    dto: dto.CloseVisitRequest,
    roles: SURVEILLANCE,
    summary: 'Close the visit (no findings, or every recommendation verified)',
    retryOnConflict: false,
    toData: () => ({}),
  },
  {
    route: 'cancel',
    command: 'CancelVisit',
    dto: dto.CancelVisitRequest,
    roles: SURVEILLANCE,
    summary: 'Cancel a planned visit',
    retryOnConflict: false,
    toData: plainData,
  },
];

export const VISITS: CommandCollection = {
  path: 'visits',
  tag: 'visits',
  aggregate: visitAggregate,
  create: {
    command: 'PlanVisit',
    dto: dto.PlanVisitRequest,
    roles: SURVEILLANCE,
    summary: 'Plan a proactive surveillance visit to an agency or project',
    toData: (body, ctx) => ({ ...plainData(body), visitId: ctx.id }),
  },
  commands: ROUTES,
};
