import type { AuthorizeHeaders, AuthorizeRequest, TransactionResult } from '../contracts/index.js';

export interface Decision {
  result: TransactionResult;
  /** Which rule chose the result: shown in the request log, handy when a test gets an unexpected answer. */
  rule: string;
  resultReason?: string;
}

/**
 * The default decision of simulator-decisions §2, after the playground e-mail patterns Klarna documents for its
 * test environment (https://docs.klarna.com/klarna-network-distribution/resources/sample-data/sample-customer-data/).
 * `+require_signup` only steps up where a step-up can happen: not on a final authorization (the customer has been
 * through the journey) nor on a customer-not-present token charge (Klarna answers only APPROVED or DECLINED there).
 */
/**
 * Whether Klarna could answer STEP_UP_REQUIRED: not to a final authorization (the customer has been through the
 * journey), nor to a customer-not-present token charge (Klarna answers only APPROVED or DECLINED there). Scenarios
 * ask it too.
 */
export function stepUpPossible(headers: AuthorizeHeaders, body: AuthorizeRequest): boolean {
  const customerNotPresent = headers['klarna-customer-token'] !== undefined && body.step_up_config === undefined;
  return headers['klarna-network-session-token'] === undefined && !customerNotPresent;
}

export function decide(headers: AuthorizeHeaders, body: AuthorizeRequest): Decision {
  const sessionToken = headers['klarna-network-session-token'] !== undefined;
  const customerNotPresent = headers['klarna-customer-token'] !== undefined && body.step_up_config === undefined;
  const email = body.supplementary_purchase_data?.customer?.email ?? '';

  if (email.includes('+denied')) return { result: 'DECLINED', rule: 'email +denied' };
  if (email.includes('+require_signup') && stepUpPossible(headers, body)) {
    return { result: 'STEP_UP_REQUIRED', rule: 'email +require_signup' };
  }
  if (sessionToken) return { result: 'APPROVED', rule: 'session token: final authorization' };
  if (customerNotPresent) return { result: 'APPROVED', rule: 'customer token without step_up_config' };
  if (body.request_customer_token !== undefined) return { result: 'STEP_UP_REQUIRED', rule: 'request_customer_token' };
  if (body.step_up_config !== undefined) return { result: 'STEP_UP_REQUIRED', rule: 'step_up_config' };
  return { result: 'APPROVED', rule: 'default' };
}
