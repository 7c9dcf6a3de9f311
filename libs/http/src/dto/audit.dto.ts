import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Matches, registerDecorator, type ValidationArguments } from 'class-validator';
import { Instant, Int, Matching, Sha256, Uuid } from './fields.js';

/* ------------------------------------------------------------------------------------------- query strings */

/** Query values arrive as strings: a plain decimal becomes a number, anything else stays and fails IsInt. */
const QueryInt = (minimum: number, maximum: number, options: { optional?: boolean; description?: string } = {}) =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value)),
    Int(minimum, maximum, options),
  );

/** Fails when the other property is also present. */
function NotWith(other: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notWith',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => (args.object as Record<string, unknown>)[other] === undefined,
        defaultMessage: (args: ValidationArguments) => `give ${args.property} or ${other}, not both`,
      },
    });
}

/** Fails when the other property is present and smaller. */
function NotAfter(other: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notAfter',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const bound = (args.object as Record<string, unknown>)[other];
          return typeof bound !== 'number' || typeof value !== 'number' || value <= bound;
        },
        defaultMessage: (args: ValidationArguments) => `${args.property} must not be greater than ${other}`,
      },
    });
}

const MAX_VERSION = 1_000_000_000;

export class StreamStateQuery {
  @Instant({ optional: true, description: 'the state as the log stood at this instant (events recorded at or before it)' })
  asOf?: string;

  @QueryInt(0, MAX_VERSION, { optional: true, description: 'the state after this version (0 = before the first event); not together with asOf' })
  @NotWith('asOf')
  atVersion?: number;
}

export class StreamDiffQuery {
  @QueryInt(0, MAX_VERSION, { description: 'the earlier version (0 = before the first event)' })
  @NotAfter('to')
  from!: number;

  @QueryInt(0, MAX_VERSION, { optional: true, description: 'the later version; the head when left out' })
  to?: number;
}

export class AnchorListQuery {
  @QueryInt(1, 1000, { optional: true, description: 'at most this many, newest first (default 100)' })
  limit?: number;
}

/* ------------------------------------------------------------------------------------------------ responses */

export class ActorDto {
  @ApiProperty({ enum: ['user', 'reporter', 'system'] }) kind!: string;
  @ApiPropertyOptional() userId?: string;
  @ApiPropertyOptional({ description: 'the role the actor acted in' }) role?: string;
  @ApiPropertyOptional() officeCode?: string;
}

export class HistoryEntryDto {
  @ApiProperty({ description: 'global position (opaque, ordered as strings)' }) position!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() streamVersion!: number;
  @ApiProperty({ example: 'CaseClassified' }) type!: string;
  @ApiProperty() schemaVersion!: number;
  @ApiProperty({ format: 'date-time', description: 'when it happened, as the command said' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time', description: 'when the store recorded it' }) recordedAt!: string;
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty() correlationId!: string;
  @ApiProperty() causationId!: string;
  @ApiProperty({ type: [String], description: 'subject references whose keys seal fields of this event (random ids, never personal data)' }) piiSubjects!: string[];
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
  @ApiProperty({ example: 'Case classified: BRIBERY, priority high, jurisdiction pacc', description: 'one line, free of personal data' }) summary!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the payload as stored; each sealed field reads {"sealed": true, "kid": …} (no content clearance) or {"erased": true} (key shredded)',
  })
  data!: Record<string, unknown>;
}

export class StreamHistoryResponse {
  @ApiProperty() streamId!: string;
  @ApiPropertyOptional({ description: 'the aggregate of the stream; absent for number sequences', example: 'Case' }) aggregate?: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'whether sealed fields were opened (needs content clearance, which no role has yet)' }) contentOpened!: boolean;
  @ApiProperty({ type: [HistoryEntryDto] }) events!: HistoryEntryDto[];
}

export class StreamStateResponse {
  @ApiProperty() streamId!: string;
  @ApiProperty({ example: 'Case' }) aggregate!: string;
  @ApiProperty({ description: 'the version folded up to (0: before the first event)' }) version!: number;
  @ApiProperty({ description: 'the stream version now' }) headVersion!: number;
  @ApiPropertyOptional({ format: 'date-time', description: 'recordedAt of the last event folded' }) recordedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) asOf?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'the aggregate state folded from the event log (holds no personal data)' })
  state!: unknown;
}

/** A field's value in a state: whatever JSON the fold holds there. */
const ANY_JSON = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: {} }], nullable: true };

export class StateChangeDto {
  @ApiProperty({ example: '$.phase', description: 'JSONPath of the field (RFC 9535 normalized form, dot notation for plain names)' }) path!: string;
  @ApiProperty({ enum: ['added', 'removed', 'changed'] }) change!: string;
  @ApiPropertyOptional({ ...ANY_JSON, description: 'the value before (any JSON value); absent when added' }) from?: unknown;
  @ApiPropertyOptional({ ...ANY_JSON, description: 'the value after (any JSON value); absent when removed' }) to?: unknown;
}

