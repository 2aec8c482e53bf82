/** Klarna names parameters in dot/bracket notation: `supplementary_purchase_data.line_items[0].quantity`. */
export function parameterPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? 'body' : out;
}
