import { dotPath } from '../../contracts/index.js';

/** Klarna names parameters in dot/bracket notation (dotPath); the empty path is the body itself. */
export const parameterPath = (path: readonly PropertyKey[]): string => dotPath(path, 'body');

/** A zod error as Klarna's validation_errors: one entry per issue, named by its path. */
export function violationsOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }) {
  return error.issues.map((issue) => ({ parameter: parameterPath(issue.path), reason: issue.message }));
}
