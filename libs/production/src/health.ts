import { Controller, Get, Inject, Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '#http';

/** One real dependency of a service, probed on each readiness request (it throws when the dependency does not answer). */
export interface ReadinessCheck {
  name: string;
  probe: () => Promise<Record<string, unknown> | void>;
}

export const READINESS_CHECKS = Symbol('readiness checks');

/** How long a dependency may take to answer a readiness probe before it counts as down. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * GET /health — liveness: the process runs its event loop (restart it when this fails).
 * GET /ready — readiness: every real dependency answers now (take the instance out of rotation while it
 * does not). Terminus answers 503 naming the dependency that failed.
 */
@ApiExcludeController()
@Controller()
export class ServiceHealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
  ) {}

  @Get('health')
  @Public()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.checks.map((check) => () => this.indicators.check(check.name).attempt(() => check.probe()).withTimeout(PROBE_TIMEOUT_MS)));
  }
}

@Module({})
export class ServiceHealthModule {
  /** `checks`: a factory provider of READINESS_CHECKS, injecting whatever the probes need. */
  static forRoot(checks: Omit<FactoryProvider<readonly ReadinessCheck[]>, 'provide'>): DynamicModule {
    return {
      module: ServiceHealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [ServiceHealthController],
      providers: [{ ...checks, provide: READINESS_CHECKS }],
    };
  }
}
