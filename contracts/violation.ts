/** One way a provider's answer broke the contract: where, what the contract wants, what came back. */
export interface Violation {
  /** JSON path in the body (`payment_transaction_response.payment_transaction.amount`), or `status`, `headers.X`. */
  path: string;
  expected: string;
  /** The value that came back, JSON-encoded and truncated; `(missing)` when there was none. */
  received: string;
}

const RECEIVED_MAX = 80;

/** A received value as the report shows it: JSON, cut to a readable length, safe to print on a terminal. */
export function encodeReceived(value: unknown): string {
  if (value === undefined) return '(missing)';
  const json = JSON.stringify(value) ?? String(value);
  return truncate(printable(json), RECEIVED_MAX);
}

/** Control characters as \u escapes: the provider's bytes go to a terminal, where some would act as commands. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is being escaped
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function truncate(text: string, max = RECEIVED_MAX): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The value at `path` inside a parsed JSON body, or undefined when the path leads nowhere. */
export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function violation(path: string, expected: string, received: unknown): Violation {
  return { path, expected, received: encodeReceived(received) };
}
