import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { code, codes } from '../officer/shared.js';

/**
 * Where each data subject's sealed data lives: one document per subjectRef (the id of a key in the vault),
 * with the streams holding fields sealed under it and the first and last global positions there — built
 * from the envelopes' `piiSubjects`, so an erasure finds its streams without scanning the log. A subject
 * is a person (reporter, accused, witness: a random UUID) or a stream's own key (`kind: 'stream'`, the
 * subjectRef is the stream id). `PersonalDataErased` and `CaseKeyShredded` mark the subjects they erased.
 * Ids and positions only, never a value.
 */
export interface PiiSubjectStream {
  streamId: string;
  firstPosition: string;
  lastPosition: string;
  events: number;
}

export interface PiiSubjectRow {
  id: string;
  kind: 'person' | 'stream';
  streamIds: string[];
  streams: PiiSubjectStream[];
  firstPosition: string | null;
  lastPosition: string | null;
  erased: 0 | 1;
  erasedAt: string | null;
  /** What erased it: an erasure request, or the end of a case's retention. */
  erasedBy: 'erasure_request' | 'retention' | null;
  /** The erasure request, or the case whose retention ended. */
  erasedRef: string | null;
}
export type PiiSubjectDoc = PiiSubjectRow & Doc;

export const PII_SUBJECTS_READ_MODEL: ReadModelDefinition = {
  name: 'pii_subjects',
  version: 1,
  fields: { kind: 'text', streamIds: 'array', erased: 'integer', lastPosition: 'text' },
  indexes: [['erased']],
};

function empty(subjectRef: string, kind: PiiSubjectRow['kind']): PiiSubjectDoc {
  return { id: subjectRef, kind, streamIds: [], streams: [], firstPosition: null, lastPosition: null, erased: 0, erasedAt: null, erasedBy: null, erasedRef: null };
}

async function load(tx: ReadModelTransaction, subjectRef: string, kind: PiiSubjectRow['kind']): Promise<PiiSubjectDoc> {
  return ((await tx.get(subjectRef)) as PiiSubjectDoc | undefined) ?? empty(subjectRef, kind);
}

async function markErased(tx: ReadModelTransaction, subjectRef: string, kind: PiiSubjectRow['kind'], at: string, by: NonNullable<PiiSubjectRow['erasedBy']>, ref: string): Promise<void> {
  const doc = await load(tx, subjectRef, kind);
  // The first erasure is the one that counts; a later proof (a retried job) does not move it.
  if (doc.erased === 1) return;
  tx.put({ ...doc, erased: 1, erasedAt: at, erasedBy: by, erasedRef: ref });
}

export const piiSubjectsProjection: Projection = {
  definition: PII_SUBJECTS_READ_MODEL,
  streams: [''],
  async apply({ stored, type, data }: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    for (const subjectRef of stored.piiSubjects) {
      const doc = await load(tx, subjectRef, subjectRef === stored.streamId ? 'stream' : 'person');
      const streams = doc.streams.map((s) => ({ ...s }));
      const here = streams.find((s) => s.streamId === stored.streamId);
      if (here) {
        here.lastPosition = stored.position;
        here.events += 1;
      } else streams.push({ streamId: stored.streamId, firstPosition: stored.position, lastPosition: stored.position, events: 1 });
      tx.put({ ...doc, streams, streamIds: streams.map((s) => s.streamId), firstPosition: doc.firstPosition ?? stored.position, lastPosition: stored.position });
    }
    if (type === 'PersonalDataErased' && stored.streamId.startsWith('erasure-')) {
      const subjectRef = code(data.subjectRef);
      if (subjectRef) await markErased(tx, subjectRef, 'person', code(data.erasedAt) ?? stored.occurredAt, 'erasure_request', code(data.requestId) ?? stored.streamId);
    }
    if (type === 'CaseKeyShredded' && stored.streamId.startsWith('case-')) {
      const at = code(data.at) ?? stored.occurredAt;
      const caseId = code(data.caseId) ?? stored.streamId;
      for (const streamId of codes(data.streams)) await markErased(tx, streamId, 'stream', at, 'retention', caseId);
      for (const subjectRef of codes(data.subjectRefs)) await markErased(tx, subjectRef, 'person', at, 'retention', caseId);
    }
  },
};
