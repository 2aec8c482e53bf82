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
  const filled = template.replace(/\{(klarna\.payment_request\.[a-z_]+)\}/g, (whole, name: string) =>
    name in values ? encodeURIComponent(values[name] ?? '') : whole,
  );
  return headerSafe(filled);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The URL goes out as a Location header, which carries visible ASCII only: any other character (non-ASCII, a
 * control character, a space; a lone surrogate becomes U+FFFD first) is percent-encoded as UTF-8, as a browser
 * would. What is already percent-encoded stays as it is.
 */
function headerSafe(url: string): string {
  return url.replace(LONE_SURROGATE, '\ufffd').replace(/[^\x21-\x7e]+/g, (run) => encodeURIComponent(run));
}
