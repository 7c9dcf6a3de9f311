import type { Decider } from './decider.js';
import type { DomainError } from './errors.js';

type ErrorClass = abstract new (...args: never[]) => DomainError;

/**
 * given(events).when(command).then(events) / .thenThrows(ErrorClass, code?) — framework-free so that
 * specs read like the lifecycle rules. Uses jest's global `expect`.
 */
export function specFor<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(events: E[]) {
      const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: E[]) {
              expect(run()).toEqual(expected);
            },
            thenProduces(check: (events: E[]) => void) {
              check(run());
            },
            thenThrows(errorClass: ErrorClass, code?: string) {
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              expect(caught).toBeInstanceOf(errorClass);
              if (code) expect((caught as DomainError).code).toBe(code);
            },
          };
        },
        thenState(check: (state: S) => void) {
          check(state);
        },
      };
    },
  };
}
