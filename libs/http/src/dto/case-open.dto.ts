import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { CASE_ORIGINS } from '#domain';
import { IsOmittable } from './fields.js';

export class OpenCaseRequest {
  @ApiPropertyOptional({ enum: CASE_ORIGINS, default: 'tip', description: 'where the case comes from; `tip` needs sourceTipIds' })
  @IsOmittable() @IsIn(CASE_ORIGINS) origin?: (typeof CASE_ORIGINS)[number];
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 50, description: 'tips this case is opened from; they are marked accepted' })
  @IsOmittable() @IsArray() @ArrayMaxSize(50) @ArrayUnique() @IsUUID('all', { each: true }) sourceTipIds?: string[];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID() sourceVisitId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID() sourceConsultationId?: string;
  @ApiPropertyOptional({ maxLength: 100, description: 'reference of the referring agency' }) @IsOmittable() @IsString() @MaxLength(100) referralInRef?: string;
}

export class OpenCaseResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ example: 'PACC4-2566-000001' }) caseNo!: string;
  @ApiProperty({ type: [String] }) acceptedTipIds!: string[];
}
