/**
 * The one way the web app talks to the API (`/api/v1`, same origin). Errors come back as RFC 9457 problem
 * details; they are thrown as ApiError with the stable `code` and one entry per failing field, so a form can
 * show each message beside its field.
 */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: readonly FieldProblem[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The first message for a field (a nested field `a.b` also matches `a`). */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((error) => error.field === field || error.field.startsWith(`${field}.`) || error.field.startsWith(`${field}[`))?.message;
  }
}

export interface ApiOptions {
  method?: 'GET' | 'POST';
  /** A JSON body (POST). */
  body?: unknown;
  /** A multipart body (uploads); sent as is. */
  form?: FormData;
  /** The stream version the caller read: the command fails with 409 if the stream has moved on. */
  ifMatch?: number;
  /** Makes a retried command return the first answer instead of acting twice. */
  idempotencyKey?: string;
  /** For users with several roles: the role they act in. */
  role?: string;
  signal?: AbortSignal;
  /** Another token than the session's (the reporter pages keep their own). */
  token?: string | null;
}

export const API_BASE = '/api/v1';

let sessionToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** The staff session's bearer token; null after logout. */
export function setSessionToken(token: string | null): void {
  sessionToken = token;
}

/** Called when the API answers 401 to a request that carried the session's token (expired or revoked). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function send(path: string, options: ApiOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const token = options.token === undefined ? sessionToken : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (options.role) headers['x-casetrail-role'] = options.role;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, { method, headers, body, signal: options.signal, credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'network');
  }
  if (response.ok) return response;
  const retryAfter = Number(response.headers.get('retry-after'));
  let problem: { code?: string; detail?: string; title?: string; errors?: FieldProblem[] } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    // not a problem document (a proxy's error page): status only
  }
  if (response.status === 401 && token && token === sessionToken) unauthorizedListeners.forEach((listener) => listener());
  throw new ApiError(response.status, problem.code ?? `HTTP.${response.status}`, problem.detail ?? problem.title ?? response.statusText, problem.errors ?? [], Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

/** A JSON request; answers the parsed body (undefined for 204). */
export async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A request whose answer is a file (CSV, evidence): answers the blob and the name the server suggests. */
export async function apiFile(path: string, options: ApiOptions = {}): Promise<{ blob: Blob; filename: string | undefined }> {
  const response = await send(path, options);
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return { blob: await response.blob(), filename: match?.[1] ? decodeURIComponent(match[1]) : undefined };
}

/** Offers a blob to the user as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null | readonly string[]>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((item) => search.append(name, item));
    else search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A fresh Idempotency-Key for one user action (a double click or a retry sends the same one). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** A command's answer: the stream it changed, its new version and the events it recorded. */
export interface CommandResult {
  id: string;
  streamId: string;
  version: number;
  events: { type: string; [field: string]: unknown }[];
}
