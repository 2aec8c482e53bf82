/** Klarna names parameters in dot/bracket notation: `supplementary_purchase_data.line_items[0].quantity`. */
export function parameterPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? 'body' : out;
}

/** A zod error as Klarna's validation_errors: one entry per issue, named by its path. */
export function violationsOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }) {
  return error.issues.map((issue) => ({ parameter: parameterPath(issue.path), reason: issue.message }));
}
