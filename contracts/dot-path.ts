/** A key written after a dot; any other key is quoted in brackets, so that a path reads back unambiguously. */
const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/**
 * The one way a path into a JSON value is written, in Klarna's dot/bracket notation:
 * `['supplementary_purchase_data', 'line_items', 0, 'quantity']` → `supplementary_purchase_data.line_items[0].quantity`,
 * a key that is not an identifier as `["odd key"]`, the empty path as `root`. zod's own `z.core.toDotPath` brackets
 * keys with a hyphen, which would turn header names (`klarna-idempotency-key`) into `["klarna-idempotency-key"]`.
 */
export function dotPath(path: readonly PropertyKey[], root = '(root)'): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text === '' ? root : text;
}
