import { Body, Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PublicRateLimitGuard } from '../core/rate-limit.guard.js';
import { AuthService, UserDirectory, type UserRecord } from '#application';
import { AppConfig } from '#config';
import type { Role } from '#domain';
import { Public, Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems } from '../core/command-routes.js';
import { ChangePasswordRequest, CreateUserRequest, LoginRequest, LoginResponse, UserView } from '../dto/auth.dto.js';

export function userView(user: UserRecord): UserView {
  return { userId: user.userId, username: user.username, displayName: user.displayName, roles: user.roles, officeCode: user.officeCode, ...(user.unitCode ? { unitCode: user.unitCode } : {}) };
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
      request.log.info({ event: 'login_succeeded', userId: user.userId }, 'login');
      return { token, tokenType: 'Bearer', expiresAt, user: userView(user) };
    } catch (error) {
      request.log.warn({ event: 'login_failed', username: body.username, client: request.ip, reason: (error as { code?: string }).code }, 'login failed');
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
  }

  /** Revokes every token of the user, this one included. */
  @Post('change-password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your password (revokes all your tokens)', operationId: 'auth.changePassword' })
  @ApiBody({ type: ChangePasswordRequest })
  @ApiResponse({ status: 204, description: 'changed' })
  @ApiProblems(400, 401, 413, 415)
  async changePassword(@Body() body: ChangePasswordRequest, @Req() request: AuthedRequest): Promise<void> {
    await this.auth.changePassword(request.principal!.userId, body.currentPassword, body.newPassword);
    request.log.info({ event: 'password_changed', userId: request.principal!.userId }, 'password changed');
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
    request.log.info({ event: 'user_created', userId: user.userId, roles: user.roles, by: request.principal!.userId }, 'user created');
    return userView(user);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List staff accounts', operationId: 'users.list' })
  @ApiOkResponse({ type: [UserView] })
  @ApiProblems(401, 403)
  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(userView);
  }
}
