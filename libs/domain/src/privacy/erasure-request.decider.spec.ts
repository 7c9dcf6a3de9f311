import type { Actor, CommandMeta } from '../shared/decider.js';
import { fold } from '../shared/decider.js';
import { ForbiddenTransitionError, InvalidCommandError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import { specFor } from '../shared/spec.js';
import { erasureRequestAggregate, erasureRequestPersonalData } from './erasure-request.aggregate.js';
import { ERASURE_ALLOWED_COMMANDS, type ErasureRequestCommand, type ErasureRequestCommandType } from './erasure-request.commands.js';
import { erasureDueAt, erasureRequestDecider } from './erasure-request.decider.js';
import { ERASURE_REFUSAL_REASONS, ERASURE_STATUSES, type ErasureRequestEvent } from './erasure-request.events.js';

const AT = '2025-01-10T03:00:00.000Z';
const RECEIVED = '2025-01-05T02:00:00.000Z';
const DUE = '2025-04-05T02:00:00.000Z'; // RECEIVED + 90 days
const LATER = '2025-02-01T00:00:00.000Z';

const custodian: Actor = { kind: 'user', userId: 'u-cust', role: 'custodian', officeCode: 'PACC4' };
const meta = (at = AT, actor: Actor = custodian): CommandMeta => ({ at, actor });

type DataOf<T extends ErasureRequestCommandType> = Extract<ErasureRequestCommand, { type: T }>['data'];
function command<T extends ErasureRequestCommandType>(type: T, data: DataOf<T>, m: CommandMeta = meta()): ErasureRequestCommand {
  return { type, data, meta: m } as ErasureRequestCommand;
}

const requestId = 'req-1';
const subjectRef = 'subj-1';
const requestData: DataOf<'RequestPersonalDataErasure'> = { requestId, subjectRef, ground: 'consent_withdrawn', receivedAt: RECEIVED };

const requested: ErasureRequestEvent = {
  type: 'PersonalDataErasureRequested',
  data: { requestId, subjectRef, ground: 'consent_withdrawn', receivedAt: RECEIVED, dueAt: DUE, requestedBy: 'u-cust' },
};
const erased: ErasureRequestEvent = {
  type: 'PersonalDataErased',
  data: { requestId, subjectRef, method: 'crypto_shred', erasedAt: LATER, erasedBy: 'u-cust', streams: ['case-1', 'tip-1'] },
};
const refused: ErasureRequestEvent = {
  type: 'ErasureRequestRefused',
  data: { requestId, subjectRef, reason: 'legal_hold', refusedAt: LATER, refusedBy: 'u-cust', streams: ['case-1'] },
};

const spec = specFor(erasureRequestDecider);
const HISTORY = { requested: [requested], erased: [requested, erased], refused: [requested, refused] } as const;

describe('ErasureRequest: recording a request', () => {
  it('records the request with the 90-day due date and who recorded it', () => {
    spec.given([]).when(command('RequestPersonalDataErasure', requestData)).then([requested]);
    expect(erasureDueAt(RECEIVED)).toBe(DUE);
  });

  it('keeps the streams the subject pointed at', () => {
    spec
      .given([])
      .when(command('RequestPersonalDataErasure', { ...requestData, scope: ['tip-1'] }))
      .then([{ ...requested, data: { ...requested.data, scope: ['tip-1'] } } as ErasureRequestEvent]);
  });

  it('refuses a second request on the same stream and commands on a request that does not exist', () => {
    spec.given([requested]).when(command('RequestPersonalDataErasure', requestData)).thenThrows(StreamAlreadyExistsError, 'STREAM.ALREADY_EXISTS');
    spec.given([]).when(command('ExecuteErasure', { streams: [] })).thenThrows(StreamNotFoundError, 'STREAM.NOT_FOUND');
    spec.given([]).when(command('RefuseErasure', { reason: 'legal_claim' })).thenThrows(StreamNotFoundError, 'STREAM.NOT_FOUND');
  });

  it.each<[string, Partial<DataOf<'RequestPersonalDataErasure'>>]>([
    ['requestId', { requestId: '' }],
    ['subjectRef', { subjectRef: 'a name with spaces' }],
    ['ground', { ground: 'because' as never }],
    ['receivedAt', { receivedAt: 'yesterday' }],
    ['receivedAt', { receivedAt: '2025-02-01T00:00:00Z' }], // after the command: a request cannot be received in the future
    ['scope', { scope: [] }],
    ['scope[0]', { scope: ['has space'] }],
  ])('rejects an invalid %s', (field, overrides) => {
    const run = () => erasureRequestDecider.decide(command('RequestPersonalDataErasure', { ...requestData, ...overrides }), erasureRequestDecider.initialState());
    expect(run).toThrow(InvalidCommandError);
    expect(run).toThrow(expect.objectContaining({ code: 'ERASURE.INVALID_FIELD', details: { field } }));
  });
});

describe('ErasureRequest: execution', () => {
  it('records the proof of erasure, naming the streams (sorted) and no personal data', () => {
    spec
      .given([requested])
      .when(command('ExecuteErasure', { streams: ['tip-1', 'case-1'] }, meta(LATER)))
      .then([erased]);
  });

  it('changes nothing when executed again (completing after a crash is idempotent)', () => {
    spec.given([requested, erased]).when(command('ExecuteErasure', { streams: ['case-1', 'tip-1'] }, meta(LATER))).then([]);
  });

  it('refuses to execute a refused request', () => {
    spec.given([requested, refused]).when(command('ExecuteErasure', { streams: [] })).thenThrows(ForbiddenTransitionError, 'ERASURE.FORBIDDEN_TRANSITION');
  });

  it('rejects a malformed stream list', () => {
    spec.given([requested]).when(command('ExecuteErasure', { streams: ['case-1', 'case-1'] })).thenThrows(InvalidCommandError, 'ERASURE.INVALID_FIELD');
    spec.given([requested]).when(command('ExecuteErasure', { streams: 'case-1' as never })).thenThrows(InvalidCommandError, 'ERASURE.INVALID_FIELD');
  });
});

describe('ErasureRequest: refusal', () => {
  it.each(ERASURE_REFUSAL_REASONS)('refuses for %s, recording the blocking streams', (reason) => {
    spec
      .given([requested])
      .when(command('RefuseErasure', { reason, streams: ['case-1'] }, meta(LATER)))
      .then([{ type: 'ErasureRequestRefused', data: { requestId, subjectRef, reason, refusedAt: LATER, refusedBy: 'u-cust', streams: ['case-1'] } }]);
  });

  it('keeps an optional detail (sealed as personal data) and defaults to no streams', () => {
    spec
      .given([requested])
      .when(command('RefuseErasure', { reason: 'legal_claim', detail: 'civil claim pending' }, meta(LATER)))
      .then([{ type: 'ErasureRequestRefused', data: { requestId, subjectRef, reason: 'legal_claim', detail: 'civil claim pending', refusedAt: LATER, refusedBy: 'u-cust', streams: [] } }]);
    expect(erasureRequestPersonalData.ErasureRequestRefused).toEqual([{ path: 'detail', subject: 'stream' }]);
    expect(erasureRequestPersonalData.PersonalDataErased).toBeUndefined();
  });

  it('rejects an unknown reason and a blank detail', () => {
    spec.given([requested]).when(command('RefuseErasure', { reason: 'busy' as never })).thenThrows(InvalidCommandError, 'ERASURE.INVALID_FIELD');
    spec.given([requested]).when(command('RefuseErasure', { reason: 'legal_claim', detail: ' ' })).thenThrows(InvalidCommandError, 'ERASURE.INVALID_FIELD');
  });

  it('is final: an erased or refused request cannot be refused', () => {
    spec.given([requested, erased]).when(command('RefuseErasure', { reason: 'legal_claim' })).thenThrows(ForbiddenTransitionError, 'ERASURE.FORBIDDEN_TRANSITION');
    spec.given([requested, refused]).when(command('RefuseErasure', { reason: 'legal_claim' })).thenThrows(ForbiddenTransitionError, 'ERASURE.FORBIDDEN_TRANSITION');
  });
});

describe('ErasureRequest: states', () => {
  it.each(ERASURE_STATUSES)('the %s history folds to that status and allows only its commands', (status) => {
    const state = fold(erasureRequestDecider, HISTORY[status]);
    expect(state).toMatchObject({ status, requestId, subjectRef, receivedAt: RECEIVED, dueAt: DUE, ground: 'consent_withdrawn' });
    const samples: ErasureRequestCommand[] = [command('ExecuteErasure', { streams: [] }), command('RefuseErasure', { reason: 'legal_claim' })];
    for (const sample of samples) {
      const run = () => erasureRequestDecider.decide(sample, state);
      if (ERASURE_ALLOWED_COMMANDS[status].includes(sample.type)) expect(run).not.toThrow();
      else expect(run).toThrow(expect.objectContaining({ code: 'ERASURE.FORBIDDEN_TRANSITION', phase: status, command: sample.type }));
    }
  });

  it('folds the same state from a sealed refusal detail (evolve reads no personal data)', () => {
    const withDetail = { ...refused, data: { ...refused.data, detail: 'text' } } as ErasureRequestEvent;
    const sealed = { ...refused, data: { ...refused.data, detail: { enc: 'v1', kid: 'k:1', iv: 'iv', ct: 'ct' } } } as unknown as ErasureRequestEvent;
    expect(fold(erasureRequestDecider, [requested, sealed])).toEqual(fold(erasureRequestDecider, [requested, withDetail]));
  });

  it('is the ErasureRequest aggregate on erasure-<requestId> streams', () => {
    expect(erasureRequestAggregate).toMatchObject({ name: 'ErasureRequest', category: 'erasure', schemaVersions: {} });
    expect(erasureRequestAggregate.upcast('PersonalDataErased', 1, erased.data as never)).toBe(erased.data);
  });
});
