import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsOmittable } from './fields.js';
import { ReporterIdentityRequest } from './tip.dto.js';

const RECEIPT = /^\s*\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4}\s*$/;
const TIP_NO = /^T-[A-Z0-9]{2,12}-\d{4}-\d{6}$/;

export class ReporterSessionRequest {
  @ApiProperty({ example: '1234 5678 9012 3456', description: 'the 16-digit receipt shown when the report was submitted (spaces or dashes allowed)', pattern: RECEIPT.source })
  @IsString()
  @Matches(RECEIPT, { message: 'receipt must be the 16 digits shown at submission' })
  receipt!: string;

  @ApiPropertyOptional({ example: 'T-PACC4-2566-000001', pattern: TIP_NO.source, description: 'the tip number, if you have it: it must then match the receipt, and wrong receipts are also counted against it' })
  @IsOmittable()
  @IsString()
  @Matches(TIP_NO, { message: 'tipNo must look like T-PACC4-2566-000001' })
  tipNo?: string;
}

export class ReporterSessionResponse {
  @ApiProperty({ description: 'reporter token: send as Authorization: Bearer <token> to /api/v1/reporter/… routes' }) token!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ example: 'T-PACC4-2566-000001' }) tipNo!: string;
}

export class ReporterMessageRequest {
  @ApiProperty({ maxLength: 10000 }) @IsString() @IsNotEmpty() @MaxLength(10000) @Matches(/\S/, { message: 'body must not be blank' }) body!: string;
}

export class ReporterMessageResponse {
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty({ format: 'date-time' }) postedAt!: string;
}

export class ReporterIdentitySubmission {
  @ApiProperty({ type: ReporterIdentityRequest }) @ValidateNested() @Type(() => ReporterIdentityRequest) identity!: ReporterIdentityRequest;
  @ApiProperty({ description: 'whether the office may contact you' }) @IsBoolean() contactConsent!: boolean;
}

export class ReporterIdentityResponse {
  @ApiProperty({ enum: [true] }) identified!: true;
}

export class ReceiptRotatedResponse {
  @ApiProperty({ example: '1234 5678 9012 3456', description: 'the new receipt, shown once; the old one no longer works' }) receipt!: string;
  @ApiProperty({ description: 'a new reporter token: every earlier session of the tip has ended, this one included' }) token!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class ReporterStageChangeDto {
  @ApiProperty({ enum: ['received', 'under_review', 'in_progress', 'closed'] }) stage!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class ReporterThreadItemDto {
  @ApiProperty({ enum: ['reporter_message', 'staff_reply', 'question'], description: 'your message, a reply from the office, or a question the office asked you' }) kind!: string;
  @ApiPropertyOptional({ format: 'uuid' }) messageId?: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null once erased' }) body!: string | null;
  @ApiPropertyOptional({ enum: [true] }) erased?: true;
}

export class ReporterAttachmentDto {
  @ApiProperty() attachmentId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null once erased' }) fileName!: string | null;
  @ApiPropertyOptional({ enum: [true] }) erased?: true;
  @ApiProperty() mediaType!: string;
  @ApiProperty() byteLength!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
  @ApiProperty({ enum: ['pending', 'verified', 'infected'] }) scan!: string;
}

export class ReporterOutcomeDto {
  @ApiProperty({ format: 'date-time' }) closedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the public outcome statement written for you; null when none was' }) statement!: string | null;
}

/** What a reporter sees of their own tip: no staff names or ids, notes, evidence, accused, case number or other reporters. */
export class ReporterTipViewDto {
  @ApiProperty({ format: 'uuid' }) tipId!: string;
  @ApiProperty({ example: 'T-PACC4-2566-000001' }) tipNo!: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiProperty({ enum: ['received', 'under_review', 'in_progress', 'closed'] }) stage!: string;
  @ApiProperty({ type: [ReporterStageChangeDto] }) stages!: ReporterStageChangeDto[];
  @ApiProperty({ description: 'you have told the office who you are (the identity itself is not shown back)' }) identified!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'your receipt stops working after this instant unless you log in again' }) accessExpiresAt!: string | null;
  @ApiProperty({ type: [ReporterThreadItemDto] }) thread!: ReporterThreadItemDto[];
  @ApiProperty({ type: [ReporterAttachmentDto] }) attachments!: ReporterAttachmentDto[];
  @ApiProperty({ type: ReporterOutcomeDto, nullable: true, description: 'once the case is closed' }) outcome!: ReporterOutcomeDto | null;
}

/** Staff view of a tip's reporter thread (GET /tips/{id}/messages). */
export class TipMessageDto {
  @ApiProperty({ enum: ['reporter_message', 'staff_reply'] }) kind!: string;
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null once erased' }) body!: string | null;
  @ApiPropertyOptional({ enum: [true] }) erased?: true;
  @ApiPropertyOptional({ format: 'uuid', description: 'the staff member who replied' }) postedBy?: string;
}

export class TipMessagesDto {
  @ApiProperty({ format: 'uuid' }) tipId!: string;
  @ApiProperty({ type: [TipMessageDto] }) messages!: TipMessageDto[];
}
