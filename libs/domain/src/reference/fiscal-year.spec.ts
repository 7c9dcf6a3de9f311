import { InvalidCommandError } from '../shared/errors.js';
import {
  assertLocalDate,
  assertUtcInstant,
  bangkokLocalDate,
  compareInstants,
  fiscalQuarter,
  fiscalYearBE,
  fiscalYearOfLocalDate,
  fiscalYearRange,
  isLocalDate,
  isUtcInstant,
  monthBE,
} from './fiscal-year.js';

const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCommandError);
    return { code: (error as InvalidCommandError).code, field: (error as InvalidCommandError).field };
  }
  throw new Error('expected an InvalidCommandError');
};

describe('fiscal year (B.E.) at Asia/Bangkok', () => {
  it.each([
    ['2022-09-30T16:59:59Z', 2565],
    ['2022-09-30T17:00:00Z', 2566],
    ['2023-03-29T02:00:00Z', 2566],
    ['2023-09-30T16:59:59Z', 2566],
    ['2023-09-30T17:00:00Z', 2567],
  ])('DOMAIN.md §3.6 boundary vector %s → FY %i', (instant, fy) => {
    expect(fiscalYearBE(instant)).toBe(fy);
  });

  it.each([
    ['2022-09-30T16:59:59.999Z', 2565],
    ['2022-09-30T17:00:00.000000001Z', 2566],
    ['2022-12-31T16:59:59Z', 2566],
    ['2022-12-31T17:00:00Z', 2566],
    ['2024-02-29T12:00:00Z', 2567],
  ])('fractional seconds and year ends: %s → FY %i', (instant, fy) => {
    expect(fiscalYearBE(instant)).toBe(fy);
  });
});

describe('Bangkok local date', () => {
  it.each([
    ['2022-09-30T16:59:59Z', '2022-09-30'],
    ['2022-09-30T17:00:00Z', '2022-10-01'],
    ['2023-03-29T02:00:00Z', '2023-03-29'],
    ['2022-12-31T17:00:00Z', '2023-01-01'],
    ['2024-02-28T17:00:00Z', '2024-02-29'],
    ['2023-02-28T17:00:00Z', '2023-03-01'],
    ['2100-02-28T17:00:00Z', '2100-03-01'],
    ['2000-02-28T17:00:00Z', '2000-02-29'],
    ['2023-04-30T17:00:00Z', '2023-05-01'],
    ['2023-06-30T16:59:59Z', '2023-06-30'],
  ])('%s → %s', (instant, date) => {
    expect(bangkokLocalDate(instant)).toBe(date);
  });
});

