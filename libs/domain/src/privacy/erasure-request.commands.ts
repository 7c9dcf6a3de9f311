import type { CommandOf } from '../shared/decider.js';
import type { ErasureGround, ErasureRefusalReason, ErasureStatus } from './erasure-request.events.js';

/** Creates the stream. `requestedBy` comes from the command meta (the custodian recording it). */
export type RequestPersonalDataErasure = CommandOf<
  'RequestPersonalDataErasure',
  { requestId: string; subjectRef: string; ground: ErasureGround; receivedAt: string; scope?: string[] }
>;
/**
 * Recorded before the subject's key is shredded (the record first, then the shred, so the log never claims less than the vault): the proof.
 * `streams` are the streams that held data sealed under the key. On an erased request it changes nothing,
 * so that executing again after a crash completes instead of failing.
 */
export type ExecuteErasure = CommandOf<'ExecuteErasure', { streams: string[] }>;
export type RefuseErasure = CommandOf<'RefuseErasure', { reason: ErasureRefusalReason; detail?: string; streams?: string[] }>;

export type ErasureRequestCommand = RequestPersonalDataErasure | ExecuteErasure | RefuseErasure;
export type ErasureRequestCommandType = ErasureRequestCommand['type'];

/** Allowed commands per status; erased and refused are terminal (ExecuteErasure on an erased request is a no-op). */
export const ERASURE_ALLOWED_COMMANDS: Readonly<Record<ErasureStatus, readonly ErasureRequestCommandType[]>> = {
  requested: ['ExecuteErasure', 'RefuseErasure'],
  erased: ['ExecuteErasure'],
  refused: [],
};
