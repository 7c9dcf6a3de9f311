import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { DIMENSIONS, FILTER_DIMENSIONS, METRICS, SUPPRESSION_THRESHOLD, TREND_CODE_LISTS, YOY_BASES } from '#application';

const list = (values: readonly string[]) => values.join(', ');

/**
 * Query parameters of GET /trends/{metric}. Every value arrives as a string; lists are comma-separated.
 * Only the shape is checked here (strings, bounded length, no unknown parameter); the values are checked
 * against the metric and the code lists by parseTrendQuery, which names the failing parameter.
 */
export class TrendQueryDto {
  @ApiPropertyOptional({ description: `one or two of: ${list(DIMENSIONS)} — comma-separated; at most one time dimension; default fiscalYear`, example: 'fiscalYear,province' })
  @IsOptional() @IsString() @MaxLength(100) groupBy?: string;

  @ApiPropertyOptional({ description: 'first fiscal year (B.E.) of the period of the metric, inclusive', example: '2565', pattern: '^\\d{4}$' })
  @IsOptional() @IsString() @MaxLength(10) from?: string;

  @ApiPropertyOptional({ description: 'last fiscal year (B.E.), inclusive', example: '2568', pattern: '^\\d{4}$' })
  @IsOptional() @IsString() @MaxLength(10) to?: string;

  @ApiPropertyOptional({ description: 'backlog and recommendation-implementation-rate: the Bangkok date (YYYY-MM-DD, C.E.) whose end is the snapshot / due cut-off; default now', example: '2024-09-30' })
  @IsOptional() @IsString() @MaxLength(10) asOf?: string;

  @ApiPropertyOptional({ description: `yoy-change: the count compared year on year, one of ${list(YOY_BASES)} (default cases-opened)` })
  @IsOptional() @IsString() @MaxLength(40) base?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv = the same table as text/csv (also chosen by Accept: text/csv)' })
  @IsOptional() @IsString() @MaxLength(10) format?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-2:TH province codes, comma-separated (province of the accused agency / incident)', example: 'TH-49' })
  @IsOptional() @IsString() @MaxLength(1000) province?: string;

  @ApiPropertyOptional({ description: `regions, comma-separated: ${list(TREND_CODE_LISTS.region)}` })
  @IsOptional() @IsString() @MaxLength(200) region?: string;

  @ApiPropertyOptional({ description: `agency types, comma-separated: ${list(TREND_CODE_LISTS.agencyType)}` })
  @IsOptional() @IsString() @MaxLength(500) agencyType?: string;

  @ApiPropertyOptional({ description: `complaint categories, comma-separated: ${list(TREND_CODE_LISTS.category)}` })
  @IsOptional() @IsString() @MaxLength(500) category?: string;

  @ApiPropertyOptional({ description: `tip channels (${list(TREND_CODE_LISTS.channel)}); for consultations the consultation channels (${list(TREND_CODE_LISTS.consultationChannel)})` })
  @IsOptional() @IsString() @MaxLength(500) channel?: string;

  @ApiPropertyOptional({ description: `case origins, comma-separated: ${list(TREND_CODE_LISTS.origin)}` })
  @IsOptional() @IsString() @MaxLength(500) origin?: string;

  @ApiPropertyOptional({ description: `dispositions (of the latest closure), comma-separated: ${list(TREND_CODE_LISTS.disposition)}` })
  @IsOptional() @IsString() @MaxLength(1000) disposition?: string;
}

export class SuppressedDto {
  @ApiProperty({ enum: [true] }) suppressed!: true;
}

export class TrendRowDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }], nullable: true },
    description: 'the cell: one member per groupBy dimension (fiscalYear 2567, fiscalQuarter "2567-Q1", month "2566-10", codes), plus severity for findings-by-severity; null = not classified',
    example: { fiscalYear: 2567, province: 'TH-49' },
  })
  key!: Record<string, string | number | null>;

  @ApiPropertyOptional({ type: 'number', nullable: true, description: 'absent when suppressed; count, rate (0–1), days (median), change, or rate per 100 agencies — see unit' })
  value?: number | null;

  @ApiPropertyOptional({ enum: [true], description: `present (true) instead of value when the cell’s underlying count is under ${SUPPRESSION_THRESHOLD}` })
  suppressed?: true;

  @ApiPropertyOptional({ description: 'the underlying count of a rate, duration or mean (denominator / number of values)' })
  n?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'number' }, { $ref: '#/components/schemas/SuppressedDto' }], nullable: true },
    description: 'metric-specific figures: p90/mean (durations), age buckets and medianAgeDays (backlog), current/previous (yoy-change), complaints/agencies/movingAverage3/slope (per 100 agencies), preMeanPct/postMeanPct',
  })
  details?: Record<string, number | null | SuppressedDto>;
}

export class TrendResponseDto {
  @ApiProperty({ enum: METRICS }) metric!: string;
  @ApiProperty({ type: [String], enum: DIMENSIONS }) groupBy!: string[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'first fiscal year (B.E.) covered' }) from!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'last fiscal year (B.E.) covered' }) to!: number | null;
  @ApiPropertyOptional({ format: 'date-time', description: 'snapshot / due cut-off instant (backlog, recommendation-implementation-rate)' }) asOf?: string;
  @ApiPropertyOptional({ enum: YOY_BASES }) base?: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } }, description: `the filters applied (${list(FILTER_DIMENSIONS)})` }) filters!: Record<string, string[]>;
  @ApiProperty({ example: 'cases' }) unit!: string;
  @ApiProperty() definition!: string;
  @ApiProperty({ type: [TrendRowDto] }) rows!: TrendRowDto[];
  @ApiProperty({ example: SUPPRESSION_THRESHOLD }) suppressionThreshold!: number;
  @ApiPropertyOptional({ enum: ['configured'], description: 'complaints-per-100-agencies: the denominator is configured reference data' }) denominator?: 'configured';
  @ApiPropertyOptional({ enum: ['placeholder_default', 'deployment_file'] }) denominatorSource?: string;
  @ApiPropertyOptional() denominatorNote?: string;
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
}

export class MetricInfoDto {
  @ApiProperty({ enum: METRICS }) metric!: string;
  @ApiProperty() unit!: string;
  @ApiProperty() definition!: string;
  @ApiProperty({ type: [String], enum: DIMENSIONS }) groupBy!: string[];
  @ApiProperty({ type: [String], enum: FILTER_DIMENSIONS }) filters!: string[];
}

export class TrendCatalogueDto {
  @ApiProperty({ type: [MetricInfoDto] }) metrics!: MetricInfoDto[];
  @ApiProperty({ example: SUPPRESSION_THRESHOLD }) suppressionThreshold!: number;
}
