/** Credentials and tokens never reach a log or the journal. */
export const REDACTED_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'klarna-network-session-token',
  'klarna-customer-token',
  'klarna-payment-token',
  'klarna-interoperability-token',
];

const R = '[redacted]';

/** The headers as a log line or the journal shows them: credentials and tokens replaced by `[redacted]`. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  // A copy by spread, then each of REDACTED_HEADERS by name (test/unit/redacted-headers.test.ts holds the two
  // together): copying header by header cost a computed, megamorphic read and write per header on every log line.
  const s: Record<string, unknown> = { ...headers };
  if (s.authorization !== undefined) s.authorization = R;
  if (s['proxy-authorization'] !== undefined) s['proxy-authorization'] = R;
  if (s.cookie !== undefined) s.cookie = R;
  if (s['set-cookie'] !== undefined) s['set-cookie'] = R;
  if (s['x-api-key'] !== undefined) s['x-api-key'] = R;
  if (s['klarna-network-session-token'] !== undefined) s['klarna-network-session-token'] = R;
  if (s['klarna-customer-token'] !== undefined) s['klarna-customer-token'] = R;
  if (s['klarna-payment-token'] !== undefined) s['klarna-payment-token'] = R;
  if (s['klarna-interoperability-token'] !== undefined) s['klarna-interoperability-token'] = R;
  return s;
}
