import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { CommandResponseDto } from './common.dto.js';

export class EscalateConsultationToTipRequest {
  @ApiProperty({ maxLength: 500, description: 'why the consultation becomes a complaint (no personal data)', example: 'the requester describes a bribe' })
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
  @ApiProperty({ maxLength: 20000, description: 'the complaint as the tip will record it (sealed)' })
  @IsString() @IsNotEmpty() @MaxLength(20000) narrative!: string;
}

export class EscalationResponse extends CommandResponseDto {
  @ApiProperty({ format: 'uuid', description: 'the tip or case opened by the escalation' }) openedId!: string;
  @ApiProperty({ description: 'its number (T-… or PACC…)' }) openedNo!: string;
}

export class MergeCaseRequest {
  @ApiProperty({ format: 'uuid', description: 'the case that survives; this one closes as a duplicate' }) @IsUUID() survivorCaseId!: string;
}
