/**
 * Domain errors carry a stable code (`AGGREGATE.RULE`) that the HTTP layer maps to a problem detail.
 * - InvalidCommandError: the command's data breaks a rule that does not depend on state (→ 400/422).
 * - ForbiddenTransitionError: the lifecycle does not allow the command in the current phase (→ 409).
 * - RuleViolationError: the state forbids it for another reason, e.g. approver = proposer (→ 409/403).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidCommandError extends DomainError {
  readonly code: string;
  constructor(code: string, message: string, readonly field?: string, details: Record<string, unknown> = {}) {
    super(message, { ...details, ...(field ? { field } : {}) });
    this.code = code;
  }
}

export class ForbiddenTransitionError extends DomainError {
  readonly code: string;
  constructor(
    aggregate: string,
    readonly command: string,
    readonly phase: string,
    readonly allowed: readonly string[],
  ) {
    super(`${command} is not allowed while the ${aggregate.toLowerCase()} is ${phase}`, { command, phase, allowed });
    this.code = `${aggregate.toUpperCase()}.FORBIDDEN_TRANSITION`;
  }
}

export class RuleViolationError extends DomainError {
  readonly code: string;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}

export class StreamNotFoundError extends DomainError {
  readonly code = 'STREAM.NOT_FOUND';
  constructor(readonly aggregate: string) {
    super(`${aggregate} does not exist`, { aggregate });
  }
}

export class StreamAlreadyExistsError extends DomainError {
  readonly code = 'STREAM.ALREADY_EXISTS';
  constructor(readonly aggregate: string) {
    super(`${aggregate} already exists`, { aggregate });
  }
}
