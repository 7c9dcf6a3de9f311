import { Inject, Injectable, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthService, type Principal } from '#application';
import type { Role } from '#domain';
import { logSecurityEvent } from './logger.js';
import { ProblemError, problem } from './problem.js';

export interface AuthedRequest extends FastifyRequest {
  principal?: Principal;
  /** The role the principal acts in on this route: the first of its roles that the route allows. */
  actingRole?: Role;
  rawToken?: string;
}

const PUBLIC = 'casetrail:public';
const ROLES = 'casetrail:roles';

/** No token needed. With `optionalAuth`, a token that is sent is still checked (e.g. officers on /tips). */
export const Public = (options: { optionalAuth?: boolean } = {}) => SetMetadata(PUBLIC, { optionalAuth: options.optionalAuth ?? false });
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().principal);

export function routeRoles(reflector: Reflector, ctx: ExecutionContext): Role[] | undefined {
  return reflector.getAllAndOverride<Role[] | undefined>(ROLES, [ctx.getHandler(), ctx.getClass()]);
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header);
  if (!match) throw new ProblemError(problem(401, 'AUTH.MALFORMED_TOKEN', 'send Authorization: Bearer <token>'), { 'www-authenticate': 'Bearer' });
  return match[1];
}

/**
 * Every route is guarded: a token is required unless the route is @Public(); a route with @Roles()
 * admits only those roles (403 otherwise). Failed authorisations are logged as structured events.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const request = ctx.switchToHttp().getRequest<AuthedRequest>();
    const publicRoute = this.reflector.getAllAndOverride<{ optionalAuth: boolean } | undefined>(PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    if (publicRoute && !publicRoute.optionalAuth) return true;
    let token: string | undefined;
    try {
      token = bearer(request);
    } catch (error) {
      this.deny(request, 401, 'AUTH.MALFORMED_TOKEN');
      throw error;
    }
    if (!token) {
      if (publicRoute) return true;
      this.deny(request, 401, 'AUTH.TOKEN_REQUIRED');
      throw new ProblemError(problem(401, 'AUTH.TOKEN_REQUIRED', 'this route needs a bearer token'), { 'www-authenticate': 'Bearer' });
    }
    const principal = await this.auth.authenticate(token);
    if (!principal) {
      this.deny(request, 401, 'AUTH.INVALID_TOKEN');
      throw new ProblemError(problem(401, 'AUTH.INVALID_TOKEN', 'the token is unknown, expired or revoked'), { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    request.principal = principal;
    request.rawToken = token;
    const allowed = routeRoles(this.reflector, ctx);
    // A user with several roles may say which one they act in (e.g. a supervisor who is also the admin
    // granting a second deadline extension); by default the first of their roles the route allows.
    const requested = request.headers['x-casetrail-role'];
    if (typeof requested === 'string') {
      if (!principal.roles.includes(requested as Role) || (allowed && !allowed.includes(requested as Role))) {
        this.deny(request, 403, 'AUTH.ROLE_NOT_ALLOWED', principal);
        throw new ProblemError(problem(403, 'AUTH.ROLE_NOT_ALLOWED', `you cannot act as ${requested} here`, { allowedRoles: allowed ?? principal.roles }));
      }
      request.actingRole = requested as Role;
      return true;
    }
    if (!allowed) {
      request.actingRole = principal.roles[0];
      return true;
    }
    const acting = allowed.find((role) => principal.roles.includes(role));
    if (!acting) {
      this.deny(request, 403, 'AUTH.ROLE_NOT_ALLOWED', principal);
      throw new ProblemError(problem(403, 'AUTH.ROLE_NOT_ALLOWED', `this route is for: ${allowed.join(', ')}`, { allowedRoles: allowed }));
    }
    request.actingRole = acting;
    return true;
  }

  /** 401s are failed authentications (no, malformed or unknown token), 403s failed authorisations. */
  private deny(request: FastifyRequest, status: 401 | 403, code: string, principal?: Principal): void {
    logSecurityEvent(request, {
      event: status === 401 ? 'authn_failure' : 'authz_failure',
      outcome: 'failure',
      reason: code,
      status,
      ...(principal ? { userId: principal.userId, roles: principal.roles } : {}),
      ...(typeof request.headers['x-casetrail-role'] === 'string' ? { role: /^[a-z_]{1,40}$/.test(request.headers['x-casetrail-role']) ? request.headers['x-casetrail-role'] : '[invalid]' } : {}),
    });
  }
}
