import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVIDENCE_KINDS, EVIDENCE_READ_FAILURES, EVIDENCE_SOURCES } from '#domain';
import { CustodyDto } from './case.dto.js';
import { CommandResponseDto } from './common.dto.js';
import { Instant, Nested, OneOf, TEXT, Text } from './fields.js';

/** The text fields of an evidence upload (multipart form fields, sent before the file). */
export class EvidenceUploadFields {
  @OneOf(EVIDENCE_KINDS, 'EvidenceKind', { example: 'document' })
  kind!: string;

  @OneOf(EVIDENCE_SOURCES, 'EvidenceSource', { example: 'agency' })
  source!: string;

  @Text(TEXT.narrative, { description: 'what the item is (sealed: personal data)', example: 'Scan of the signed contract, 12 pages.' })
  description!: string;

  @Instant({ optional: true, description: 'when the item was collected; not in the future. Default: now' })
  collectedAt?: string;

  @Text(TEXT.name, { optional: true, description: 'who collected it. Default: the signed-in user (user id)' })
  collectedBy?: string;

  @Text(TEXT.name, { optional: true, description: 'who holds the original (sealed). Default: the signed-in user (user id)' })
  custodyHolder?: string;

  @Text(TEXT.name, { optional: true, description: 'where the original is kept (sealed). Default: casetrail evidence store' })
  custodyLocation?: string;
}

export const EVIDENCE_UPLOAD_FIELD_NAMES = ['kind', 'source', 'description', 'collectedAt', 'collectedBy', 'custodyHolder', 'custodyLocation'] as const;

/** The multipart form as OpenAPI describes it: the fields, then the file (one part, at most the upload limit). */
export class EvidenceUploadForm extends EvidenceUploadFields {
  @ApiProperty({ type: 'string', format: 'binary', description: 'the file, sent after the fields. Its type is read from its bytes (PDF, images, audio, video, office documents, UTF-8 text); its name is sealed' })
  file!: unknown;
}

export class AttachmentUploadForm {
  @ApiProperty({ type: 'string', format: 'binary', description: 'the file. Its type is read from its bytes (PDF, images, audio, video, office documents, UTF-8 text); its name is sealed' })
  file!: unknown;
}

export class StoredFileDto {
  @ApiProperty({ description: 'SHA-256 of the bytes received (recorded in the event)', example: 'c'.repeat(64) }) sha256!: string;
  @ApiProperty({ example: 18_342 }) byteLength!: number;
  @ApiProperty({ description: 'the media type read from the bytes', example: 'application/pdf' }) mediaType!: string;
}

export class EvidenceUploadResponseDto extends CommandResponseDto {
  @ApiProperty({ format: 'uuid' }) evidenceId!: string;
  @ApiProperty({ type: StoredFileDto }) file!: StoredFileDto;
}

export class EvidenceVerifyResponseDto extends CommandResponseDto {
  @ApiProperty({ format: 'uuid' }) evidenceId!: string;
  @ApiProperty({ description: 'whether the stored bytes hash to what was logged' }) match!: boolean;
  @ApiProperty({ description: 'the hash logged with the item', example: 'c'.repeat(64) }) sha256Recorded!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the hash of the stored bytes now; null when they could not be read back' }) sha256Computed!: string | null;
  @ApiPropertyOptional({ enum: EVIDENCE_READ_FAILURES, description: 'unreadable: the stored bytes fail authentication (altered, truncated); missing: no stored file' })
  failure?: string;
}

export class CustodyTransferRequest {
  @Nested(() => CustodyDto, { description: 'the new holder and place (sealed: personal data)' })
  to!: CustodyDto;

  @Text(TEXT.reason, { description: 'why the item moves (sealed)', example: 'sent to the forensic laboratory' })
  reason!: string;
}

export class ReporterAttachmentResponseDto extends CommandResponseDto {
  @ApiProperty({ format: 'uuid' }) attachmentId!: string;
  @ApiProperty({ type: StoredFileDto }) file!: StoredFileDto;
}
