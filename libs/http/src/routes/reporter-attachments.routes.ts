import { Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { tipStreamId } from '#application';
import { AppConfig } from '#config';
import { tipAggregate, type AggregateDefinition, type CommandMeta } from '#domain';
import { CommandDispatcher } from '../core/command-dispatcher.js';
import { ApiProblems } from '../core/command-routes.js';
import { Reporter, ReporterRoute, type ReporterContext, type ReporterRequest } from '../core/reporter-auth.js';
import { AttachmentUploadForm, ReporterAttachmentResponseDto } from '../dto/evidence.dto.js';
import { extensionOf } from '../uploads/content-types.js';
import { UploadRoute } from '../uploads/multipart.js';
import { abandonUpload, readUpload } from '../uploads/upload-reader.js';
import { EvidenceFiles } from './evidence-files.js';
import { NoIdempotencyReplay } from './reporter.controller.js';

type AnyAggregate = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;

/** The reporter's own uploads to their tip, with the reporter token. */
@ApiTags('reporter')
@Controller('reporter')
@UseGuards(NoIdempotencyReplay)
export class ReporterAttachmentsController {
  constructor(
    @Inject(EvidenceFiles) private readonly files: EvidenceFiles,
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @Post('attachments')
  @ReporterRoute()
  @UploadRoute()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Attach a file to your tip (multipart, one part `file`)',
    description:
      'The type is read from the bytes and must be on the allow-list (PDF, images, audio, video, office documents, UTF-8 text); the file is stored ' +
      'encrypted under the tip’s key and its name is sealed. 413 over the upload limit, 415 for a type not allowed, 422 for an empty file.',
    operationId: 'reporter.attachments.add',
  })
  @ApiBody({ type: AttachmentUploadForm })
  @ApiCreatedResponse({ type: ReporterAttachmentResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 409, 410, 413, 415, 422, 429)
  async add(@Reporter() reporter: ReporterContext, @Req() request: ReporterRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReporterAttachmentResponseDto> {
    try {
      return await this.storeAndRecord(reporter, request, reply);
    } catch (error) {
      abandonUpload(request, reply);
      throw error;
    }
  }

  private async storeAndRecord(reporter: ReporterContext, request: ReporterRequest, reply: FastifyReply): Promise<ReporterAttachmentResponseDto> {
    const owner = tipStreamId(reporter.tipId);
    const upload = await readUpload(request, { limitBytes: this.config.uploadLimitBytes, fields: [] });
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
      const result = await this.dispatcher.send(tipAggregate as unknown as AnyAggregate, reporter.tipId, 'AddReporterAttachment', data, request, reply, { retryOnConflict: true });
      return { ...result, attachmentId, file: { sha256: stored.sha256, byteLength: stored.byteLength, mediaType } };
    });
  }
}
