import { createHmac, randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PublicRateLimitGuard } from '../core/rate-limit.guard.js';
import { AuthService, TooManyLoginAttemptsError, UserDirectory, WrongCurrentPasswordError, type UserRecord } from '#application';
import { AppConfig } from '#config';
import type { Role } from '#domain';
import { Public, Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { logSecurityEvent } from '../core/logger.js';
import { ProblemError, problem } from '../core/problem.js';
import { ChangePasswordRequest, CreateUserRequest, DIRECTORY_ROLES, LoginRequest, LoginResponse, StaffDirectoryEntry, StaffDirectoryQuery, UserView } from '../dto/auth.dto.js';

export function userView(user: UserRecord): UserView {
  return {
    userId: user.userId,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    officeCode: user.officeCode,
    ...(user.unitCode ? { unitCode: user.unitCode } : {}),
    ...(user.disabledAt ? { disabledAt: user.disabledAt } : {}),
    clearances: [...(user.clearances ?? [])].sort(),
  };
}

/** What other staff see of a colleague (GET /users/directory). */
export function directoryEntry(user: UserRecord): StaffDirectoryEntry {
  return { userId: user.userId, displayName: user.displayName, roles: user.roles, ...(user.unitCode ? { unitCode: user.unitCode } : {}) };
}

/** Keys the digests of unknown usernames: they correlate within this process's lifetime and cannot be guessed offline. */
const USERNAME_DIGEST_KEY = randomBytes(32);

/**
 * What a failed login logs about who tried: the account's id when the username exists, else a keyed digest
 * of the username as typed (so repeated attempts correlate) — never the text, which may be a password typed
 * into the wrong field.
 */
async function loginSubject(users: UserDirectory, username: string): Promise<{ userId?: string; details: Record<string, unknown> }> {
  const user = typeof username === 'string' ? await users.byUsername(username) : undefined;
  if (user) return { userId: user.userId, details: { authMethod: 'password' } };
  return { details: { authMethod: 'password', unknownUsernameDigest: createHmac('sha256', USERNAME_DIGEST_KEY).update(String(username).toLowerCase()).digest('hex').slice(0, 16) } };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(UserDirectory) private readonly users: UserDirectory,
  ) {}

  /** Failed logins are rate limited (per username and per client) and logged without the password. */
  @Post('login')
  @Public()
  @UseGuards(PublicRateLimitGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in and get a bearer token', operationId: 'auth.login' })
  @ApiBody({ type: LoginRequest })
  @ApiOkResponse({ type: LoginResponse })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 413, 415, 429)
  async login(@Body() body: LoginRequest, @Req() request: AuthedRequest): Promise<LoginResponse> {
    try {
      const { token, expiresAt, user } = await this.auth.login(body.username, body.password, request.ip);
      logSecurityEvent(request, { event: 'authn_success', outcome: 'success', userId: user.userId, roles: user.roles, details: { authMethod: 'password' } });
      return { token, tokenType: 'Bearer', expiresAt, user: userView(user) };
    } catch (error) {
      const code = (error as { reason?: string; code?: string }).reason ?? (error as { code?: string }).code ?? 'INTERNAL';
      const { userId, details } = await loginSubject(this.users, body.username);
      logSecurityEvent(request, { event: code === 'AUTH.TOO_MANY_ATTEMPTS' ? 'rate_limited' : 'authn_failure', outcome: 'failure', reason: code, ...(userId ? { userId } : {}), details });
      throw error;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke the token used for this request', operationId: 'auth.logout' })
  @ApiResponse({ status: 204, description: 'revoked' })
  @ApiProblems(401)
  async logout(@Req() request: AuthedRequest): Promise<void> {
    await this.auth.logout(request.rawToken!);
    logSecurityEvent(request, { event: 'token_revoked', outcome: 'success', userId: request.principal!.userId, reason: 'logout' });
  }

  /**
   * Revokes every token of the user, this one included. A wrong current password is a 400 naming
   * `currentPassword` (the token is good: a 401 would end the caller's session); wrong current passwords
   * are logged and, past five in fifteen minutes, refused with 429 before the password is checked.
   */
  @Post('change-password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change your password (revokes all your tokens)',
    description: 'A wrong current password answers 400 with a field error on currentPassword (code AUTH.WRONG_CURRENT_PASSWORD); after five wrong ones within fifteen minutes, 429 until the window passes.',
    operationId: 'auth.changePassword',
  })
  @ApiBody({ type: ChangePasswordRequest })
  @ApiResponse({ status: 204, description: 'changed' })
  @ApiProblems(400, 401, 413, 415, 429)
  async changePassword(@Body() body: ChangePasswordRequest, @Req() request: AuthedRequest): Promise<void> {
    const userId = request.principal!.userId;
    try {
      await this.auth.changePassword(userId, body.currentPassword, body.newPassword);
    } catch (error) {
      if (error instanceof WrongCurrentPasswordError || error instanceof TooManyLoginAttemptsError) {
        const limited = error instanceof TooManyLoginAttemptsError;
        logSecurityEvent(request, { event: limited ? 'rate_limited' : 'authn_failure', outcome: 'failure', reason: error.code, status: limited ? 429 : 400, userId, details: { authMethod: 'password', purpose: 'change_password' } });
      }
      throw error;
    }
    logSecurityEvent(request, { event: 'password_changed', outcome: 'success', userId: request.principal!.userId });
    logSecurityEvent(request, { event: 'tokens_revoked', outcome: 'success', userId: request.principal!.userId, targetUserId: request.principal!.userId, reason: 'password_changed' });
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the token belongs to', operationId: 'auth.me' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(401)
  async me(@Req() request: AuthedRequest): Promise<UserView> {
    return userView((await this.users.byId(request.principal!.userId))!);
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(UserDirectory) private readonly users: UserDirectory,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a staff account', operationId: 'users.create' })
  @ApiBody({ type: CreateUserRequest })
  @ApiResponse({ status: 201, type: UserView })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 409, 413, 415)
  async create(@Body() body: CreateUserRequest, @Req() request: AuthedRequest): Promise<UserView> {
    const user = await this.auth.createUser({ ...body, roles: body.roles as Role[], officeCode: body.officeCode ?? this.config.officeCode });
    logSecurityEvent(request, { event: 'user_created', outcome: 'success', userId: request.principal!.userId, role: request.actingRole, targetUserId: user.userId, details: { targetRoles: user.roles } });
    return userView(user);
  }

  /**
   * Colleagues for pickers and labels (assign an investigator, show who did what): the enabled accounts of
   * the caller's office, by display name. No usernames (login names), tokens, clearances or disabled accounts.
   */
  @Get('directory')
  @Roles(...DIRECTORY_ROLES)
  @ApiOperation({
    summary: 'Staff directory of your office (id, display name, roles, unit)',
    description: `The enabled staff accounts of the caller's office, sorted by display name; \`role\` keeps those holding that role. Roles: ${DIRECTORY_ROLES.join(', ')}.`,
    operationId: 'users.directory',
  })
  @ApiOkResponse({ type: [StaffDirectoryEntry] })
  @ApiProblems(400, 401, 403)
  async directory(@Query() q: StaffDirectoryQuery, @Req() request: AuthedRequest): Promise<StaffDirectoryEntry[]> {
    const officeCode = request.principal!.officeCode;
    return (await this.users.list())
      .filter((user) => user.officeCode === officeCode && !user.disabledAt && (q.role === undefined || user.roles.includes(q.role as Role)))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'th') || a.userId.localeCompare(b.userId))
      .map(directoryEntry);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List staff accounts', operationId: 'users.list' })
  @ApiOkResponse({ type: [UserView] })
  @ApiProblems(401, 403)
  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(userView);
  }

  /** Logs every device of the user out (a lost laptop, a suspected leak); their next request needs a new login. */
  @Post(':id/revoke-tokens')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke every token of a user', operationId: 'users.revokeTokens' })
  @ApiResponse({ status: 204, description: 'revoked' })
  @ApiProblems(400, 401, 403, 404)
  async revokeTokens(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<void> {
    await this.existing(id);
    await this.users.revokeTokensOf(id);
    logSecurityEvent(request, { event: 'tokens_revoked', outcome: 'success', userId: request.principal!.userId, role: request.actingRole, targetUserId: id, reason: 'admin' });
  }

  /** Revokes every token of the user and refuses their logins (answered like a wrong password) until enabled. */
  @Post(':id/disable')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disable a staff account (revokes its tokens, refuses its logins)', operationId: 'users.disable' })
  @ApiResponse({ status: 204, description: 'disabled' })
  @ApiProblems(400, 401, 403, 404, 409)
  async disable(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<void> {
    await this.existing(id);
    if (id === request.principal!.userId) throw new ProblemError(problem(409, 'USER.CANNOT_DISABLE_SELF', 'an administrator cannot disable their own account'));
    await this.auth.disableUser(id);
    logSecurityEvent(request, { event: 'user_disabled', outcome: 'success', userId: request.principal!.userId, role: request.actingRole, targetUserId: id });
  }

  @Post(':id/enable')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Enable a disabled staff account again', operationId: 'users.enable' })
  @ApiResponse({ status: 204, description: 'enabled' })
  @ApiProblems(400, 401, 403, 404)
  async enable(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<void> {
    await this.existing(id);
    await this.auth.enableUser(id);
    logSecurityEvent(request, { event: 'user_enabled', outcome: 'success', userId: request.principal!.userId, role: request.actingRole, targetUserId: id });
  }

  private async existing(userId: string): Promise<UserRecord> {
    const user = await this.users.byId(userId);
    if (!user) throw new ProblemError(problem(404, 'USER.NOT_FOUND', 'no such user'));
    return user;
  }
}
