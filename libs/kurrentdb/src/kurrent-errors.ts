/**
 * Translation of the KurrentDB client's errors into the port's (WrongExpectedVersionError) or into
 * KurrentStoreError with a stable code. Pure: kurrent-errors.spec.ts builds the client's error objects
 * without a server.
 */
import { ErrorType, convertToCommandError } from '@kurrent/kurrentdb-client';
import { DuplicateEventIdError, WrongExpectedVersionError, type ExpectedVersion } from '#application';
import { versionOfState } from './kurrent-mapping.js';

export type KurrentStoreErrorCode = 'STORE.UNAVAILABLE' | 'STORE.ACCESS_DENIED' | 'STORE.STREAM_DELETED' | 'STORE.APPEND_TOO_LARGE' | 'STORE.CONTENDED' | 'STORE.FAILED';

/** The event store (KurrentDB) failed; `retriable` says whether trying again later may succeed. */
export class KurrentStoreError extends Error {
  constructor(
    readonly code: KurrentStoreErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KurrentStoreError';
  }
}

/** What the client's errors carry that we read: `type` (its ErrorType) and, for a conflict, the states. */
interface ClientErrorShape {
  type?: unknown;
  message?: unknown;
  actualState?: unknown;
}

function clientErrorType(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const type = (error as ClientErrorShape).type;
  return typeof type === 'string' && (Object.values(ErrorType) as string[]).includes(type) ? type : undefined;
}

export function isStreamNotFound(error: unknown): boolean {
  return clientErrorType(error) === ErrorType.STREAM_NOT_FOUND;
}

export function isWrongExpectedVersion(error: unknown): boolean {
  return clientErrorType(error) === ErrorType.WRONG_EXPECTED_VERSION;
}

/** The head version a conflict reports (its current revision + 1; 0 for no stream), if it reports one. */
export function conflictActualVersion(error: unknown): number | undefined {
  if (!isWrongExpectedVersion(error)) return undefined;
  const state = (error as ClientErrorShape).actualState;
  if (state === 'no_stream' || typeof state === 'bigint') return versionOfState(state);
  return undefined;
}

export interface ErrorContext {
  streamId?: string;
  expected?: ExpectedVersion;
  /** Used when a conflict does not report the stream's head. */
  actual?: number;
}

/**
 * The port's view of an error raised by the client. Errors that are already the port's (or ours) and
 * errors that do not come from the client are returned unchanged.
 */
export function translateError(raw: unknown, context: ErrorContext = {}): unknown {
  if (raw instanceof WrongExpectedVersionError || raw instanceof DuplicateEventIdError || raw instanceof KurrentStoreError) return raw;
  // Some calls (appends) reject with the bare gRPC status error: the client's own conversion names it first.
  const error: unknown = typeof raw === 'object' && raw !== null ? convertToCommandError(raw as Parameters<typeof convertToCommandError>[0]) : raw;
  const type = clientErrorType(error);
  if (type === undefined) return raw;
  const where = context.streamId ? ` (stream ${context.streamId})` : '';
  const detail = typeof (error as ClientErrorShape).message === 'string' && (error as { message: string }).message ? `: ${(error as { message: string }).message}` : '';
  switch (type) {
    case ErrorType.WRONG_EXPECTED_VERSION:
      return new WrongExpectedVersionError(context.streamId ?? '', context.expected ?? 'any', conflictActualVersion(error) ?? context.actual ?? -1);
    case ErrorType.UNAVAILABLE:
    case ErrorType.DEADLINE_EXCEEDED:
    case ErrorType.TIMEOUT:
    case ErrorType.NOT_LEADER:
    case ErrorType.CANCELLED:
      return new KurrentStoreError('STORE.UNAVAILABLE', `KurrentDB is unavailable${where}${detail}`, true, { cause: error });
    case ErrorType.ACCESS_DENIED:
      return new KurrentStoreError('STORE.ACCESS_DENIED', `KurrentDB refused access${where}: check the credentials in KURRENTDB_URL`, false, { cause: error });
    case ErrorType.STREAM_DELETED:
    case ErrorType.STREAM_TOMBSTONED:
      return new KurrentStoreError('STORE.STREAM_DELETED', `stream was deleted in KurrentDB${where}; casetrail never deletes streams`, false, { cause: error });
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
    case ErrorType.TRANSACTION_MAX_SIZE_EXCEEDED:
    case ErrorType.APPEND_RECORD_SIZE_EXCEEDED:
      return new KurrentStoreError('STORE.APPEND_TOO_LARGE', `append exceeds KurrentDB's size limit${where}${detail}`, false, { cause: error });
    default:
      return new KurrentStoreError('STORE.FAILED', `KurrentDB error ${type}${where}${detail}`, false, { cause: error });
  }
}
