import { consultationAggregate, type ConsultationCommandType, type Role } from '#domain';
import type { CommandCollection, CommandRoute } from '../core/command-routes.js';
import * as dto from '../dto/consultation.dto.js';
import { plainData } from '../dto/fields.js';

type ConsultationRoute = CommandRoute & { command: Exclude<ConsultationCommandType, 'RequestConsultation'> };

/** Clinic work (Activity 1): clinic staff, and supervisors who may stand in. */
const CLINIC: Role[] = ['clinic_staff', 'supervisor'];

/** Consultation commands without a route, and why. */
export const CONSULTATION_NOT_ROUTED: Readonly<Partial<Record<ConsultationCommandType, string>>> = {
  EscalateConsultation:
    'cross-stream (opens a tip with a tip number): routed by CrossStreamController as POST /consultations/{id}/escalate',
};

const ROUTES: ConsultationRoute[] = [
  {
    route: 'schedule',
    command: 'ScheduleConsultation',
    dto: dto.ScheduleConsultationRequest,
    roles: CLINIC,
    summary: 'Schedule (or reschedule) the consultation session',
    // A reschedule replaces the schedule the user saw.
    retryOnConflict: false,
    toData: plainData,
  },
  {
    route: 'record-held',
    command: 'RecordConsultationHeld',
    dto: dto.RecordConsultationHeldRequest,
    roles: CLINIC,
    summary: 'Record that the session was held',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'give-advice',
    command: 'GiveAdvice',
    dto: dto.GiveAdviceRequest,
    roles: CLINIC,
    summary: 'Record advice given (the server assigns the adviceId)',
    retryOnConflict: true,
    toData: (body, ctx) => {
      const data = plainData(body);
      return {
        ...data,
        adviceId: ctx.newId(),
        riskFlags: data.riskFlags ?? [],
        recommendedMeasures: data.recommendedMeasures ?? [],
        referencesToRules: data.referencesToRules ?? [],
      };
    },
  },
  {
    route: 'schedule-follow-up',
    command: 'ScheduleFollowUp',
    dto: dto.ScheduleFollowUpRequest,
    roles: CLINIC,
    summary: 'Schedule (or reschedule) a follow-up with the requester',
    retryOnConflict: false,
    toData: plainData,
  },
  {
    route: 'complete-follow-up',
    command: 'CompleteFollowUp',
    dto: dto.CompleteFollowUpRequest,
    roles: CLINIC,
    summary: 'Record the result of the pending follow-up',
    retryOnConflict: true,
    toData: (body, ctx) => {
      const data = plainData(body);
      return { ...data, completedAt: data.completedAt ?? ctx.at };
    },
  },
  {
    route: 'close',
    command: 'CloseConsultation',
    dto: dto.CloseConsultationRequest,
    roles: CLINIC,
    summary: 'Close the consultation (advice recorded, no follow-up pending)',
    retryOnConflict: false,
    toData: () => ({}),
  },
  {
    route: 'cancel',
    command: 'CancelConsultation',
    dto: dto.CancelConsultationRequest,
    roles: CLINIC,
    summary: 'Cancel a requested or scheduled consultation',
    retryOnConflict: false,
    toData: plainData,
  },
  {
    route: 'record-no-show',
    command: 'RecordNoShow',
    dto: dto.RecordNoShowRequest,
    roles: CLINIC,
    summary: 'Record that the requester did not come to the scheduled session',
    retryOnConflict: true,
    toData: () => ({}),
  },
];

export const CONSULTATIONS: CommandCollection = {
  path: 'consultations',
  tag: 'consultations',
  aggregate: consultationAggregate,
  create: {
    command: 'RequestConsultation',
    dto: dto.RequestConsultationRequest,
    roles: CLINIC,
    summary: 'Register a consultation request (mobile clinic, walk-in, phone, online)',
    toData: (body, ctx) => {
      const data = plainData(body);
      return { ...data, consultationId: ctx.id, requestedAt: data.requestedAt ?? ctx.at };
    },
  },
  commands: ROUTES,
};
