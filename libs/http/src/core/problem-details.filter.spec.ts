import { KeyShreddedError } from '#application';
import { toProblem } from './problem-details.filter.js';

describe('toProblem', () => {
  it('answers a write under a shredded key with 410 KEY.SHREDDED, naming no subject', () => {
    const subjectRef = '0190f1f4-0000-7000-8000-0000000000e1';
    const { problem, headers } = toProblem(new KeyShreddedError(subjectRef));
    expect(problem).toMatchObject({ status: 410, code: 'KEY.SHREDDED' });
    expect(headers).toEqual({});
    expect(JSON.stringify(problem)).not.toContain(subjectRef);
  });

  it('still answers an unexpected error with a generic 500', () => {
    expect(toProblem(new Error('boom')).problem).toMatchObject({ status: 500, code: 'INTERNAL' });
  });
});
