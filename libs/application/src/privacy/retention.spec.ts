import { DEFAULT_RETENTION_YEARS, RetentionScheduleError, addYears, parseRetentionSchedule, retentionPolicyCode } from './retention.js';

describe('retention schedule', () => {
  it('defaults to the documented table and overrides only the dispositions named', () => {
    expect(parseRetentionSchedule(undefined)).toBe(DEFAULT_RETENTION_YEARS);
    const schedule = parseRetentionSchedule({ substantiated_criminal: 20, withdrawn: 1 });
    expect(schedule).toEqual({ ...DEFAULT_RETENTION_YEARS, substantiated_criminal: 20, withdrawn: 1 });
    expect(retentionPolicyCode('withdrawn', 1)).toBe('RET-1Y.withdrawn');
  });

  it.each([[[]], ['10'], [{ closed: 5 }], [{ withdrawn: 0 }], [{ withdrawn: 2.5 }], [{ withdrawn: '2' }]])('refuses %j', (raw) => {
    expect(() => parseRetentionSchedule(raw)).toThrow(RetentionScheduleError);
  });

  it('adds calendar years in UTC', () => {
    expect(addYears('2023-04-01T03:00:00.000Z', 10)).toBe('2033-04-01T03:00:00.000Z');
    expect(addYears('2024-02-29T00:00:00.000Z', 1)).toBe('2025-03-01T00:00:00.000Z');
  });
});
