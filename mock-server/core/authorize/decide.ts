import type { AuthorizeRequest, TransactionResult } from '../../../contracts/index.js';

export interface Decision {
  result: TransactionResult;
  /** Which rule chose the result: shown in the request log, handy when a test gets an unexpected answer. */
  rule: string;
  resultReason?: string;
}

/**
 * What the token headers make of a request (docs/simulator-choices.md#session-tokens): a session token is context,
 * and only one the simulator issued (or any, under `unknownSessionTokens: "final"`) makes a final authorization.
 */
export interface TokenFacts {
  /** A final authorization: the customer has been through the journey. */
  final: boolean;
  /**
   * A token charge: `present` or `not_present` customer. From the scopes of a token the simulator issued; for one it
   * never saw, a charge that forwards `step_up_config` is taken as customer-present.
   */
  customerToken: 'present' | 'not_present' | undefined;
  /** `Klarna-Interoperability-Token`: a charge with a token from another Klarna surface. */
  interoperability: boolean;
  /** A session token the simulator never issued came along: context, not a final authorization. */
  contextSessionToken: boolean;
}

export const NO_TOKENS: TokenFacts = {
  final: false,
  customerToken: undefined,
  interoperability: false,
  contextSessionToken: false,
};

/**
 * Whether Klarna could answer STEP_UP_REQUIRED: not to a final authorization (the customer has been through the
 * journey), nor to a customer-not-present token charge (Klarna answers only APPROVED or DECLINED there). Scenarios
 * ask it too.
 */
export function stepUpPossible(tokens: TokenFacts): boolean {
  return !tokens.final && tokens.customerToken !== 'not_present';
}

/**
 * The default decision (docs/simulator-choices.md#default-decision), after the playground e-mail patterns Klarna
 * documents for its test environment
 * (https://docs.klarna.com/klarna-network-distribution/resources/sample-data/sample-customer-data/). Token charges
 * approve whether or not `step_up_config` is forwarded: Klarna's request collection forwards it on its token charges
 * and expects APPROVED ("Authorize ondemand (Klarna-Customer-Token)").
 */
export function decide(body: AuthorizeRequest, tokens: TokenFacts): Decision {
  const email = body.supplementary_purchase_data?.customer?.email ?? '';

  if (email.includes('+denied')) return { result: 'DECLINED', rule: 'email +denied' };
  if (email.includes('+require_signup') && stepUpPossible(tokens)) {
    return { result: 'STEP_UP_REQUIRED', rule: 'email +require_signup' };
  }
  if (tokens.final) return { result: 'APPROVED', rule: 'session token: final authorization' };
  if (tokens.customerToken !== undefined) return { result: 'APPROVED', rule: 'customer token charge' };
  if (tokens.interoperability) return { result: 'APPROVED', rule: 'interoperability token charge' };
  // Said in the log, so that nobody wonders why their session token did not finalize.
  const context = tokens.contextSessionToken ? ' (the session token, never issued here, is context)' : '';
  if (body.request_customer_token !== undefined) {
    return { result: 'STEP_UP_REQUIRED', rule: `request_customer_token${context}` };
  }
  if (body.step_up_config !== undefined) return { result: 'STEP_UP_REQUIRED', rule: `step_up_config${context}` };
  return { result: 'APPROVED', rule: `default${context}` };
}
