import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EventStore, mayReadTipAttachments, readCaseEvidenceFacts, readTipEvidenceFacts, type CaseEvidenceFacts } from '#application';
import { AppConfig } from '#config';
import { CASE_ALLOWED_COMMANDS, ForbiddenTransitionError, type AggregateDefinition, type CasePhase, type CommandMeta, type Role } from '#domain';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { CommandDispatcher } from '../core/command-dispatcher.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { ProblemError, problem } from '../core/problem.js';
import { createValidationPipe } from '../core/validation.js';
import { CommandResponseDto } from '../dto/common.dto.js';
import { EmptyRequest, plainData } from '../dto/fields.js';
import {
  CustodyTransferRequest,
  EVIDENCE_UPLOAD_FIELD_NAMES,
  EvidenceUploadFields,
  EvidenceUploadForm,
  EvidenceUploadResponseDto,
  EvidenceVerifyResponseDto,
} from '../dto/evidence.dto.js';
import { UploadRoute } from '../uploads/multipart.js';
import { abandonUpload, readUpload } from '../uploads/upload-reader.js';
import { CASE_AGGREGATE } from './cases.collection.js';
import { EvidenceFiles, storedContentProblem, uuidParam } from './evidence-files.js';

type AnyAggregate = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;

/** Who works with a case's evidence files: its assigned investigators (or their unit), the office's supervisors. */
const CASEWORK: Role[] = ['investigator', 'supervisor'];
const TIP_ATTACHMENT_READERS: Role[] = ['intake_officer', 'investigator', 'supervisor'];
const WHO = 'Investigators assigned to the case (directly or through their unit) and supervisors of its office; anyone else gets 404, as for a case that does not exist.';
/** Custody of a file held by casetrail, when the uploader names none. */
const STORE_LOCATION = 'casetrail evidence store (encrypted)';
const uploadFieldsPipe = createValidationPipe();
const evidenceIdPipe = uuidParam('evidenceId');

