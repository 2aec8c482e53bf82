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

const REDACTED = new Set(REDACTED_HEADERS);

/** The headers as a log line or the journal shows them: credentials and tokens replaced by `[redacted]`. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const name in headers) shown[name] = REDACTED.has(name) ? '[redacted]' : headers[name];
  return shown;
}
