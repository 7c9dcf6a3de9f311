import { ApiError, type FieldProblem } from '../../shared/api.js';

/** Problems found before sending, shaped like the server's, so the fields and ErrorMessage show them alike. */
export function clientError(problems: FieldProblem[]): ApiError | null {
  return problems.length > 0 ? new ApiError(400, 'CLIENT.VALIDATION', 'invalid', problems) : null;
}

export function fieldProblem(field: string, message: string): FieldProblem {
  return { field, rule: 'client', message };
}

/** A calendar day picked in a form (YYYY-MM-DD) as the UTC instant its day starts in Bangkok. */
export function dayToInstant(day: string): string {
  return new Date(`${day}T00:00:00+07:00`).toISOString();
}

/** Today in Bangkok as YYYY-MM-DD. */
export function todayInBangkok(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Bangkok', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
