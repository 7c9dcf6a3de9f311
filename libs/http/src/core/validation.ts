import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ProblemError, problem, type FieldError } from './problem.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknownField' : rule,
      message: rule === 'whitelistValidation' ? `${field} is not a known field` : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Every request body is a JSON object (or absent, for a command without data). An array or a bare value
 * would otherwise be validated as an object whose fields are its indices.
 */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      const message = 'the body must be a JSON object';
      throw new ProblemError(problem(400, 'REQUEST.INVALID', message, { errors: [{ field: 'body', rule: 'isObject', message }] }));
    }
    return super.transform(value, metadata);
  }
}

/** whitelist + forbidNonWhitelisted + transform; every failing field becomes one entry of a 400 problem. */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ProblemError(problem(400, 'REQUEST.INVALID', 'the request has invalid fields', { errors: flatten(errors) })),
  });
}
