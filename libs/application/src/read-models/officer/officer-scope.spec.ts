import type { Role } from '#domain';
import { caseScope } from './cases.queries.js';
import { matches, withinScope, type Viewer } from './officer-scope.js';
import { visitScope } from './visits.queries.js';
import { auditLogScope } from './audit-log.queries.js';

const viewer = (role: Role, unitCode?: string): Viewer => ({ principal: { userId: 'u1', username: 'x', roles: [role], officeCode: 'PACC4', ...(unitCode ? { unitCode } : {}) }, role });

describe('officer scopes', () => {
  it('intersects the caller’s equality and membership filters with the scope, or says nothing can match', () => {
    const intake = caseScope(viewer('intake_officer'));
    expect(withinScope({ priority: 'high' }, intake)).toEqual({ priority: 'high', officeCode: 'PACC4', phase: { in: ['registered', 'screening'] } });
    expect(withinScope({ phase: { in: ['screening', 'fact_finding'] } }, intake)).toEqual({ officeCode: 'PACC4', phase: 'screening' });
    expect(withinScope({ phase: 'fact_finding' }, intake)).toBeUndefined();
    expect(withinScope({ officeCode: 'PACC9' }, caseScope(viewer('supervisor')))).toBeUndefined();
    expect(withinScope({ officeCode: 'PACC4' }, caseScope(viewer('supervisor')))).toEqual({ officeCode: 'PACC4' });
    expect(withinScope({ phase: 'closed' }, caseScope(viewer('auditor')))).toEqual({ phase: 'closed' });
    expect(withinScope({}, caseScope(viewer('analyst')))).toBeUndefined();
    expect(withinScope({}, caseScope(viewer('clinic_staff')))).toBeUndefined();
    expect(withinScope({}, auditLogScope(viewer('supervisor')))).toBeUndefined();
  });

  it('lets an investigator see a case assigned to them or to their unit, and nothing else', () => {
    const scope = caseScope(viewer('investigator', 'INV1'));
    expect(scope).toEqual({ rows: 'some', filter: { access: { containsAny: ['user:u1', 'unit:INV1'] } } });
    if (scope.rows !== 'some') throw new Error('unexpected');
    expect(matches({ id: 'a', access: ['user:u1', 'unit:INV9'] }, scope.filter)).toBe(true);
    expect(matches({ id: 'b', access: ['user:u2', 'unit:INV1'] }, scope.filter)).toBe(true);
    expect(matches({ id: 'c', access: ['user:u2', 'unit:INV2'] }, scope.filter)).toBe(false);
    expect(matches({ id: 'd', access: [] }, scope.filter)).toBe(false);
    expect(caseScope(viewer('investigator'))).toEqual({ rows: 'some', filter: { access: { containsAny: ['user:u1'] } } });
    const visits = visitScope(viewer('investigator'));
    expect(visits.rows === 'some' && matches({ id: 'v', memberUserIds: ['u1'] }, visits.filter)).toBe(true);
  });

  it('takes an investigator’s own id as the visit member filter their scope already is, and refuses to merge another', () => {
    const investigator = visitScope(viewer('investigator'));
    expect(withinScope({ memberUserIds: { contains: 'u1' }, status: 'planned' }, investigator)).toEqual({ memberUserIds: { contains: 'u1' }, status: 'planned' });
    // Two members of one array cannot be one condition: the HTTP layer refuses it with a 400 on `member`.
    expect(() => withinScope({ memberUserIds: { contains: 'u2' } }, investigator)).toThrow(/memberUserIds/);
  });

  it('matches single rows as the store filters them', () => {
    const doc = { id: 'x', phase: 'screening', dueAt: '2023-05-01T00:00:00.000Z', n: 3, tags: ['a'], none: null };
    expect(matches(doc, { phase: { in: ['screening', 'inquiry'] }, dueAt: { gte: '2023-01-01T00:00:00.000Z', lt: '2023-06-01T00:00:00.000Z' } })).toBe(true);
    expect(matches(doc, { dueAt: { lt: '2023-05-01T00:00:00.000Z' } })).toBe(false);
    expect(matches(doc, { n: { gt: 2, lte: 3 }, tags: { contains: 'a' }, none: null })).toBe(true);
    expect(matches(doc, { missing: { lt: 'z' } })).toBe(false);
    expect(matches(doc, { phase: { ne: 'screening' } })).toBe(false);
  });
});
