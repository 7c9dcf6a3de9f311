import { Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AggregateCommandHandler, EvidenceErasedError, KeyShreddedError, tipStreamId } from '#application';
import { AppConfig } from '#config';
import { tipAggregate } from '#domain';
import { CommandDispatcher } from '../core/command-dispatcher.js';
import { ApiProblems } from '../core/command-routes.js';
import { ProblemError, problem } from '../core/problem.js';
import { Reporter, ReporterRoute, type ReporterContext, type ReporterRequest } from '../core/reporter-auth.js';
import { AttachmentUploadForm, ReporterAttachmentResponseDto } from '../dto/evidence.dto.js';
import { extensionOf } from '../uploads/content-types.js';
import { UploadRoute } from '../uploads/multipart.js';
import { abandonUpload, readUpload } from '../uploads/upload-reader.js';
import { EvidenceFiles } from './evidence-files.js';
import { NoIdempotencyReplay, reporterWriteProblem } from './reporter.controller.js';

/**
 * The reporter's own uploads to their tip, with the reporter token. Bounded three ways: the write limit per
 * session and per tip (ReporterWriteGuard, 429), the file size (CASETRAIL_UPLOAD_LIMIT_BYTES, 413), and what
 * the tip may hold in all — CASETRAIL_TIP_MAX_ATTACHMENTS files and CASETRAIL_TIP_MAX_ATTACHMENT_BYTES bytes,
 * checked by the tip decider (409 TIP.ATTACHMENT_LIMIT / TIP.ATTACHMENT_BYTES_LIMIT; a full tip is refused
 * before the upload is read, and a stored file whose record is refused is removed again).
 */
@ApiTags('reporter')
@Controller('reporter')
@UseGuards(NoIdempotencyReplay)
export class ReporterAttachmentsController {
  constructor(
    @Inject(EvidenceFiles) private readonly files: EvidenceFiles,
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(AggregateCommandHandler) private readonly handler: AggregateCommandHandler,
  ) {}

  @Post('attachments')
  @ReporterRoute({ writes: true })
  @UploadRoute()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Attach a file to your tip (multipart, one part `file`)',
    description:
      'The type is read from the bytes and must be on the allow-list (PDF, images, audio, video, office documents, UTF-8 text); the file is stored ' +
      'encrypted under the tip’s key and its name is sealed. 413 over the upload limit, 415 for a type not allowed, 422 for an empty file, ' +
      '409 when the tip holds its maximum number or total size of attachments, 410 when the tip has been erased, 429 over the write limit.',
    operationId: 'reporter.attachments.add',
  })
  @ApiBody({ type: AttachmentUploadForm })
  @ApiCreatedResponse({ type: ReporterAttachmentResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 409, 410, 413, 415, 422, 429)
  async add(@Reporter() reporter: ReporterContext, @Req() request: ReporterRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReporterAttachmentResponseDto> {
    try {
      return await this.storeAndRecord(reporter, request);
    } catch (error) {
      abandonUpload(request, reply);
      // The tip's key is shredded (storing the file found it so): the same 410 as the reporter's other writes.
      const erased = error instanceof EvidenceErasedError || (error instanceof ProblemError && error.problem.code === 'EVIDENCE.ERASED');
      if (erased) throw reporterWriteProblem(new KeyShreddedError(tipStreamId(reporter.tipId)));
      throw reporterWriteProblem(error);
    }
  }

  private limits() {
    return { maxCount: this.config.tipMaxAttachments, maxTotalBytes: this.config.tipMaxAttachmentBytes };
  }

  private async storeAndRecord(reporter: ReporterContext, request: ReporterRequest): Promise<ReporterAttachmentResponseDto> {
    const owner = tipStreamId(reporter.tipId);
    const limits = this.limits();
    // A tip that cannot take another file is refused before anything is read or stored.
    const { state } = await this.handler.load(tipAggregate, owner);
    if (Object.keys(state.attachments).length >= limits.maxCount) {
      throw new ProblemError(problem(409, 'TIP.ATTACHMENT_LIMIT', `a tip takes at most ${limits.maxCount} attachments`, { maxCount: limits.maxCount }));
    }
    if (state.attachmentBytes >= limits.maxTotalBytes) {
      throw new ProblemError(problem(409, 'TIP.ATTACHMENT_BYTES_LIMIT', `a tip's attachments take at most ${limits.maxTotalBytes} bytes in all`, { maxTotalBytes: limits.maxTotalBytes, usedBytes: state.attachmentBytes }));
    }
    const upload = await readUpload(request, { limitBytes: Math.min(this.config.uploadLimitBytes, limits.maxTotalBytes - state.attachmentBytes), fields: [] });
    const attachmentId = this.dispatcher.newId();
    return this.files.storeThen(owner, upload.file, upload.finish, async (stored, mediaType) => {
      const data = {
        attachmentId,
        sha256: stored.sha256,
        byteLength: stored.byteLength,
        mediaType,
        // The domain needs a name; a part without one is named after the attachment.
        fileName: upload.file.fileName ?? `${attachmentId}.${extensionOf(mediaType)}`,
      };
      // The decider re-checks the caps against the stream as it is now; the correlation id is the command's own.
      const result = await this.handler.execute(
        tipAggregate,
        owner,
        { type: 'AddReporterAttachment', data: { ...data, limits }, meta: { at: new Date().toISOString(), actor: { kind: 'reporter' } } },
        { retryOnConflict: true },
      );
      return {
        id: reporter.tipId,
        streamId: owner,
        version: result.version,
        events: result.events.map((e) => ({ eventId: e.eventId, type: e.type })),
        attachmentId,
        file: { sha256: stored.sha256, byteLength: stored.byteLength, mediaType },
      };
    });
  }
}
