import { assertNever, type CommandMeta, type Decider } from '../shared/decider.js';
import { ForbiddenTransitionError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import { guardsFor } from '../reference/guards.js';
import { ERASURE_ALLOWED_COMMANDS, type ErasureRequestCommand } from './erasure-request.commands.js';
import {
  ERASURE_DUE_DAYS,
  ERASURE_GROUNDS,
  ERASURE_REFUSAL_REASONS,
  type ErasureGround,
  type ErasureRequestEvent,
  type ErasureStatus,
} from './erasure-request.events.js';

/** Ids, codes and instants only (the refusal's `detail` is sealed and never read here). */
export interface ErasureRequestState {
  status: 'initial' | ErasureStatus;
  requestId: string;
  subjectRef: string;
  ground?: ErasureGround;
  receivedAt?: string;
  dueAt?: string;
}

export const initialErasureRequestState = (): ErasureRequestState => ({ status: 'initial', requestId: '', subjectRef: '' });

const DAY_MS = 86_400_000;
const DETAIL_MAX = 2_000;
const guard = guardsFor('ERASURE');

const actorId = (meta: CommandMeta): string => meta.actor.userId ?? meta.actor.kind;
/** `receivedAt` + 90 days: the PDPC deadline. */
export const erasureDueAt = (receivedAt: string): string => new Date(Date.parse(receivedAt) + ERASURE_DUE_DAYS * DAY_MS).toISOString();
const streamList = (value: unknown, field: string): string[] => [...guard.ids(value, field)].sort();

function decide(command: ErasureRequestCommand, state: ErasureRequestState): ErasureRequestEvent[] {
  if (command.type === 'RequestPersonalDataErasure') {
    if (state.status !== 'initial') throw new StreamAlreadyExistsError('ErasureRequest');
    const { data, meta } = command;
    const requestId = guard.id(data.requestId, 'requestId');
    const subjectRef = guard.id(data.subjectRef, 'subjectRef');
    const ground = guard.oneOf(ERASURE_GROUNDS, data.ground, 'ground');
    const receivedAt = guard.pastInstant(data.receivedAt, 'receivedAt', meta.at);
    const scope = data.scope === undefined ? undefined : guard.ids(data.scope, 'scope', 1);
    return [
      {
        type: 'PersonalDataErasureRequested',
        data: { requestId, subjectRef, ground, receivedAt, dueAt: erasureDueAt(receivedAt), requestedBy: actorId(meta), ...(scope ? { scope } : {}) },
      },
    ];
  }
  if (state.status === 'initial') throw new StreamNotFoundError('ErasureRequest');
  const allowed = ERASURE_ALLOWED_COMMANDS[state.status];
  if (!allowed.includes(command.type)) throw new ForbiddenTransitionError('Erasure', command.type, state.status, allowed);
  const { requestId, subjectRef } = state;
  const { at } = command.meta;

  switch (command.type) {
    case 'ExecuteErasure': {
      const streams = streamList(command.data.streams, 'streams');
      // Executing an erased request again (a retry after a crash, a double click) changes nothing.
      if (state.status === 'erased') return [];
      return [{ type: 'PersonalDataErased', data: { requestId, subjectRef, method: 'crypto_shred', erasedAt: at, erasedBy: actorId(command.meta), streams } }];
    }
    case 'RefuseErasure': {
      const reason = guard.oneOf(ERASURE_REFUSAL_REASONS, command.data.reason, 'reason');
      const detail = command.data.detail === undefined ? undefined : guard.text(command.data.detail, 'detail', DETAIL_MAX);
      const streams = command.data.streams === undefined ? [] : streamList(command.data.streams, 'streams');
      return [{ type: 'ErasureRequestRefused', data: { requestId, subjectRef, reason, ...(detail !== undefined ? { detail } : {}), refusedAt: at, refusedBy: actorId(command.meta), streams } }];
    }
    default:
      return assertNever(command);
  }
}

export function evolveErasureRequest(state: ErasureRequestState, event: ErasureRequestEvent): ErasureRequestState {
  switch (event.type) {
    case 'PersonalDataErasureRequested': {
      const { requestId, subjectRef, ground, receivedAt, dueAt } = event.data;
      return { status: 'requested', requestId, subjectRef, ground, receivedAt, dueAt };
    }
    case 'PersonalDataErased':
      return { ...state, status: 'erased' };
    case 'ErasureRequestRefused':
      return { ...state, status: 'refused' };
    default:
      event satisfies never;
      return state;
  }
}

export const erasureRequestDecider: Decider<ErasureRequestCommand, ErasureRequestEvent, ErasureRequestState> = {
  decide,
  evolve: evolveErasureRequest,
  initialState: initialErasureRequestState,
};
