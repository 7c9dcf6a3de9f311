import { InvalidCommandError } from '../shared/errors.js';

/**
 * Human-facing reference numbers (DOMAIN.md §5.1). They are per office and per fiscal year, not secret, and
 * carry no personal data:
 *   case: `{officeCode}-{FY B.E.}-{seq6}`    PACC4-2566-000123
 *   tip:  `T-{officeCode}-{FY B.E.}-{seq6}`  T-PACC4-2566-000123
 * officeCode is 2–12 upper-case letters/digits (so it never contains '-' and parsing is unambiguous).
 * The sequence itself is allocated by the application (one counter per office, kind and fiscal year).
 */

export interface ReferenceNumber {
  officeCode: string;
  fiscalYearBE: number;
  seq: number;
}

const OFFICE_CODE = /^[A-Z0-9]{2,12}$/;
const CASE_NO = /^([A-Z0-9]{2,12})-([1-9]\d{3})-(\d{6})$/;
const TIP_NO = /^T-([A-Z0-9]{2,12})-([1-9]\d{3})-(\d{6})$/;
export const MAX_SEQ = 999_999;

export function isOfficeCode(value: unknown): value is string {
  return typeof value === 'string' && OFFICE_CODE.test(value);
}

function validate(officeCode: string, fyBE: number, seq: number): void {
  if (!isOfficeCode(officeCode)) {
    throw new InvalidCommandError('REFERENCE.INVALID_OFFICE_CODE', 'officeCode must be 2–12 upper-case letters or digits', 'officeCode');
  }
  if (!Number.isInteger(fyBE) || fyBE < 1000 || fyBE > 9999) {
    throw new InvalidCommandError('REFERENCE.INVALID_FISCAL_YEAR', 'fiscalYearBE must be a four-digit Buddhist-Era year', 'fiscalYearBE');
  }
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) {
    throw new InvalidCommandError('REFERENCE.INVALID_SEQUENCE', `seq must be an integer from 1 to ${MAX_SEQ}`, 'seq');
  }
}

const body = (officeCode: string, fyBE: number, seq: number) => `${officeCode}-${fyBE}-${String(seq).padStart(6, '0')}`;

/** formatCaseNo('PACC4', 2566, 123) → 'PACC4-2566-000123'. */
export function formatCaseNo(officeCode: string, fyBE: number, seq: number): string {
  validate(officeCode, fyBE, seq);
  return body(officeCode, fyBE, seq);
}

/** formatTipNo('PACC4', 2566, 123) → 'T-PACC4-2566-000123'. */
export function formatTipNo(officeCode: string, fyBE: number, seq: number): string {
  validate(officeCode, fyBE, seq);
  return `T-${body(officeCode, fyBE, seq)}`;
}

function parse(pattern: RegExp, value: unknown, kind: 'caseNo' | 'tipNo', example: string): ReferenceNumber {
  const match = typeof value === 'string' ? pattern.exec(value) : null;
  const seq = Number(match?.[3]);
  if (!match || seq < 1) {
    throw new InvalidCommandError(`REFERENCE.INVALID_${kind === 'caseNo' ? 'CASE_NO' : 'TIP_NO'}`, `${kind} must look like ${example}`, kind);
  }
  return { officeCode: match[1]!, fiscalYearBE: Number(match[2]), seq };
}

/** parseCaseNo('PACC4-2566-000123') → { officeCode: 'PACC4', fiscalYearBE: 2566, seq: 123 }. */
export function parseCaseNo(caseNo: string): ReferenceNumber {
  return parse(CASE_NO, caseNo, 'caseNo', 'PACC4-2566-000123');
}

/** parseTipNo('T-PACC4-2566-000123') → { officeCode: 'PACC4', fiscalYearBE: 2566, seq: 123 }. */
export function parseTipNo(tipNo: string): ReferenceNumber {
  return parse(TIP_NO, tipNo, 'tipNo', 'T-PACC4-2566-000123');
}
