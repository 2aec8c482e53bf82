import type { PaymentRequestRecord } from './payment-request-record.js';

/**
 * Fills the return_url placeholders. Klarna mentions "dynamic placeholders" without listing them; these names
 * follow public integrations (docs/simulator-choices.md#hosted-page). Values are URL-encoded.
 */
export function fillReturnUrl(template: string, record: PaymentRequestRecord): string {
  const values: Record<string, string> = {
    'klarna.payment_request.id': record.paymentRequestId,
    'klarna.payment_request.state': record.state,
    'klarna.payment_request.payment_request_reference': record.reference ?? '',
    'klarna.payment_request.klarna_network_session_token': record.sessionToken ?? '',
    'klarna.payment_request.payment_token': record.sessionToken ?? '',
  };
  return template.replace(/\{(klarna\.payment_request\.[a-z_]+)\}/g, (whole, name: string) =>
    name in values ? encodeURIComponent(values[name] ?? '') : whole,
  );
}
