import type { Provider } from '@nestjs/common';
import { AppConfig } from '#config';
import { DEFAULT_CASE_POLICY, createCaseAggregate } from '#domain';

/** The case aggregate under this office's policy (closure approval from configuration). */
export const CASE_AGGREGATE = Symbol('case-aggregate');

export function caseAggregateFor(config: Pick<AppConfig, 'closureApprovalRequired'>) {
  return createCaseAggregate({ ...DEFAULT_CASE_POLICY, closureApprovalRequired: config.closureApprovalRequired });
}

export const caseAggregateProvider: Provider = { provide: CASE_AGGREGATE, useFactory: (config: AppConfig) => caseAggregateFor(config), inject: [AppConfig] };
