import { type AuthorizeRequest, AuthorizeResponse, type CustomerToken } from '../../../contracts/index.js';
import { serializeChecked } from '../check-response.js';
import { newCustomerToken } from '../customer-token.js';
import type { IssuedToken } from '../idempotency.js';
import type { AuthorizeDeps } from './authorize-deps.js';
import type { CheckedRequest } from './checked-request.js';
import type { Decision } from './decide.js';
import { renderAuthorize } from './render-authorize.js';

export interface RenderedAnswer {
  response: AuthorizeResponse;
  /** The body as sent and stored, checked against the contract. */
  serialized: string;
}

/**
 * The answer to a decision: a step-up makes its payment request, an approval carries its customer token (issuing a
 * new one when a scenario approves a tokenization outright), and the body is checked against the contract.
 */
export function renderedAnswer(
  request: CheckedRequest,
  decision: Decision,
  origin: () => string,
  deps: Pick<AuthorizeDeps, 'config' | 'store' | 'paymentRequests' | 'uuid'>,
): RenderedAnswer {
  const { account, body, now } = request;
  const { config } = deps;
  const paymentRequest =
    decision.result === 'STEP_UP_REQUIRED'
      ? deps.paymentRequests.create(account, body, config.publicUrl ?? origin())
      : undefined;
  const response = renderAuthorize(decision, body, {
    now,
    uuid: deps.uuid,
    region: config.region,
    transactionTtlMs: config.transactionTtlMs,
    paymentRequest,
    customerToken: customerTokenOf(account, decision, body, request.issued, deps),
  });
  return { response, serialized: serializeChecked(AuthorizeResponse, response) };
}

/**
 * The customer token an approval carries: the one the customer consented to in the step-up (on the issued session
 * token), or, when a scenario approves a tokenization outright, a new one, remembered so that it can be charged.
 */
function customerTokenOf(
  account: string,
  decision: Decision,
  body: AuthorizeRequest,
  issued: IssuedToken | undefined,
  deps: Pick<AuthorizeDeps, 'config' | 'store' | 'uuid'>,
): CustomerToken | undefined {
  if (decision.result !== 'APPROVED') return undefined;
  if (issued?.customerToken !== undefined) return issued.customerToken;
  const rct = body.request_customer_token;
  if (rct === undefined) return undefined;
  const token = newCustomerToken(rct.scopes, rct.customer_token_reference, {
    region: deps.config.region,
    uuid: deps.uuid,
  });
  deps.store.issueCustomerToken(account, token);
  return token;
}
