import {
  AccessDeniedError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotFoundError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { DuplicateEventIdError, WrongExpectedVersionError } from '#application';
import { KurrentStoreError, conflictActualVersion, isStreamNotFound, isWrongExpectedVersion, translateError } from './kurrent-errors.js';

const conflict = (current: bigint | 'no_stream') => new ClientWrongExpectedVersionError(undefined, { streamName: 'case-1', expected: 2n, current });

describe('error translation', () => {
  it('turns a wrong expected version into the port’s conflict, with the head as a version', () => {
    const translated = translateError(conflict(4n), { streamId: 'case-1', expected: 3 });
    expect(translated).toBeInstanceOf(WrongExpectedVersionError);
    expect(translated).toMatchObject({ streamId: 'case-1', expected: 3, actual: 5, code: 'STREAM.VERSION_CONFLICT' });
    expect(translateError(conflict('no_stream'), { streamId: 'case-1', expected: 'stream_exists' })).toMatchObject({ expected: 'stream_exists', actual: 0 });
    expect(conflictActualVersion(conflict(0n))).toBe(1);
    expect(isWrongExpectedVersion(conflict(0n))).toBe(true);
    expect(isWrongExpectedVersion(new UnavailableError())).toBe(false);
  });

  it('falls back to the head the adapter read when a conflict does not report one', () => {
    const bare = Object.assign(conflict(1n), { actualState: undefined });
    expect(translateError(bare, { streamId: 'case-1', expected: 1, actual: 9 })).toMatchObject({ actual: 9 });
  });

  it('marks lost connections and timeouts retriable, and names the stream', () => {
    for (const error of [new UnavailableError(), new DeadlineExceededError()]) {
      const translated = translateError(error, { streamId: 'tip-2' });
      expect(translated).toBeInstanceOf(KurrentStoreError);
      expect(translated).toMatchObject({ code: 'STORE.UNAVAILABLE', retriable: true, cause: error });
      expect((translated as Error).message).toContain('tip-2');
    }
  });

  it('names the bare gRPC status errors that appends reject with', () => {
    // gRPC status codes: 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 16 UNAUTHENTICATED.
    const grpc = (code: number) => Object.assign(new Error(`${code} status`), { code, details: 'No connection established' });
    expect(translateError(grpc(14), { streamId: 'case-6' })).toMatchObject({ code: 'STORE.UNAVAILABLE', retriable: true });
    expect(translateError(grpc(4))).toMatchObject({ code: 'STORE.UNAVAILABLE', retriable: true });
    expect(translateError(grpc(16))).toMatchObject({ code: 'STORE.ACCESS_DENIED', retriable: false });
  });

  it('gives refusals that retrying cannot cure their own codes', () => {
    expect(translateError(new AccessDeniedError())).toMatchObject({ code: 'STORE.ACCESS_DENIED', retriable: false });
    expect(translateError(StreamDeletedError.fromStreamName('case-3'), { streamId: 'case-3' })).toMatchObject({ code: 'STORE.STREAM_DELETED', retriable: false });
    expect(translateError(MaxAppendSizeExceededError.fromMaxAppendSize(1024))).toMatchObject({ code: 'STORE.APPEND_TOO_LARGE', retriable: false });
    expect(translateError(new NotFoundError())).toMatchObject({ code: 'STORE.FAILED', retriable: false });
  });

  it('recognises a missing stream (which reads as empty)', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'case-4'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
    expect(isStreamNotFound(new Error('stream-not-found'))).toBe(false);
  });

  it('leaves the port’s own errors and errors from elsewhere unchanged', () => {
    const ours = [new WrongExpectedVersionError('case-1', 1, 2), new DuplicateEventIdError('e-1'), new KurrentStoreError('STORE.CONTENDED', 'x', true)];
    for (const error of ours) expect(translateError(error)).toBe(error);
    const plain = new TypeError('boom');
    expect(translateError(plain)).toBe(plain);
    expect(translateError({ type: 'not-a-client-error-type' })).toEqual({ type: 'not-a-client-error-type' });
  });
});
