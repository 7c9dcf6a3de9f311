import type { Message } from '../shared/decider.js';

/**
 * ErasureRequest stream (`erasure-<requestId>`): a data subject's request to erase their personal data
 * (PDPA s.33) and what became of it (DOMAIN.md §3.9–3.10, §5.5). The events hold ids, codes and instants
 * only — never the subject's data: the subject is named by its `subjectRef` (a random UUID, the id of its
 * key in the vault). The optional `detail` of a refusal is free text, sealed under the stream's own key.
 */

/** PDPA s.33 grounds for erasure. */
export const ERASURE_GROUNDS = ['s33_no_longer_necessary', 'consent_withdrawn', 'objection', 'unlawful'] as const;
export type ErasureGround = (typeof ERASURE_GROUNDS)[number];

/** Why a controller may keep the data (PDPA s.33 exceptions; DOMAIN §3.10 rule 7). */
export const ERASURE_REFUSAL_REASONS = ['legal_hold', 'investigation_ongoing', 'legal_claim'] as const;
export type ErasureRefusalReason = (typeof ERASURE_REFUSAL_REASONS)[number];

export const ERASURE_METHODS = ['crypto_shred'] as const;
export type ErasureMethod = (typeof ERASURE_METHODS)[number];

export const ERASURE_STATUSES = ['requested', 'erased', 'refused'] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

/** PDPC Notification on erasure B.E. 2567: a request is fulfilled within 90 days of its receipt. */
export const ERASURE_DUE_DAYS = 90;

/**
 * `receivedAt`: when the office received the request (the 90-day clock starts there; it may precede the
 * recording). `scope`: stream ids the subject pointed at, kept for the record — shredding the subject's
 * key always erases the subject's data in every stream. `dueAt` = receivedAt + 90 days.
 */
export type PersonalDataErasureRequested = Message<
  'PersonalDataErasureRequested',
  { requestId: string; subjectRef: string; ground: ErasureGround; receivedAt: string; dueAt: string; requestedBy: string; scope?: string[] }
>;

/** The proof of erasure: the subject's key was shredded; `streams` held data sealed under it. */
export type PersonalDataErased = Message<
  'PersonalDataErased',
  { requestId: string; subjectRef: string; method: ErasureMethod; erasedAt: string; erasedBy: string; streams: string[] }
>;

/** `streams`: the streams that made the controller keep the data. `detail` is personal data (stream key). */
export type ErasureRequestRefused = Message<
  'ErasureRequestRefused',
  { requestId: string; subjectRef: string; reason: ErasureRefusalReason; detail?: string; refusedAt: string; refusedBy: string; streams: string[] }
>;

export type ErasureRequestEvent = PersonalDataErasureRequested | PersonalDataErased | ErasureRequestRefused;
export type ErasureRequestEventType = ErasureRequestEvent['type'];