describe('cross-check against Date arithmetic (spec only; the domain code never uses Date)', () => {
  it('agrees hour by hour over three years, leap day included', () => {
    const HOUR = 3_600_000;
    const mismatches: string[] = [];
    for (let t = Date.UTC(2022, 0, 1); t < Date.UTC(2025, 0, 1); t += HOUR + 1_000) {
      const instant = new Date(t).toISOString();
      const bangkok = new Date(t + 7 * HOUR);
      const [y, m] = [bangkok.getUTCFullYear(), bangkok.getUTCMonth() + 1];
      const expected = [bangkok.toISOString().slice(0, 10), (m >= 10 ? y + 1 : y) + 543, `${y + 543}-${String(m).padStart(2, '0')}`, [2, 2, 2, 3, 3, 3, 4, 4, 4, 1, 1, 1][m - 1]];
      const actual = [bangkokLocalDate(instant), fiscalYearBE(instant), monthBE(instant), fiscalQuarter(instant)];
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${instant}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('fiscal quarter', () => {
  it.each([
    ['2022-09-30T16:59:59Z', 4],
    ['2022-09-30T17:00:00Z', 1],
    ['2022-12-31T16:59:59Z', 1],
    ['2022-12-31T17:00:00Z', 2],
    ['2023-03-31T16:59:59Z', 2],
    ['2023-03-31T17:00:00Z', 3],
    ['2023-06-30T16:59:59Z', 3],
    ['2023-06-30T17:00:00Z', 4],
    ['2023-03-29T02:00:00Z', 2],
  ] as const)('%s → Q%i', (instant, quarter) => {
    expect(fiscalQuarter(instant)).toBe(quarter);
  });
});

describe('month in B.E.', () => {
  it.each([
    ['2023-03-29T02:00:00Z', '2566-03'],
    ['2022-09-30T16:59:59Z', '2565-09'],
    ['2022-09-30T17:00:00Z', '2565-10'],
    ['2022-12-31T17:00:00Z', '2566-01'],
    ['2023-01-31T16:59:59Z', '2566-01'],
    ['2023-01-31T17:00:00Z', '2566-02'],
  ])('%s → %s', (instant, month) => {
    expect(monthBE(instant)).toBe(month);
  });
});

describe('fiscal year of a local date', () => {
  it.each([
    ['2022-09-30', 2565],
    ['2022-10-01', 2566],
    ['2023-03-29', 2566],
    ['2023-09-30', 2566],
    ['2023-10-01', 2567],
  ])('%s → FY %i', (date, fy) => {
    expect(fiscalYearOfLocalDate(date)).toBe(fy);
  });

  it('agrees with the instant version on the Bangkok date of every boundary vector', () => {
    for (const instant of ['2022-09-30T16:59:59Z', '2022-09-30T17:00:00Z', '2023-09-30T16:59:59Z', '2023-09-30T17:00:00Z']) {
      expect(fiscalYearOfLocalDate(bangkokLocalDate(instant))).toBe(fiscalYearBE(instant));
    }
  });
});

describe('fiscal year range', () => {
  it('FY2566 is [2022-09-30T17:00Z, 2023-09-30T17:00Z)', () => {
    expect(fiscalYearRange(2566)).toEqual({ start: '2022-09-30T17:00:00.000Z', end: '2023-09-30T17:00:00.000Z' });
  });

  it('its bounds are the first instant of the year and the first instant of the next', () => {
    const { start, end } = fiscalYearRange(2566);
    expect(fiscalYearBE(start)).toBe(2566);
    expect(fiscalYearBE(end)).toBe(2567);
    expect(fiscalYearRange(2567).start).toBe(end);
    expect(compareInstants(start, '2022-09-30T17:00:00Z')).toBe(0);
  });

  it.each([2566.5, Number.NaN, 544, 10_542])('rejects fiscal year %p', (fy) => {
    expect(errorOf(() => fiscalYearRange(fy))).toEqual({ code: 'TIME.INVALID_FISCAL_YEAR', field: 'fiscalYearBE' });
  });

  it('accepts the extremes of the supported range', () => {
    expect(fiscalYearRange(545).start).toBe('0001-09-30T17:00:00.000Z');
    expect(fiscalYearRange(10_541).end).toBe('9998-09-30T17:00:00.000Z');
  });
});

describe('instant and date validation', () => {
  it.each([
    '2023-03-29T09:00:00+07:00',
    '2023-03-29T02:00:00',
    '2023-03-29 02:00:00Z',
    '2023-03-29T02:00Z',
    '2023-02-29T02:00:00Z',
    '2023-13-01T00:00:00Z',
    '2023-00-01T00:00:00Z',
    '2023-04-31T00:00:00Z',
    '2023-03-29T24:00:00Z',
    '2023-03-29T23:60:00Z',
    '2016-12-31T23:59:60Z',
    '2023-03-29T02:00:00.1234567890Z',
    '0000-01-01T00:00:00Z',
    '9999-01-01T00:00:00Z',
    '',
  ])('rejects %p as an instant', (value) => {
    expect(isUtcInstant(value)).toBe(false);
    expect(errorOf(() => fiscalYearBE(value))).toEqual({ code: 'TIME.INVALID_INSTANT', field: 'instant' });
  });

  it.each([undefined, null, 1680055200000, new Date(0)])('rejects the non-string %p', (value) => {
    expect(isUtcInstant(value)).toBe(false);
    expect(errorOf(() => bangkokLocalDate(value as unknown as string))).toEqual({ code: 'TIME.INVALID_INSTANT', field: 'instant' });
  });

  it('every function refuses an invalid instant', () => {
    for (const run of [bangkokLocalDate, fiscalYearBE, fiscalQuarter, monthBE]) expect(() => run('2023-02-30T00:00:00Z')).toThrow(InvalidCommandError);
  });

  it('names the field it was given', () => {
    expect(errorOf(() => assertUtcInstant('nope', 'heldAt'))).toEqual({ code: 'TIME.INVALID_INSTANT', field: 'heldAt' });
    expect(assertUtcInstant('2024-02-29T23:59:59.5Z')).toBe('2024-02-29T23:59:59.5Z');
    expect(errorOf(() => assertLocalDate('2023-02-29', 'plannedFor'))).toEqual({ code: 'TIME.INVALID_LOCAL_DATE', field: 'plannedFor' });
    expect(assertLocalDate('2024-02-29')).toBe('2024-02-29');
  });

  it.each(['2023-02-29', '2023-3-29', '2023-03-29T00:00:00Z', '0000-01-01', 20230329])('rejects %p as a local date', (value) => {
    expect(isLocalDate(value)).toBe(false);
    expect(errorOf(() => fiscalYearOfLocalDate(value as string))).toEqual({ code: 'TIME.INVALID_LOCAL_DATE', field: 'date' });
  });

  it('accepts real dates and instants', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isUtcInstant('2023-03-29T02:00:00Z')).toBe(true);
    expect(isUtcInstant('2023-03-29T02:00:00.123Z')).toBe(true);
  });
});

describe('compareInstants', () => {
  it.each([
    ['2023-03-29T02:00:00Z', '2023-03-29T02:00:00.000Z', 0],
    ['2023-03-29T02:00:00.5Z', '2023-03-29T02:00:00.499Z', 1],
    ['2023-03-29T02:00:00Z', '2023-03-29T02:00:01Z', -1],
    ['2023-03-28T23:59:59Z', '2023-03-29T00:00:00Z', -1],
    ['2024-01-01T00:00:00Z', '2023-12-31T23:59:59.999999999Z', 1],
  ])('%s vs %s → %i', (a, b, sign) => {
    expect(compareInstants(a, b)).toBe(sign);
  });

  it('names the field of an invalid operand', () => {
    expect(errorOf(() => compareInstants('2023-03-29T02:00:00Z', 'later', 'heldAt', 'meta.at'))).toEqual({ code: 'TIME.INVALID_INSTANT', field: 'meta.at' });
  });
});
