import { InvalidCommandError } from '../shared/errors.js';
import { formatCaseNo, formatTipNo, isOfficeCode, parseCaseNo, parseTipNo } from './reference-numbers.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCommandError);
    return { code: (error as InvalidCommandError).code, field: (error as InvalidCommandError).field };
  }
  throw new Error('expected an InvalidCommandError');
};

describe('reference numbers', () => {
  it('formats a case number as office-FY-seq6', () => {
    expect(formatCaseNo('PACC4', 2566, 123)).toBe('PACC4-2566-000123');
    expect(formatCaseNo('PACC4', 2567, 999_999)).toBe('PACC4-2567-999999');
    expect(formatCaseNo('NACC', 2566, 1)).toBe('NACC-2566-000001');
  });

  it('formats a tip number with the T- prefix', () => {
    expect(formatTipNo('PACC4', 2566, 123)).toBe('T-PACC4-2566-000123');
  });

  it('parses what it formats', () => {
    expect(parseCaseNo('PACC4-2566-000123')).toEqual({ officeCode: 'PACC4', fiscalYearBE: 2566, seq: 123 });
    expect(parseTipNo('T-PACC4-2566-000123')).toEqual({ officeCode: 'PACC4', fiscalYearBE: 2566, seq: 123 });
    const { officeCode, fiscalYearBE, seq } = parseCaseNo(formatCaseNo('AB12', 2570, 42));
    expect(formatCaseNo(officeCode, fiscalYearBE, seq)).toBe('AB12-2570-000042');
  });

  it('tip and case numbers are not interchangeable', () => {
    expect(codeOf(() => parseCaseNo('T-PACC4-2566-000123'))).toEqual({ code: 'REFERENCE.INVALID_CASE_NO', field: 'caseNo' });
    expect(codeOf(() => parseTipNo('PACC4-2566-000123'))).toEqual({ code: 'REFERENCE.INVALID_TIP_NO', field: 'tipNo' });
  });

  it.each([
    ['lower-case office', () => formatCaseNo('pacc4', 2566, 1), 'REFERENCE.INVALID_OFFICE_CODE', 'officeCode'],
    ['one-letter office', () => formatCaseNo('P', 2566, 1), 'REFERENCE.INVALID_OFFICE_CODE', 'officeCode'],
    ['13-letter office', () => formatTipNo('ABCDEFGHIJKLM', 2566, 1), 'REFERENCE.INVALID_OFFICE_CODE', 'officeCode'],
    ['hyphenated office', () => formatCaseNo('PACC-4', 2566, 1), 'REFERENCE.INVALID_OFFICE_CODE', 'officeCode'],
    ['fractional year', () => formatCaseNo('PACC4', 2566.5, 1), 'REFERENCE.INVALID_FISCAL_YEAR', 'fiscalYearBE'],
    ['five-digit year', () => formatCaseNo('PACC4', 25660, 1), 'REFERENCE.INVALID_FISCAL_YEAR', 'fiscalYearBE'],
    ['three-digit year', () => formatCaseNo('PACC4', 566, 1), 'REFERENCE.INVALID_FISCAL_YEAR', 'fiscalYearBE'],
    ['seq 0', () => formatCaseNo('PACC4', 2566, 0), 'REFERENCE.INVALID_SEQUENCE', 'seq'],
    ['seq 1,000,000', () => formatTipNo('PACC4', 2566, 1_000_000), 'REFERENCE.INVALID_SEQUENCE', 'seq'],
    ['fractional seq', () => formatCaseNo('PACC4', 2566, 1.5), 'REFERENCE.INVALID_SEQUENCE', 'seq'],
    ['seq 000000', () => parseCaseNo('PACC4-2566-000000'), 'REFERENCE.INVALID_CASE_NO', 'caseNo'],
    ['short seq', () => parseCaseNo('PACC4-2566-123'), 'REFERENCE.INVALID_CASE_NO', 'caseNo'],
    ['year with a leading zero', () => parseCaseNo('PACC4-0566-000123'), 'REFERENCE.INVALID_CASE_NO', 'caseNo'],
    ['surrounding spaces', () => parseTipNo(' T-PACC4-2566-000123'), 'REFERENCE.INVALID_TIP_NO', 'tipNo'],
    ['non-string', () => parseCaseNo(42 as unknown as string), 'REFERENCE.INVALID_CASE_NO', 'caseNo'],
  ])('rejects %s', (_label, run, code, field) => {
    expect(codeOf(run)).toEqual({ code, field });
  });

  it('recognises office codes', () => {
    expect(isOfficeCode('PACC4')).toBe(true);
    expect(isOfficeCode('PACC_4')).toBe(false);
    expect(isOfficeCode(4)).toBe(false);
  });
});
