import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty() field!: string;
  @ApiProperty({ description: 'the rule that failed, e.g. isIn, maxLength, unknownField' }) rule!: string;
  @ApiProperty() message!: string;
}

export class ProblemDto {
  @ApiProperty() type!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: number;
  @ApiProperty({ description: 'stable error code, e.g. CASE.FORBIDDEN_TRANSITION' }) code!: string;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

export class EventRefDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
}

export class CommandResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'case-0190f1f4-…' }) streamId!: string;
  @ApiProperty({ description: 'stream version after the command (also the ETag)' }) version!: number;
  @ApiProperty({ type: [EventRefDto] }) events!: EventRefDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'ids the server assigned, e.g. {"stepId": "…"}', example: { stepId: '0190f1f4-8a8b-7c00-9d5e-123456789abc' } })
  assigned?: Record<string, string>;
}
