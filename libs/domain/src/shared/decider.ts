/**
 * An aggregate is three plain functions. `decide` may throw a DomainError; it never reads a clock,
 * a random source or any I/O: time, actor and new ids arrive inside the command.
 *
 * Invariant: `evolve` never reads personal-data fields (see personal-data.ts). The event store keeps
 * those fields sealed, and a fold must succeed even after a subject's key has been shredded.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export type ActorKind = 'user' | 'reporter' | 'system';

export type Role =
  | 'intake_officer'
  | 'investigator'
  | 'supervisor'
  | 'custodian'
  | 'auditor'
  | 'analyst'
  | 'admin'
  | 'clinic_staff';

export interface Actor {
  kind: ActorKind;
  userId?: string;
  role?: Role;
  officeCode?: string;
}

/** What every command carries besides its own data. `at` is an ISO-8601 UTC instant. */
export interface CommandMeta {
  at: string;
  actor: Actor;
}

export interface Message<Type extends string, Data> {
  type: Type;
  data: Data;
}

export type CommandOf<Type extends string, Data> = Message<Type, Data> & { meta: CommandMeta };

export function fold<Event, State>(decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>, events: Iterable<Event>): State {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
