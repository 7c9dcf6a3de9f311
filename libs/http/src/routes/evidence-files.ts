import { Inject, Injectable, ParseUUIDPipe } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import {
  AccessLog,
  EventStore,
  EvidenceErasedError,
  EvidenceMissingError,
  EvidenceStore,
  EvidenceUnreadableError,
  mayHandleCaseEvidence,
  readCaseEvidenceFacts,
  type AccessEntry,
  type CaseEvidenceFacts,
  type StoredEvidence,
} from '#application';
import type { AuthedRequest } from '../core/auth.js';
import { ProblemError, problem } from '../core/problem.js';
import { extensionOf } from '../uploads/content-types.js';
import type { UploadedFile } from '../uploads/upload-reader.js';

const notFound = (code: string, what: string) => new ProblemError(problem(404, code, `no such ${what}`));

/** A UUID path parameter other than `id`, refused as a 400 naming it. */
export const uuidParam = (field: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () => new ProblemError(problem(400, 'REQUEST.INVALID', `${field} must be a UUID`, { errors: [{ field, rule: 'isUuid', message: `${field} must be a UUID` }] })),
  });

/** How a failure to read stored content is answered. */
export function storedContentProblem(error: unknown): unknown {
  if (error instanceof EvidenceErasedError) return new ProblemError(problem(410, 'EVIDENCE.ERASED', 'the content was erased: the key it was encrypted under has been shredded'));
  if (error instanceof EvidenceMissingError) return new ProblemError(problem(409, 'EVIDENCE.FILE_MISSING', 'the stored file is missing; run verify to record it'));
  if (error instanceof EvidenceUnreadableError) return new ProblemError(problem(409, 'EVIDENCE.INTEGRITY_FAILED', 'the stored file fails its integrity check (altered or truncated); run verify to record it'));
  return error;
}

/**
 * What the evidence routes share: finding the case and checking that the caller may handle its evidence,
 * storing an upload (and undoing it when the record is refused), and serving stored content with the
 * access logged first.
 */
@Injectable()
export class EvidenceFiles {
  constructor(
    @Inject(EventStore) private readonly events: EventStore,
    @Inject(EvidenceStore) readonly store: EvidenceStore,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
  ) {}

  /**
   * The case, when the caller may handle its evidence. A case that does not exist and one the caller may not
   * handle get the same 404, as on the read side, so the answer does not tell that it exists.
   */
  async caseFor(caseId: string, request: AuthedRequest): Promise<CaseEvidenceFacts> {
    const facts = await readCaseEvidenceFacts(this.events, caseId);
    if (!facts || !mayHandleCaseEvidence(facts, request.principal!, request.actingRole!)) throw notFound('CASE.NOT_FOUND', 'case');
    return facts;
  }

  item(facts: CaseEvidenceFacts, evidenceId: string) {
    const item = facts.evidence[evidenceId];
    if (!item) throw notFound('EVIDENCE.NOT_FOUND', 'evidence on this case');
    return item;
  }

  /** The item's file, when casetrail stores it (evidence logged as a JSON record refers to an item kept elsewhere). */
  storedUri(storageUri: string): string {
    if (!this.store.handles(storageUri)) {
      throw new ProblemError(problem(409, 'EVIDENCE.NOT_STORED', 'this item was logged without a file held by casetrail (a physical item, or one stored elsewhere)'));
    }
    return storageUri;
  }

  /** Stores the upload under `owner`'s key; then `record` (the command). If anything after the store fails, the new file is removed again. */
  async storeThen<T>(owner: string, file: UploadedFile, finish: () => Promise<void>, record: (stored: StoredEvidence, mediaType: string) => Promise<T>): Promise<T> {
    let stored: StoredEvidence;
    try {
      stored = await this.store.put(owner, file.content);
    } catch (error) {
      throw storedContentProblem(error);
    }
    try {
      await finish();
      return await record(stored, file.mediaType());
    } catch (error) {
      await this.store.discard(owner, stored);
      throw error;
    }
  }

  /**
   * Streams stored content: opened (file, key and first chunk checked) before anything is logged, then the
   * access is appended to the log, and only then are bytes sent. If the log cannot be written, nothing is sent.
   */
  async serve(reply: FastifyReply, request: AuthedRequest, args: { owner: string; storageUri: string; mediaType: string; downloadId: string; entry: AccessEntry }): Promise<FastifyReply> {
    let content: Readable;
    try {
      content = await this.store.open(args.owner, args.storageUri);
    } catch (error) {
      throw storedContentProblem(error);
    }
    try {
      const principal = request.principal!;
      await this.accessLog.record(args.entry, { userId: principal.userId, role: request.actingRole!, officeCode: principal.officeCode }, new Date().toISOString());
    } catch (error) {
      content.destroy();
      request.log.error({ event: 'access_log_failed', streamId: args.entry.streamId, err: { name: (error as Error)?.name } }, 'access log append failed: content withheld');
      throw new ProblemError(problem(503, 'ACCESS_LOG.UNAVAILABLE', 'the access could not be logged, so the content is not served; try again'));
    }
    // The stored name is personal data: the download is named after the id, with the extension of the sniffed type.
    return reply
      .status(200)
      .header('content-type', args.mediaType)
      .header('content-disposition', `attachment; filename="${args.downloadId}.${extensionOf(args.mediaType)}"`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(content);
  }
}
