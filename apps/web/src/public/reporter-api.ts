import { ApiError, api, type FieldProblem } from '../shared/api.js';

/** What `POST /tips` answers: the receipt is shown once and never again. */
export interface SubmitTipResponse {
  tipId: string;
  tipNo: string;
  receipt: string;
  streamId: string;
  version: number;
}

/** A reporter session: the token lives only in this page's memory (never storage, never a URL). */
export interface ReporterSession {
  token: string;
  expiresAt: string;
  tipNo: string;
}

export type ReporterStage = 'received' | 'under_review' | 'in_progress' | 'closed';

export interface ReporterThreadItem {
  kind: 'reporter_message' | 'staff_reply' | 'question';
  messageId?: string;
  at: string;
  body: string | null;
  erased?: true;
}

export interface ReporterAttachment {
  attachmentId: string;
  fileName: string | null;
  erased?: true;
  mediaType: string;
  byteLength: number;
  sha256: string;
  addedAt: string;
  scan: 'pending' | 'verified' | 'infected';
}

/** `GET /reporter/tip`: the reporter's own view (the server leaves out staff names, notes and the case). */
export interface ReporterTipView {
  tipId: string;
  tipNo: string;
  submittedAt: string;
  stage: ReporterStage;
  stages: { stage: ReporterStage; at: string }[];
  identified: boolean;
  accessExpiresAt: string | null;
  thread: ReporterThreadItem[];
  attachments: ReporterAttachment[];
  outcome: { closedAt: string; statement: string | null } | null;
}

export interface ReceiptRotated {
  receipt: string;
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
}

/** The identity a reporter may give (all but the name optional). */
export interface IdentityInput {
  fullName: string;
  nationalId: string;
  phone: string;
  email: string;
  address: string;
}

export const EMPTY_IDENTITY: IdentityInput = { fullName: '', nationalId: '', phone: '', email: '', address: '' };

/** The identity as the API takes it: empty optional fields left out. */
export function identityBody(identity: IdentityInput): Record<string, string> {
  const body: Record<string, string> = { fullName: identity.fullName.trim() };
  for (const key of ['nationalId', 'phone', 'email', 'address'] as const) {
    const value = identity[key].trim();
    if (value) body[key] = key === 'nationalId' ? value.replace(/[\s-]/g, '') : value;
  }
  return body;
}

/** Problems found before sending, shaped like the server's so the fields show them the same way. */
export const CLIENT_VALIDATION = 'CLIENT.VALIDATION';

export function clientProblems(problems: FieldProblem[]): ApiError | null {
  return problems.length > 0 ? new ApiError(400, CLIENT_VALIDATION, 'invalid', problems) : null;
}

export function problem(field: string, message: string): FieldProblem {
  return { field, rule: 'client', message };
}

/** Checks the identity fields (prefix `identity.` as the API names them). */
export function identityProblems(identity: IdentityInput, messages: { fullName: string; nationalId: string; phone: string; email: string; tooLong: string }): FieldProblem[] {
  const found: FieldProblem[] = [];
  if (!identity.fullName.trim()) found.push(problem('identity.fullName', messages.fullName));
  else if (identity.fullName.trim().length > 200) found.push(problem('identity.fullName', messages.tooLong));
  const nationalId = identity.nationalId.replace(/[\s-]/g, '');
  if (nationalId && !/^\d{13}$/.test(nationalId)) found.push(problem('identity.nationalId', messages.nationalId));
  if (identity.phone.trim() && !/^[0-9+ -]{6,30}$/.test(identity.phone.trim())) found.push(problem('identity.phone', messages.phone));
  if (identity.email.trim() && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(identity.email.trim()) || identity.email.trim().length > 200)) found.push(problem('identity.email', messages.email));
  if (identity.address.trim().length > 500) found.push(problem('identity.address', messages.tooLong));
  return found;
}

/** Minutes to wait after a 429, rounded up (at least one). */
export function waitMinutes(error: ApiError): number | undefined {
  return error.retryAfterSeconds ? Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) : undefined;
}

export const reporterApi = {
  openSession: (receipt: string, tipNo?: string) => api<ReporterSession & { tokenType: string }>('/reporter/session', { body: tipNo ? { receipt, tipNo } : { receipt }, token: null }),
  tip: (token: string, signal?: AbortSignal) => api<ReporterTipView>('/reporter/tip', { token, signal }),
  postMessage: (token: string, body: string) => api<{ messageId: string; postedAt: string }>('/reporter/messages', { token, body: { body } }),
  attach: (token: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api<{ attachmentId: string }>('/reporter/attachments', { token, form });
  },
  identify: (token: string, identity: IdentityInput, contactConsent: boolean) => api<{ identified: true }>('/reporter/identity', { token, body: { identity: identityBody(identity), contactConsent } }),
  rotate: (token: string) => api<ReceiptRotated>('/reporter/receipt/rotate', { token, method: 'POST' }),
  end: (token: string) => api<void>('/reporter/session/end', { token, method: 'POST' }),
};
