import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Actor, Role } from '#domain';
import { ROLES, UserDirectory, type UserRecord } from './user-directory.port.js';

export interface Principal {
  userId: string;
  username: string;
  roles: Role[];
  officeCode: string;
  unitCode?: string;
  /** The user's clearances (UserRecord.clearances); absent = none. */
  clearances?: readonly string[];
}

export class InvalidCredentialsError extends Error {
  readonly code = 'AUTH.INVALID_CREDENTIALS';
  constructor() {
    super('unknown username or wrong password');
    this.name = 'InvalidCredentialsError';
  }
}

/** A disabled account: answered exactly like wrong credentials; `reason` is for the security log only. */
export class AccountDisabledError extends InvalidCredentialsError {
  readonly reason = 'AUTH.ACCOUNT_DISABLED';
}

export class TooManyLoginAttemptsError extends Error {
  readonly code = 'AUTH.TOO_MANY_ATTEMPTS';
  constructor(readonly retryAfterSeconds: number, message = 'too many failed logins; try again later') {
    super(message);
    this.name = 'TooManyLoginAttemptsError';
  }
}

/**
 * The current password sent to change a password is wrong. The caller is signed in (their token is good), so
 * this is a mistake in a form field, not a failed authentication: answered 400 naming `currentPassword`.
 */
export class WrongCurrentPasswordError extends Error {
  readonly code = 'AUTH.WRONG_CURRENT_PASSWORD';
  constructor() {
    super('this is not your current password');
    this.name = 'WrongCurrentPasswordError';
  }
}

export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  roles: Role[];
  officeCode: string;
  unitCode?: string;
}

const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES = 5;

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function actorOf(principal: Principal, role: Role): Actor {
  return { kind: 'user', userId: principal.userId, role, officeCode: principal.officeCode };
}

/**
 * Passwords are hashed with Argon2id; bearer tokens are 256-bit random strings of which only the SHA-256
 * is stored. A password change revokes every token of the user. Failed logins are counted per username
 * and per client; past five in fifteen minutes the login is refused before the password is checked.
 */
export class AuthService {
  private readonly failures = new Map<string, number[]>();
  // Verifying against a real hash for unknown users keeps the timing of both answers alike.
  private readonly dummyHash = argon2Hash(randomBytes(16).toString('hex'));

  constructor(
    private readonly users: UserDirectory,
    private readonly tokenTtlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createUser(input: NewUser): Promise<UserRecord> {
    const at = this.now().toISOString();
    const user: UserRecord = {
      userId: randomUUID(),
      username: input.username,
      displayName: input.displayName,
      roles: input.roles.filter((r) => ROLES.includes(r)),
      officeCode: input.officeCode,
      ...(input.unitCode ? { unitCode: input.unitCode } : {}),
      passwordHash: await argon2Hash(input.password),
      passwordChangedAt: at,
      createdAt: at,
      clearances: [],
    };
    await this.users.create(user);
    return user;
  }

  async login(username: string, password: string, client: string): Promise<{ token: string; expiresAt: string; user: UserRecord }> {
    const keys = [`u:${username.toLowerCase()}`, `c:${client}`];
    const now = this.now().getTime();
    for (const key of keys) {
      const recent = (this.failures.get(key) ?? []).filter((t) => now - t < FAILURE_WINDOW_MS);
      this.failures.set(key, recent);
      if (recent.length >= MAX_FAILURES) throw new TooManyLoginAttemptsError(Math.ceil((recent[0]! + FAILURE_WINDOW_MS - now) / 1000));
    }
    const user = await this.users.byUsername(username);
    const ok = user ? await argon2Verify(user.passwordHash, password) : (await argon2Verify(await this.dummyHash, password), false);
    if (!user || !ok) {
      for (const key of keys) this.failures.get(key)!.push(now);
      throw new InvalidCredentialsError();
    }
    if (user.disabledAt) throw new AccountDisabledError();
    for (const key of keys) this.failures.delete(key);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + this.tokenTtlSeconds * 1000).toISOString();
    await this.users.saveToken(tokenDigest(token), user.userId, expiresAt);
    return { token, expiresAt, user };
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    const userId = await this.users.tokenUser(tokenDigest(token), this.now().toISOString());
    if (!userId) return undefined;
    const user = await this.users.byId(userId);
    if (!user || user.disabledAt) return undefined;
    return { userId: user.userId, username: user.username, roles: user.roles, officeCode: user.officeCode, ...(user.unitCode ? { unitCode: user.unitCode } : {}), clearances: user.clearances ?? [] };
  }

  async logout(token: string): Promise<void> {
    await this.users.revokeToken(tokenDigest(token));
  }

  /**
   * Wrong current passwords are counted per user like failed logins (a stolen token must not become a
   * password oracle): past five in fifteen minutes the change is refused before the password is checked.
   * The count is its own, so a user who mistypes here is not locked out of logging in.
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.byId(userId);
    if (!user) throw new InvalidCredentialsError();
    const key = `p:${userId}`;
    const now = this.now().getTime();
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < FAILURE_WINDOW_MS);
    this.failures.set(key, recent);
    if (recent.length >= MAX_FAILURES) throw new TooManyLoginAttemptsError(Math.ceil((recent[0]! + FAILURE_WINDOW_MS - now) / 1000), 'too many wrong current passwords; try again later');
    if (!(await argon2Verify(user.passwordHash, currentPassword))) {
      recent.push(now);
      throw new WrongCurrentPasswordError();
    }
    this.failures.delete(key);
    const hash = await argon2Hash(newPassword);
    // Revoked before and after: a crash between the two writes never leaves the old tokens working beside the
    // new password, and a token issued meanwhile (a login with the old password) goes too.
    await this.users.revokeTokensOf(userId);
    await this.users.setPassword(userId, hash, this.now().toISOString());
    await this.users.revokeTokensOf(userId);
  }

  /** Revokes every token of the user and refuses their logins until enabled again. */
  async disableUser(userId: string): Promise<void> {
    await this.users.revokeTokensOf(userId);
    await this.users.setDisabled(userId, this.now().toISOString());
    await this.users.revokeTokensOf(userId);
  }

  async enableUser(userId: string): Promise<void> {
    await this.users.setDisabled(userId, undefined);
  }

  /**
   * First start: create `admin` with the configured password, or a generated one that is returned so the
   * caller can print it once. Returns undefined when users already exist.
   */
  async ensureAdmin(configuredPassword: string | undefined, officeCode: string): Promise<{ generatedPassword?: string } | undefined> {
    if ((await this.users.count()) > 0) return undefined;
    const password = configuredPassword ?? randomBytes(18).toString('base64url');
    await this.createUser({ username: 'admin', password, displayName: 'Administrator', roles: ['admin'], officeCode });
    return configuredPassword ? {} : { generatedPassword: password };
  }
}
