import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStore } from '../event-store/event-store.port.js';
import { KeyVault } from '../personal-data/key-vault.port.js';
import { PersonalDataSealer } from '../personal-data/sealer.js';
import { AggregateCommandHandler } from './aggregate-command-handler.js';
import { ExecuteAggregateCommandHandler } from './execute-aggregate-command.js';

/**
 * The write path on @nestjs/cqrs' CommandBus. EventStore and KeyVault come from whichever storage
 * module the app imports (embedded SQLite or the production adapters); this module never picks one.
 * Domain events are not put on the cqrs EventBus: projections follow the event store instead.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    { provide: PersonalDataSealer, useFactory: (vault: KeyVault) => new PersonalDataSealer(vault), inject: [KeyVault] },
    {
      provide: AggregateCommandHandler,
      useFactory: (store: EventStore, sealer: PersonalDataSealer) => new AggregateCommandHandler(store, sealer),
      inject: [EventStore, PersonalDataSealer],
    },
    ExecuteAggregateCommandHandler,
  ],
  exports: [CqrsModule, PersonalDataSealer, AggregateCommandHandler],
})
export class CommandHandlingModule {}
