/** RFC 9457 problem details, with our stable `code` and, for 400s, one entry per failing field. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Members an extension must not replace: `status` is also the response's status code. */
const RESERVED = new Set(['type', 'title', 'status', 'code', 'detail']);

export function problem(status: number, code: string, detail?: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  return {
    type: `https://casetrail.dev/problems/${code.toLowerCase().replace(/[._]/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail ? { detail } : {}),
    ...Object.fromEntries(Object.entries(extensions).filter(([name]) => !RESERVED.has(name))),
  };
}

/** Thrown by the HTTP layer itself (validation, auth); mapped by the exception filter. */
export class ProblemError extends Error {
  constructor(readonly problem: ProblemDetails, readonly headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
  }
}
