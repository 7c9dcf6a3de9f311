import type { Type } from '@nestjs/common';
import { ActivityQueriesController } from './activities.queries.controller.js';
import { AuditLogController } from './audit-log.controller.js';
import { CaseQueriesController } from './cases.queries.controller.js';
import { ConsultationQueriesController } from './consultations.queries.controller.js';
import { TipQueriesController } from './tips.queries.controller.js';
import { VisitQueriesController } from './visits.queries.controller.js';

/** The read side of the API: GET routes over the officer read models and the audit log. */
export const QUERY_CONTROLLERS: Type<unknown>[] = [CaseQueriesController, TipQueriesController, ConsultationQueriesController, VisitQueriesController, ActivityQueriesController, AuditLogController];
