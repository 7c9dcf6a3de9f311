// The dependency-audit gate's judgement (infra/audit/audit.mjs), on npm audit reports of the npm ≥ 7 shape.
// @ts-expect-error — a plain ES module of the CI tooling, without type declarations
import { advisoriesOf, judge } from '../../infra/audit/audit.mjs';

interface Advisory {
  id: string;
  package: string;
  severity: string;
}

const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    'fast-xml': {
      name: 'fast-xml',
      severity: 'high',
      via: [{ source: 1101, name: 'fast-xml', title: 'Prototype pollution', url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', severity: 'high' }],
    },
    // carried by fast-xml: names it, no advisory of its own
    'xml-tools': { name: 'xml-tools', severity: 'high', via: ['fast-xml'] },
    'tiny-lib': {
      name: 'tiny-lib',
      severity: 'moderate',
      via: [{ source: 2202, name: 'tiny-lib', title: 'ReDoS', url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff', severity: 'moderate' }],
    },
    'big-lib': {
      name: 'big-lib',
      severity: 'critical',
      via: [{ source: 3303, name: 'big-lib', title: 'RCE', url: 'https://github.com/advisories/GHSA-gggg-hhhh-iiii', severity: 'critical' }],
    },
  },
};

describe('dependency audit gate (infra/audit/audit.mjs)', () => {
  const advisories = advisoriesOf(report) as Advisory[];

  it('reads one advisory per id and package, by its GHSA id, and skips the dependents that only carry one', () => {
    expect(advisories.map((a) => `${a.id} ${a.package} ${a.severity}`).sort()).toEqual([
      'GHSA-aaaa-bbbb-cccc fast-xml high',
      'GHSA-dddd-eeee-ffff tiny-lib moderate',
      'GHSA-gggg-hhhh-iiii big-lib critical',
    ]);
  });

  it('fails on every high or critical advisory that is not accepted, not on moderate ones', () => {
    const verdict = judge(advisories, [], '2026-11-27');
    expect(verdict.ok).toBe(false);
    expect(verdict.failing.map((a: Advisory) => a.package).sort()).toEqual(['big-lib', 'fast-xml']);
  });

  it('passes when each is accepted with a reason until a date still ahead', () => {
    const accepted = [
      { id: 'GHSA-aaaa-bbbb-cccc', package: 'fast-xml', reason: 'only parses our own fixed XML', expires: '2027-01-31' },
      { id: 'GHSA-gggg-hhhh-iiii', package: 'big-lib', reason: 'the vulnerable API is never called', expires: '2026-12-31' },
    ];
    expect(judge(advisories, accepted, '2026-11-27')).toMatchObject({ ok: true, failing: [], expired: [], stale: [] });
  });

  it('fails again once an acceptance has expired, and flags acceptances that match nothing any more', () => {
    const accepted = [
      { id: 'GHSA-aaaa-bbbb-cccc', package: 'fast-xml', reason: 'only parses our own fixed XML', expires: '2026-11-26' },
      { id: 'GHSA-gggg-hhhh-iiii', package: 'big-lib', reason: 'the vulnerable API is never called', expires: '2026-12-31' },
      { id: 'GHSA-zzzz-zzzz-zzzz', package: 'gone-lib', reason: 'fixed upstream', expires: '2026-12-31' },
    ];
    const verdict = judge(advisories, accepted, '2026-11-27');
    expect(verdict.ok).toBe(false);
    expect(verdict.expired.map((a: Advisory) => a.package)).toEqual(['fast-xml']);
    expect(verdict.stale.map((entry: { package: string }) => entry.package)).toEqual(['gone-lib']);
  });

  it('refuses an acceptance without a reason or with an expiry that is not a date', () => {
    const verdict = judge(advisories, [{ id: 'GHSA-aaaa-bbbb-cccc', package: 'fast-xml', reason: '', expires: 'never' }], '2026-11-27');
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join('\n')).toMatch(/"reason" is required[\s\S]*"expires" must be a date/);
  });
});
