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
