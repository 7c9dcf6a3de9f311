/**
 * HTTP names of domain commands (`ClassifyCase` → `classify`). Collections register theirs; a command
 * without one is shown in kebab case.
 */
const names = new Map<string, string>();

export function registerRouteName(command: string, route: string): void {
  names.set(command, route);
}

export function routeNameOf(command: string): string {
  return names.get(command) ?? command.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
