import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CLEARANCES, ROLES } from '#application';
import { IsOmittable } from './fields.js';

export class LoginRequest {
  @ApiProperty({ maxLength: 64, example: 'admin' }) @IsString() @IsNotEmpty() @MaxLength(64) username!: string;
  @ApiProperty({ maxLength: 256, format: 'password' }) @IsString() @IsNotEmpty() @MaxLength(256) password!: string;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: string[];
  @ApiProperty() officeCode!: string;
  @ApiPropertyOptional() unitCode?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'set while the account is disabled' }) disabledAt?: string;
  @ApiProperty({ enum: CLEARANCES, isArray: true, description: 'permissions beyond the roles granted by an admin (POST /users/{id}/clearances); empty by default' }) clearances!: string[];
}

/** Roles whose users the staff directory lists and whose staff may read it (analysts work on aggregates only). */
export const DIRECTORY_ROLES = ['supervisor', 'investigator', 'intake_officer', 'clinic_staff', 'custodian', 'auditor', 'admin'] as const;

export class StaffDirectoryQuery {
  @ApiPropertyOptional({ enum: ROLES, description: 'only users holding this role' }) @IsOmittable() @IsIn([...ROLES]) role?: string;
}

/** A colleague as other staff see them: no username (a login name), no tokens, no clearances, no disabled accounts. */
export class StaffDirectoryEntry {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: string[];
  @ApiPropertyOptional({ example: 'PACC4-INV1' }) unitCode?: string;
}

export class LoginResponse {
  @ApiProperty() token!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: UserView }) user!: UserView;
}

export class ChangePasswordRequest {
  @ApiProperty({ maxLength: 256, format: 'password' }) @IsString() @IsNotEmpty() @MaxLength(256) currentPassword!: string;
  @ApiProperty({ minLength: 12, maxLength: 256, format: 'password' }) @IsString() @MinLength(12) @MaxLength(256) newPassword!: string;
}

export class CreateUserRequest {
  @ApiProperty({ pattern: '^[a-z][a-z0-9._-]{2,63}$', example: 'somchai.k' }) @Matches(/^[a-z][a-z0-9._-]{2,63}$/) username!: string;
  @ApiProperty({ minLength: 12, maxLength: 256, format: 'password' }) @IsString() @MinLength(12) @MaxLength(256) password!: string;
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true, minItems: 1 }) @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(ROLES, { each: true }) roles!: string[];
  @ApiPropertyOptional({ pattern: '^[A-Z0-9]{2,12}$', description: 'defaults to this server’s office' }) @IsOmittable() @Matches(/^[A-Z0-9]{2,12}$/) officeCode?: string;
  @ApiPropertyOptional({ pattern: '^[A-Z0-9-]{1,20}$' }) @IsOmittable() @Matches(/^[A-Z0-9-]{1,20}$/) unitCode?: string;
}