export class EventSummaryDto {
  @ApiProperty() streamVersion!: number;
  @ApiProperty() type!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty() summary!: string;
}

export class StreamDiffResponse {
  @ApiProperty() streamId!: string;
  @ApiProperty() aggregate!: string;
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiProperty({ type: [StateChangeDto] }) changes!: StateChangeDto[];
  @ApiProperty({ type: [EventSummaryDto], description: 'the events from+1 … to that made the changes' }) events!: EventSummaryDto[];
}

export class ChainBreakDto {
  @ApiProperty() streamId!: string;
  @ApiProperty({ description: 'the version where the chain breaks (for a gap: the missing version)' }) streamVersion!: number;
  @ApiPropertyOptional({ format: 'uuid' }) eventId?: string;
  @ApiProperty({ enum: ['hash_mismatch', 'prev_hash_mismatch', 'version_gap'] }) problem!: string;
}

export class StreamVerifyResponse {
  @ApiProperty() streamId!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'the stream version the store reports' }) version!: number;
  @ApiProperty({ description: 'events checked' }) events!: number;
  @ApiPropertyOptional({ type: ChainBreakDto }) firstBreak?: ChainBreakDto;
}

export class LogVerifyResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty() streams!: number;
  @ApiProperty() events!: number;
  @ApiPropertyOptional({ type: ChainBreakDto, description: 'the first broken link in global order' }) firstBreak?: ChainBreakDto;
  @ApiProperty({ description: 'position of the last event checked' }) position!: string;
}

/* ---------------------------------------------------------------------------------------------------- anchors */

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const POSITION = /^[A-Za-z0-9:._-]{0,64}$/;

/**
 * A signed anchor exactly as exported. Also the body of POST /anchors/verify, so an exported copy kept
 * elsewhere can be checked against the log as it is now.
 */
export class SignedAnchorDto {
  @ApiProperty({ enum: ['casetrail-anchor/v1'] })
  @Matches(/^casetrail-anchor\/v1$/, { message: 'format must be casetrail-anchor/v1' })
  format!: 'casetrail-anchor/v1';

  @Uuid() anchorId!: string;

  @Matching(POSITION, 64, 'must be an event-store position', { description: "global position of the last event covered ('' for an empty log)" })
  position!: string;

  @Int(0, Number.MAX_SAFE_INTEGER, { description: 'streams covered' }) streamCount!: number;
  @Int(0, Number.MAX_SAFE_INTEGER, { description: 'events up to and including position' }) eventCount!: number;
  @Sha256({ description: 'Merkle root over the stream heads (see docs/event-store.md)' }) merkleRoot!: string;
  @Instant() createdAt!: string;
  @Matching(/^[0-9a-f]{16}$/, 16, 'must be 16 hex digits', { description: 'first 16 hex digits of SHA-256 over the public key (SPKI DER)' }) keyId!: string;
  @Matching(BASE64, 200, 'must be base64', { description: 'Ed25519 public key, SPKI DER, base64' }) publicKey!: string;
  @Matching(BASE64, 200, 'must be base64', { description: 'Ed25519 signature over the RFC 8785 canonical JSON of every other field, base64' }) signature!: string;
}

export class AnchorListItemDto {
  @ApiProperty({ type: SignedAnchorDto }) anchor!: SignedAnchorDto;
  @ApiPropertyOptional({ description: 'the user who created it; absent for a scheduled anchor' }) createdBy?: string;
}

export class AnchorListResponse {
  @ApiProperty({ type: [AnchorListItemDto] }) anchors!: AnchorListItemDto[];
  @ApiProperty({ description: 'the public key anchors are signed with now (SPKI DER, base64)' }) publicKey!: string;
  @ApiProperty() keyId!: string;
}

export class HeadDifferenceDto {
  @ApiProperty() streamId!: string;
  @ApiPropertyOptional({ description: 'the head in the anchor', type: 'object', properties: { version: { type: 'integer' }, hash: { type: 'string' } } })
  anchored?: { version: number; hash: string };
  @ApiPropertyOptional({ description: 'the head recomputed now for the same position', type: 'object', properties: { version: { type: 'integer' }, hash: { type: 'string' } } })
  found?: { version: number; hash: string };
}

export class AnchorVerificationResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ format: 'uuid' }) anchorId!: string;
  @ApiProperty() position!: string;
  @ApiPropertyOptional({ enum: ['signature_invalid', 'unknown_key', 'chain_break', 'root_mismatch'] }) problem?: string;
  @ApiPropertyOptional({ type: ChainBreakDto }) firstBreak?: ChainBreakDto;
  @ApiPropertyOptional() recomputedRoot?: string;
  @ApiPropertyOptional() recomputedStreamCount?: number;
  @ApiPropertyOptional() recomputedEventCount?: number;
  @ApiPropertyOptional({ type: [HeadDifferenceDto], description: 'for root_mismatch: the streams whose head differs (first 50)' }) differingStreams?: HeadDifferenceDto[];
  @ApiProperty({ description: 'events checked in all, up to the anchor and after it' }) eventsChecked!: number;
}
