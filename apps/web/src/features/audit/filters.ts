import { ApiError, type FieldProblem } from '../../shared/api.js';

/** Client-side checks of a filter form, reported like the server's field errors (shown under each field). */
export function fieldErrors(problems: (FieldProblem | undefined)[]): ApiError | undefined {
  const errors = problems.filter((problem): problem is FieldProblem => problem !== undefined);
  return errors.length > 0 ? new ApiError(400, 'REQUEST.INVALID', errors[0]!.message, errors) : undefined;
}

export function check(field: string, ok: boolean, message: string): FieldProblem | undefined {
  return ok ? undefined : { field, rule: 'format', message };
}

/** The applied filters of a list live in the URL (codes and ids only, never personal data). */
export function paramsOf(search: URLSearchParams, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = search.get(name);
    if (value) out[name] = value;
  }
  return out;
}
