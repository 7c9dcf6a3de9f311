import { Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AggregateDefinition, CommandMeta } from '#domain';
import { AggregateCommandHandler, type CommandOptions, type CommandResult } from './aggregate-command-handler.js';

type AnyDefinition = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;

/** Dispatched on @nestjs/cqrs' CommandBus; handled by the generic load → decide → seal → append path. */
export class ExecuteAggregateCommand extends Command<CommandResult> {
  constructor(
    readonly aggregate: AnyDefinition,
    readonly streamId: string,
    readonly command: { type: string; meta: CommandMeta },
    readonly options: CommandOptions = {},
  ) {
    super();
  }
}

@Injectable()
@CommandHandler(ExecuteAggregateCommand)
export class ExecuteAggregateCommandHandler implements ICommandHandler<ExecuteAggregateCommand, CommandResult> {
  constructor(private readonly handler: AggregateCommandHandler) {}

  execute({ aggregate, streamId, command, options }: ExecuteAggregateCommand): Promise<CommandResult> {
    return this.handler.execute(aggregate, streamId, command, options);
  }
}
