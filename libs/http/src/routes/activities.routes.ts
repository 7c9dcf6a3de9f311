import { activityAggregate, type ActivityCommandType, type Role } from '#domain';
import type { CommandCollection, CommandRoute } from '../core/command-routes.js';
import * as dto from '../dto/activity.dto.js';
import { plainData } from '../dto/fields.js';

type ActivityRoute = CommandRoute & { command: Exclude<ActivityCommandType, 'PlanActivity'> };

/** Outreach (workshops, training, PR) is run by the programme's clinic staff, and supervisors. */
const OUTREACH: Role[] = ['clinic_staff', 'supervisor'];

/** Activity commands without a route, and why: none. */
export const ACTIVITY_NOT_ROUTED: Readonly<Partial<Record<ActivityCommandType, string>>> = {};

const ROUTES: ActivityRoute[] = [
  {
    route: 'record-held',
    command: 'RecordActivityHeld',
    dto: dto.RecordActivityHeldRequest,
    roles: OUTREACH,
    summary: 'Record that the activity was held',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'record-attendance',
    command: 'RecordAttendance',
    dto: dto.RecordAttendanceRequest,
    roles: OUTREACH,
    summary: 'Record (or correct) the head count by participant type',
    retryOnConflict: true,
    toData: (body) => {
      const data = plainData(body);
      return { ...data, agencyIds: data.agencyIds ?? [] };
    },
  },
  {
    route: 'record-assessment',
    command: 'RecordAssessment',
    dto: dto.RecordAssessmentRequest,
    roles: OUTREACH,
    summary: 'Record (or correct) the summary of a pre-test, post-test or satisfaction survey',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'close',
    command: 'CloseActivity',
    dto: dto.CloseActivityRequest,
    roles: OUTREACH,
    summary: 'Close the activity (attendance recorded)',
    retryOnConflict: false,
    toData: () => ({}),
  },
  {
    route: 'cancel',
    command: 'CancelActivity',
    dto: dto.CancelActivityRequest,
    roles: OUTREACH,
    summary: 'Cancel a planned activity',
    retryOnConflict: false,
    toData: plainData,
  },
];

export const ACTIVITIES: CommandCollection = {
  path: 'activities',
  tag: 'activities',
  aggregate: activityAggregate,
  create: {
    command: 'PlanActivity',
    dto: dto.PlanActivityRequest,
    roles: OUTREACH,
    summary: 'Plan an outreach activity (workshop, training course, PR event, network meeting)',
    toData: (body, ctx) => ({ ...plainData(body), activityId: ctx.id }),
  },
  commands: ROUTES,
};
