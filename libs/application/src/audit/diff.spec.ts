import { diffStates } from './replay.js';
import { SUMMARIZED_EVENT_TYPES, summarize } from './summary.js';

describe('diffStates', () => {
  it('lists nothing for equal states', () => {
    expect(diffStates({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toEqual([]);
  });

  it('lists changed, added and removed fields by JSONPath, deep, in key order', () => {
    const from = { phase: 'screening', classified: false, deadlines: {}, assignees: { 'u-1': 'lead' }, reopenCount: 0 };
    const to = { phase: 'fact_finding', classified: true, deadlines: { fact_finding: { dueAt: '2024-01-01T00:00:00Z', extensions: 0 } }, assignees: {}, reopenCount: 0 };
    expect(diffStates(from, to)).toEqual([
      { path: "$.assignees['u-1']", change: 'removed', from: 'lead' },
      { path: '$.classified', change: 'changed', from: false, to: true },
      { path: '$.deadlines.fact_finding', change: 'added', to: { dueAt: '2024-01-01T00:00:00Z', extensions: 0 } },
      { path: '$.phase', change: 'changed', from: 'screening', to: 'fact_finding' },
    ]);
  });

  it('compares arrays index by index', () => {
    expect(diffStates({ tipIds: ['a', 'b'] }, { tipIds: ['a', 'c', 'd'] })).toEqual([
      { path: '$.tipIds[1]', change: 'changed', from: 'b', to: 'c' },
      { path: '$.tipIds[2]', change: 'added', to: 'd' },
    ]);
    expect(diffStates({ l: [{ x: 1 }, 2] }, { l: [{ x: 2 }] })).toEqual([
      { path: '$.l[0].x', change: 'changed', from: 1, to: 2 },
      { path: '$.l[1]', change: 'removed', from: 2 },
    ]);
  });

  it('reports a change of kind (null → object, array → scalar) once, at its own path', () => {
    expect(diffStates(null, { phase: 'planned' })).toEqual([{ path: '$', change: 'changed', from: null, to: { phase: 'planned' } }]);
    expect(diffStates({ a: [1] }, { a: 1 })).toEqual([{ path: '$.a', change: 'changed', from: [1], to: 1 }]);
  });

  it('treats undefined as absent and quotes names that are not plain', () => {
    expect(diffStates({ a: undefined }, {})).toEqual([]);
    expect(diffStates({}, { "it's": 1 })).toEqual([{ path: "$['it\\'s']", change: 'added', to: 1 }]);
  });
});

describe('summarize', () => {
  it('gives one line from codes, e.g. a classification', () => {
    expect(summarize({ type: 'CaseClassified', data: { primaryCategory: 'BRIBERY', secondaryCategories: [], priority: 'high', jurisdiction: 'pacc', reason: 'a free-text reason' } })).toBe(
      'Case classified: BRIBERY, priority high, jurisdiction pacc',
    );
    expect(summarize({ type: 'CasePhaseChanged', data: { from: 'screening', to: 'fact_finding', reason: 'StartFactFinding' } })).toBe('Phase changed: screening → fact_finding by StartFactFinding');
  });

  it('never lets free text through, for any event type', () => {
    const marker = 'นายสมชาย Marker-ab12';
    // Every field of every payload is free text: no summary may contain it.
    const data = new Proxy({}, { get: (_t, key) => (key === 'then' ? undefined : marker), has: () => true });
    for (const type of SUMMARIZED_EVENT_TYPES) {
      const line = summarize({ type, data });
      expect({ type, leaked: line.includes('Marker') || line.includes('สมชาย') }).toEqual({ type, leaked: false });
    }
  });

  it('shows a sealed or erased field as ?, and an unknown type by name and schema version', () => {
    expect(summarize({ type: 'TipRejected', data: { reason: { enc: 'v1', kid: 'k:1', iv: '', ct: '' } } })).toBe('Tip rejected: ?');
    expect(summarize({ type: 'SomethingNew', schemaVersion: 3, data: {} })).toBe('SomethingNew (schema v3)');
  });
});