/**
 * Evidence files of a case (DOMAIN §5 EvidenceLogged, EvidenceIntegrityVerified, EvidenceCustodyTransferred).
 * Uploads are streamed through hashing and encryption into the evidence store (nothing is buffered whole);
 * downloads stream the decrypted bytes after the access is logged. `POST /cases/{id}/log-evidence` (JSON)
 * stays for items without a file held here: physical items, or files kept in another system.
 */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class EvidenceController {
  constructor(
    @Inject(EvidenceFiles) private readonly files: EvidenceFiles,
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(CASE_AGGREGATE) private readonly caseAggregate: AnyAggregate,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @Post(':id/evidence')
  @HttpCode(201)
  @Roles(...CASEWORK)
  @UploadRoute()
  @ApiOperation({
    summary: 'Upload an evidence file (multipart: the fields, then `file`); logs it as evidence with its SHA-256',
    description:
      `Command \`LogEvidence\` with the hash, size and type computed here. The type is read from the bytes and must be on the allow-list; ` +
      `the file name is sealed; the file is stored encrypted under the case key. 413 over the upload limit, 415 for a type not allowed, ` +
      `422 for an empty file, 400 naming the field for anything else. ${WHO} Roles: ${CASEWORK.join(', ')}.`,
    operationId: 'cases.evidence.upload',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: EvidenceUploadForm })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'retries with the same key return the first response (the file is not compared)' })
  @ApiCreatedResponse({ type: EvidenceUploadResponseDto, description: 'stored and logged; Location = the content' })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 410, 413, 415, 422, 429)
  async upload(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<EvidenceUploadResponseDto> {
    const facts = await this.files.caseFor(id, request);
    // Refused before a byte is read: a case whose phase takes no evidence.
    const allowed = CASE_ALLOWED_COMMANDS[facts.phase as CasePhase] ?? [];
    if (!allowed.includes('LogEvidence')) throw new ForbiddenTransitionError('Case', 'LogEvidence', facts.phase, allowed);
    const at = this.dispatcher.at(request);
    try {
      return await this.storeAndLog(id, facts.streamId, at, request, reply);
    } catch (error) {
      abandonUpload(request, reply);
      throw error;
    }
  }

  private async storeAndLog(id: string, owner: string, at: string, request: AuthedRequest, reply: FastifyReply): Promise<EvidenceUploadResponseDto> {
    const upload = await readUpload(request, { limitBytes: this.config.uploadLimitBytes, fields: EVIDENCE_UPLOAD_FIELD_NAMES });
    const fields = (await uploadFieldsPipe.transform(upload.fields, { type: 'body', metatype: EvidenceUploadFields })) as EvidenceUploadFields;
    const userId = request.principal!.userId;
    const evidenceId = this.dispatcher.newId();
    return this.files.storeThen(owner, upload.file, upload.finish, async (stored, mediaType) => {
      const { custodyHolder, custodyLocation, ...rest } = plainData({ ...fields }) as Partial<EvidenceUploadFields> & Record<string, unknown>;
      const data = {
        ...rest,
        evidenceId,
        sha256: stored.sha256,
        byteLength: stored.byteLength,
        mediaType,
        storageUri: stored.storageUri,
        collectedAt: fields.collectedAt ?? at,
        collectedBy: fields.collectedBy ?? userId,
        custody: { holder: custodyHolder ?? userId, location: custodyLocation ?? STORE_LOCATION },
        ...(upload.file.fileName ? { fileName: upload.file.fileName } : {}),
      };
      const result = await this.dispatcher.send(this.caseAggregate, id, 'LogEvidence', data, request, reply, { retryOnConflict: true, at });
      void reply.header('location', `/api/v1/cases/${id}/evidence/${evidenceId}/content`);
      return { ...result, evidenceId, file: { sha256: stored.sha256, byteLength: stored.byteLength, mediaType } };
    });
  }

  @Get(':id/evidence/:evidenceId/content')
  @Roles(...CASEWORK)
  @ApiOperation({
    summary: 'Download an evidence file (decrypted); the access is logged first',
    description:
      `Streams the stored bytes with the recorded media type, as an attachment named after the evidence id (never the original name). ` +
      `Every download is appended to the case's access log before any byte is sent (503 and nothing sent if it cannot be). ` +
      `410 once the case key is shredded; 409 when the stored file fails its integrity check. ${WHO} Roles: ${CASEWORK.join(', ')}.`,
    operationId: 'cases.evidence.content',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'evidenceId', format: 'uuid' })
  @ApiProduces('application/octet-stream', 'application/problem+json')
  @ApiOkResponse({ description: 'the file', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(400, 401, 403, 404, 409, 410, 503)
  async content(@Param('id', uuidPipe) id: string, @Param('evidenceId', evidenceIdPipe) evidenceId: string, @Req() request: AuthedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const facts = await this.files.caseFor(id, request);
    const item = this.files.item(facts, evidenceId);
    return this.files.serve(reply, request, {
      owner: facts.streamId,
      storageUri: this.files.storedUri(item.storageUri),
      mediaType: item.mediaType,
      downloadId: evidenceId,
      entry: { logId: id, streamId: facts.streamId, view: 'evidence_file', subjectRefs: [facts.streamId], fields: ['EvidenceLogged.file'], evidenceId },
    });
  }

  @Post(':id/evidence/:evidenceId/verify')
  @HttpCode(200)
  @Roles(...CASEWORK)
  @ApiOperation({
    summary: 'Re-hash the stored file and record whether it still matches (EvidenceIntegrityVerified)',
    description:
      `Command \`VerifyEvidence\`: decrypts and re-hashes the stored bytes and records the result — also when they fail authentication ` +
      `(altered, truncated) or are missing, as a mismatch with the reason. Allowed in every phase, closed cases included. ${WHO} Roles: ${CASEWORK.join(', ')}.`,
    operationId: 'cases.evidence.verify',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'evidenceId', format: 'uuid' })
  @ApiBody({ type: EmptyRequest, required: false })
  @ApiOkResponse({ type: EvidenceVerifyResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 410, 429)
  async verify(
    @Param('id', uuidPipe) id: string,
    @Param('evidenceId', evidenceIdPipe) evidenceId: string,
    @Body() _body: EmptyRequest,
    @Req() request: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EvidenceVerifyResponseDto> {
    const facts = await this.files.caseFor(id, request);
    const item = this.files.item(facts, evidenceId);
    let rehash;
    try {
      rehash = await this.files.store.rehash(facts.streamId, this.files.storedUri(item.storageUri));
    } catch (error) {
      throw storedContentProblem(error);
    }
    const match = rehash.sha256 === item.sha256;
    const data = { evidenceId, sha256Computed: rehash.sha256, match, ...(rehash.sha256 === null ? { failure: rehash.failure } : {}) };
    const result = await this.dispatcher.send(this.caseAggregate, id, 'VerifyEvidence', data, request, reply, { retryOnConflict: true });
    return { ...result, evidenceId, match, sha256Recorded: item.sha256, sha256Computed: rehash.sha256, ...(rehash.sha256 === null ? { failure: rehash.failure } : {}) };
  }

  @Post(':id/evidence/:evidenceId/custody-transfers')
  @HttpCode(200)
  @Roles(...CASEWORK)
  @ApiOperation({
    summary: 'Record that an item of evidence changed hands (EvidenceCustodyTransferred)',
    description: `Command \`TransferEvidenceCustody\`: the new holder, place and reason are sealed; custody records are numbered. Allowed in every phase. ${WHO} Roles: ${CASEWORK.join(', ')}.`,
    operationId: 'cases.evidence.custody-transfer',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'evidenceId', format: 'uuid' })
  @ApiBody({ type: CustodyTransferRequest })
  @ApiHeader({ name: 'If-Match', required: false, description: 'stream version ETag; the command fails with 409 if the stream moved on' })
  @ApiOkResponse({ type: CommandResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415, 422, 429)
  async transferCustody(
    @Param('id', uuidPipe) id: string,
    @Param('evidenceId', evidenceIdPipe) evidenceId: string,
    @Body() body: CustodyTransferRequest,
    @Req() request: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    const facts = await this.files.caseFor(id, request);
    this.files.item(facts, evidenceId);
    const data = { evidenceId, ...plainData({ ...body }) };
    return this.dispatcher.send(this.caseAggregate, id, 'TransferEvidenceCustody', data, request, reply, { retryOnConflict: true });
  }
}

/** Staff downloads of what reporters attached to their tips. */
@ApiTags('tips')
@ApiBearerAuth()
@Controller('tips')
export class TipAttachmentsController {
  constructor(
    @Inject(EvidenceFiles) private readonly files: EvidenceFiles,
    @Inject(EventStore) private readonly events: EventStore,
  ) {}

  @Get(':id/attachments/:attachmentId/content')
  @Roles(...TIP_ATTACHMENT_READERS)
  @ApiOperation({
    summary: 'Download a file a reporter attached to a tip (decrypted); the access is logged first',
    description:
      'Intake officers and supervisors of the tip’s office, and those who may handle the evidence of the case the tip went into ' +
      '(its assigned investigators, its office’s supervisors); anyone else gets 404. The access goes to the access log of that case, ' +
      `or of the tip while it is on no case. 409 for an attachment the scanner found infected. Roles: ${TIP_ATTACHMENT_READERS.join(', ')}.`,
    operationId: 'tips.attachments.content',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'attachmentId', format: 'uuid' })
  @ApiProduces('application/octet-stream', 'application/problem+json')
  @ApiOkResponse({ description: 'the file', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(400, 401, 403, 404, 409, 410, 503)
  async content(@Param('id', uuidPipe) id: string, @Param('attachmentId', uuidParam('attachmentId')) attachmentId: string, @Req() request: AuthedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const tip = await readTipEvidenceFacts(this.events, id);
    const linked: CaseEvidenceFacts[] = [];
    for (const caseId of tip?.caseIds ?? []) {
      const facts = await readCaseEvidenceFacts(this.events, caseId);
      if (facts) linked.push(facts);
    }
    if (!tip || !mayReadTipAttachments(tip, linked, request.principal!, request.actingRole!)) throw new ProblemError(problem(404, 'TIP.NOT_FOUND', 'no such tip'));
    const attachment = tip.attachments[attachmentId];
    if (!attachment) throw new ProblemError(problem(404, 'ATTACHMENT.NOT_FOUND', 'no such attachment on this tip'));
    if (attachment.scan === 'infected') throw new ProblemError(problem(409, 'ATTACHMENT.INFECTED', 'the malware scan found this attachment infected; it is not served'));
    const storageUri = await this.files.store.locate(tip.streamId, attachment.sha256).catch((error: unknown) => {
      throw storedContentProblem(error);
    });
    if (!storageUri) throw new ProblemError(problem(409, 'EVIDENCE.NOT_STORED', 'no file is stored for this attachment (listed at intake without an upload, or removed)'));
    const logId = tip.caseIds.at(-1) ?? id;
    return this.files.serve(reply, request, {
      owner: tip.streamId,
      storageUri,
      mediaType: attachment.mediaType,
      downloadId: attachmentId,
      entry: { logId, streamId: tip.streamId, view: 'evidence_file', subjectRefs: [tip.streamId], fields: ['ReporterAttachmentAdded.file'], evidenceId: attachmentId },
    });
  }
}
