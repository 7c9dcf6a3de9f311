import type { Role } from '#domain';

export const ROLES: readonly Role[] = ['intake_officer', 'investigator', 'supervisor', 'custodian', 'auditor', 'analyst', 'admin', 'clinic_staff'];

/** Clearances an admin may grant: `audit_content` lets an auditor open sealed content in the audit history (each opening logged). */
export const CLEARANCES = ['audit_content'] as const;
export type Clearance = (typeof CLEARANCES)[number];

export interface UserRecord {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  officeCode: string;
  unitCode?: string;
  passwordHash: string;
  /** Bumped on every password change; tokens issued before it are void. */
  passwordChangedAt: string;
  createdAt: string;
  /** Set while the account is disabled: no login, no token accepted. */
  disabledAt?: string;
  /** Permissions beyond the roles, granted per user by an admin (CLEARANCES); none by default. */
  clearances: string[];
}

export class UsernameTakenError extends Error {
  readonly code = 'USER.USERNAME_TAKEN';
  constructor(readonly username: string) {
    super('that username is taken');
    this.name = 'UsernameTakenError';
  }
}

/** Staff accounts and their bearer tokens (stored as SHA-256 of the token, never the token). */
export abstract class UserDirectory {
  abstract create(user: UserRecord): Promise<void>;
  abstract byUsername(username: string): Promise<UserRecord | undefined>;
  abstract byId(userId: string): Promise<UserRecord | undefined>;
  abstract list(): Promise<UserRecord[]>;
  abstract count(): Promise<number>;
  abstract setPassword(userId: string, passwordHash: string, at: string): Promise<void>;
  abstract saveToken(tokenHash: string, userId: string, expiresAt: string): Promise<void>;
  /** The token's user if the token exists and has not expired at `now`. */
  abstract tokenUser(tokenHash: string, now: string): Promise<string | undefined>;
  abstract revokeToken(tokenHash: string): Promise<void>;
  abstract revokeTokensOf(userId: string): Promise<void>;
  /** Replaces the user's clearances; false when there is no such user. */
  abstract setClearances(userId: string, clearances: readonly string[]): Promise<boolean>;
  /** Disables the account (a time) or enables it again (undefined). */
  abstract setDisabled(userId: string, disabledAt: string | undefined): Promise<void>;
}
