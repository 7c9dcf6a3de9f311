import { DEADLINE_KINDS, DEFAULT_CASE_POLICY, type DeadlineKind } from '#domain';
import type { CaseDetail } from './types.js';

/**
 * The running deadlines this user may extend now, under the office's deadline policy (the decider's
 * DEFAULT_CASE_POLICY): the n-th extension of a kind names its approver role and its longest length.
 */
export function extendableKinds(detail: CaseDetail, roles: readonly string[]): { kind: DeadlineKind; maxDays: number }[] {
  return DEADLINE_KINDS.flatMap((kind) => {
    const current = detail.deadlines[kind];
    const rule = current ? DEFAULT_CASE_POLICY.deadlines[kind]?.extensions[current.extensions] : undefined;
    return rule && roles.includes(rule.approverRole) ? [{ kind, maxDays: rule.maxDays }] : [];
  });
}
