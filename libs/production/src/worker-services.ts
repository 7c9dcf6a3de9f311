import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { EventStore } from '#application';
import type { AppConfig, ServiceConfig } from '#config';
import type { KafkaOptions } from '#kafka';
import { ServiceHealthModule, type ReadinessCheck } from './health.js';
import { kafkaAnswers } from './kafka-probe.js';
import { MetricsModule } from './metrics.js';
import { DATA_MONGO, ProductionStorageModule, mongoAnswers } from './production-storage.module.js';
import { ProjectorModule } from './projector.module.js';
import { RelayModule } from './relay.module.js';
import { createServiceApp } from './service-app.js';

function kafkaOptions(services: ServiceConfig): KafkaOptions {
  const kafka = services.kafka();
  return { brokers: kafka.brokers, topicPrefix: kafka.topicPrefix, partitions: kafka.partitions, replicationFactor: kafka.replicationFactor };
}

/** The relay: the event log → Kafka, one topic per stream category. */
export async function createRelay(config: AppConfig, services: ServiceConfig, logger: Logger): Promise<NestFastifyApplication> {
  const kafka = kafkaOptions(services);
  const app = await createServiceApp(logger, [
    MetricsModule.forRoot(),
    ProductionStorageModule.forRoot({ config, services, eventStore: true }),
    RelayModule.forRoot(kafka, logger),
    ServiceHealthModule.forRoot({
      useFactory: (events: EventStore): ReadinessCheck[] => [
        { name: 'eventStore', probe: async () => void (await events.streamVersion('health-check')) },
        { name: 'kafka', probe: () => kafkaAnswers(kafka) },
      ],
      inject: [EventStore],
    }),
  ]);
  await app.init();
  return app;
}

/** The projector: Kafka → every projection → MongoDB read models (rebuilding changed projections from the log first). */
export async function createProjector(config: AppConfig, services: ServiceConfig, logger: Logger): Promise<NestFastifyApplication> {
  const kafka = kafkaOptions(services);
  const app = await createServiceApp(logger, [
    MetricsModule.forRoot(),
    // The event store only to rebuild a projection whose version changed (the events themselves come from Kafka).
    ProductionStorageModule.forRoot({ config, services, readModels: true, eventStore: true }),
    ProjectorModule.forRoot(kafka, logger),
    ServiceHealthModule.forRoot({
      useFactory: (data: MongoClient): ReadinessCheck[] => [
        { name: 'mongodb', probe: () => mongoAnswers(data) },
        { name: 'kafka', probe: () => kafkaAnswers(kafka) },
      ],
      inject: [DATA_MONGO],
    }),
  ]);
  await app.init();
  return app;
}
