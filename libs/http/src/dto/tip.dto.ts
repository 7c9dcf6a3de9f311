import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsISO8601, IsNotEmpty, IsNumber, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ACK_METHODS, AGENCY_TYPES, REFERRAL_TARGETS, TIP_CHANNELS, TIP_REJECTION_REASONS, ACCESS_REVOCATION_REASONS } from '#domain';

import { CATEGORY_CODES, IsOmittable, OPAQUE_ID, PROVINCE_CODES } from './fields.js';
const MAX_AMOUNT = 1e13;

export class ReporterIdentityRequest {
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) fullName!: string;
  @ApiPropertyOptional({ pattern: '^\\d{13}$', description: 'Thai national ID (13 digits)' }) @IsOmittable() @Matches(/^\d{13}$/) nationalId?: string;
  @ApiPropertyOptional({ maxLength: 30, pattern: '^[0-9+ -]{6,30}$' }) @IsOmittable() @Matches(/^[0-9+ -]{6,30}$/) phone?: string;
  @ApiPropertyOptional({ format: 'email', maxLength: 200 }) @IsOmittable() @IsEmail() @MaxLength(200) email?: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOmittable() @IsString() @MaxLength(500) address?: string;
}

/** A report from the public web form, or registered by an intake officer (who may set the channel). */
export class SubmitTipRequest {
  @ApiProperty({ description: 'what happened, in the reporter’s words', maxLength: 20000, example: 'เจ้าหน้าที่เรียกเงินเพื่อออกใบอนุญาต' })
  @IsString() @IsNotEmpty() @MaxLength(20000) narrative!: string;

  @ApiPropertyOptional({ enum: TIP_CHANNELS, description: 'officers only; the public form is always `web`' })
  @IsOmittable() @IsIn(TIP_CHANNELS) channel?: (typeof TIP_CHANNELS)[number];

  @ApiPropertyOptional({ description: 'the agency named by the reporter, as written', maxLength: 500 }) @IsOmittable() @IsString() @MaxLength(500) allegedAgencyText?: string;
  @ApiPropertyOptional({ pattern: OPAQUE_ID.source, maxLength: 128, description: 'id of the agency in the agency registry' }) @IsOmittable() @Matches(OPAQUE_ID) allegedAgencyId?: string;
  @ApiPropertyOptional({ enum: AGENCY_TYPES }) @IsOmittable() @IsIn(AGENCY_TYPES) agencyType?: (typeof AGENCY_TYPES)[number];
  @ApiPropertyOptional({ enum: PROVINCE_CODES, description: 'ISO 3166-2:TH code of the agency or incident, e.g. TH-49' }) @IsOmittable() @IsIn(PROVINCE_CODES, { message: 'provinceCode must be an ISO 3166-2:TH province code such as TH-49' }) provinceCode?: string;
  @ApiPropertyOptional({ enum: CATEGORY_CODES }) @IsOmittable() @IsIn(CATEGORY_CODES) categoryGuess?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOmittable() @IsISO8601({ strict: true }) @Matches(/Z$/, { message: 'incidentDateFrom must be a UTC instant ending in Z' }) incidentDateFrom?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOmittable() @IsISO8601({ strict: true }) @Matches(/Z$/, { message: 'incidentDateTo must be a UTC instant ending in Z' }) incidentDateTo?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_AMOUNT }) @IsOmittable() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_AMOUNT) allegedAmountTHB?: number;
  @ApiPropertyOptional({ enum: ['th', 'en'], default: 'th' }) @IsOmittable() @IsIn(['th', 'en']) language?: string;
  @ApiPropertyOptional({ type: ReporterIdentityRequest, description: 'leave out to report anonymously' })
  @IsOmittable() @ValidateNested() @Type(() => ReporterIdentityRequest) identity?: ReporterIdentityRequest;
  @ApiPropertyOptional({ description: 'whether the office may contact the reporter' }) @IsOmittable() @IsBoolean() contactConsent?: boolean;
}

export class SubmitTipResponse {
  @ApiProperty({ format: 'uuid' }) tipId!: string;
  @ApiProperty({ example: 'T-PACC4-2566-000001' }) tipNo!: string;
  @ApiProperty({ example: '1234 5678 9012 3456', description: 'shown once: the only way to follow the report' }) receipt!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() version!: number;
}

export class AcknowledgeTipRequest {
  @ApiProperty({ enum: ACK_METHODS }) @IsIn(ACK_METHODS) method!: (typeof ACK_METHODS)[number];
}

export class RejectTipRequest {
  @ApiProperty({ enum: TIP_REJECTION_REASONS }) @IsIn(TIP_REJECTION_REASONS) reason!: (typeof TIP_REJECTION_REASONS)[number];
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOmittable() @IsString() @MaxLength(2000) note?: string;
}

export class ReferTipRequest {
  @ApiProperty({ enum: REFERRAL_TARGETS }) @IsIn(REFERRAL_TARGETS) toAgency!: (typeof REFERRAL_TARGETS)[number];
  @ApiPropertyOptional({ pattern: OPAQUE_ID.source, maxLength: 128 }) @IsOmittable() @Matches(OPAQUE_ID) toAgencyId?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOmittable() @IsString() @MaxLength(100) referenceNo?: string;
}

export class MergeTipRequest {
  @ApiProperty({ format: 'uuid', description: 'the case this tip is merged into' }) @IsUUID() caseId!: string;
  @ApiProperty({ maxLength: 2000 }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class ReplyToReporterRequest {
  @ApiProperty({ maxLength: 10000 }) @IsString() @IsNotEmpty() @MaxLength(10000) body!: string;
}

export class ExtendReporterAccessRequest {
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) @Matches(/Z$/, { message: 'newExpiry must be a UTC instant ending in Z' }) newExpiry!: string;
}

export class RevokeReporterAccessRequest {
  @ApiProperty({ enum: ACCESS_REVOCATION_REASONS }) @IsIn(ACCESS_REVOCATION_REASONS) reason!: (typeof ACCESS_REVOCATION_REASONS)[number];
}
