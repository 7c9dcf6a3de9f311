import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccessLog, AggregateCommandHandler, AuthService, CommandHandlingModule, EventStore, ReceiptIndex, ReceiptService, ReceiptThrottle, ReferenceNumberAllocator, ReporterAccessService, ReporterSessionStore, UserDirectory } from '#application';
import { AppConfig } from '#config';
import { AuthGuard } from './core/auth.js';
import { CommandDispatcher } from './core/command-dispatcher.js';
import { commandController, type CommandCollection } from './core/command-routes.js';
import { IdempotencyInterceptor } from './core/idempotency.interceptor.js';
import { PublicRateLimitGuard } from './core/rate-limit.guard.js';
import { ProblemDetailsFilter } from './core/problem-details.filter.js';
import { AnchorsController, LogVerifyController, StreamAuditController, auditProviders } from './routes/audit.controller.js';
import { CaseRetentionController, PrivacyController, erasureRetentionProviders } from './routes/privacy.controller.js';
import { AuthController, UsersController } from './routes/auth.controller.js';
import { CaseOpenController, CaseOpening } from './routes/case-open.controller.js';
import { CrossStreamController } from './routes/cross-stream.controller.js';
import { caseAggregateFor, caseAggregateProvider } from './routes/cases.collection.js';
import { HealthController } from './routes/health.controller.js';
import { ProjectionsController } from './routes/projections.controller.js';
import { StreamsController } from './routes/streams.controller.js';
import { TipIntake, TipIntakeController } from './routes/tip-intake.controller.js';
import { ReporterController, TipMessagesController } from './routes/reporter.controller.js';
import { NoIdempotencyReplay, ReporterGuard, ReporterWriteGuard } from './core/reporter-auth.js';
import { ReporterWriteLimiter } from '#application';
import { TrendsController } from './routes/trends.controller.js';
import { IdentityAccessRequestController, IdentityCustodyController, identityCustodyProviders } from './routes/identity-access.controller.js';
import { CaseContentController } from './routes/case-content.controller.js';
import { TipContentController } from './routes/tip-content.controller.js';
import { AccessLogController, UserClearancesController } from './routes/access-log.controller.js';
import { commandCollections } from './routes/collections.js';
import { QUERY_CONTROLLERS } from './routes/queries/index.js';
import { EvidenceController, TipAttachmentsController } from './routes/evidence.routes.js';
import { EvidenceFiles } from './routes/evidence-files.js';
import { ReporterAttachmentsController } from './routes/reporter-attachments.routes.js';

/**
 * The HTTP API: every route under /api/v1 (health and readiness at the root), each guarded, validated,
 * described in OpenAPI and answered with RFC 9457 problem details on error. Storage comes from whichever
 * storage module the app imports.
 */
@Module({})
export class HttpApiModule {
  /**
   * `standalone` (default): every route, health and projection administration included (the projections run
   * in the same process). `command-api`: every route but those two — the service's health comes from its
   * composition root and the projections run in the projector service. `query-api`: sign-in and the read
   * routes over the read models (lists, single rows, the audit log, trends) — no event store needed.
   */
  static forRoot(config: AppConfig, surface: ApiSurface = 'standalone'): DynamicModule {
    if (surface === 'query-api') return HttpApiModule.queries(config);
    const collections: CommandCollection[] = commandCollections(caseAggregateFor(config));
    const generated: Type<unknown>[] = collections.map(commandController);
    const own: Type<unknown>[] = surface === 'standalone' ? [HealthController, ProjectionsController] : [];
    return {
      module: HttpApiModule,
      imports: [CommandHandlingModule],
      controllers: [...own, AuthController, UsersController, TipIntakeController, ReporterController, TipMessagesController, CaseOpenController, CrossStreamController, StreamsController, StreamAuditController, LogVerifyController, AnchorsController, TrendsController, IdentityAccessRequestController, IdentityCustodyController, CaseContentController, TipContentController, AccessLogController, UserClearancesController, PrivacyController, CaseRetentionController, EvidenceController, TipAttachmentsController, ReporterAttachmentsController, ...QUERY_CONTROLLERS, ...generated],
      providers: [
        { provide: AppConfig, useValue: config },
        caseAggregateProvider,
        ...auditProviders,
        ...erasureRetentionProviders,
        CommandDispatcher,
        PublicRateLimitGuard,
        TipIntake,
        CaseOpening,
        EvidenceFiles,
        { provide: AuthService, useFactory: (users: UserDirectory) => new AuthService(users, config.tokenTtlSeconds), inject: [UserDirectory] },
        { provide: ReferenceNumberAllocator, useFactory: (store: EventStore) => new ReferenceNumberAllocator(store), inject: [EventStore] },
        { provide: ReceiptService, useFactory: () => new ReceiptService(config.receiptPepper) },
        { provide: AccessLog, useFactory: (store: EventStore) => new AccessLog(store), inject: [EventStore] },
        ...identityCustodyProviders,
        {
          provide: ReporterAccessService,
          useFactory: (store: EventStore, handler: AggregateCommandHandler, receipts: ReceiptService, index: ReceiptIndex, sessions: ReporterSessionStore) =>
            new ReporterAccessService(store, handler, receipts, index, sessions, new ReceiptThrottle(), { sessionMinutes: config.reporterSessionMinutes, inactivityDays: config.reporterInactivityDays }),
          inject: [EventStore, AggregateCommandHandler, ReceiptService, ReceiptIndex, ReporterSessionStore],
        },
        ReporterGuard,
        { provide: ReporterWriteLimiter, useFactory: () => new ReporterWriteLimiter({ perSessionPerMinute: config.reporterWritesPerMinute, perTipPerHour: config.reporterWritesPerHour }) },
        ReporterWriteGuard,
        NoIdempotencyReplay,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [AuthService],
    };
  }

  private static queries(config: AppConfig): DynamicModule {
    return {
      module: HttpApiModule,
      controllers: [AuthController, TrendsController, ...QUERY_CONTROLLERS],
      providers: [
        { provide: AppConfig, useValue: config },
        PublicRateLimitGuard,
        { provide: AuthService, useFactory: (users: UserDirectory) => new AuthService(users, config.tokenTtlSeconds), inject: [UserDirectory] },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [AuthService],
    };
  }
}

export type ApiSurface = 'standalone' | 'command-api' | 'query-api';
