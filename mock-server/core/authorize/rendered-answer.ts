import { responseCheck } from '../../../contracts/generated/authorize-checks.js';
import { type AuthorizeRequest, AuthorizeResponse, type CustomerToken } from '../../../contracts/index.js';
import { type Awaitable, andThen } from '../awaitable.js';
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
  /** A customer token the answer issues (a scenario approving a tokenization outright): recorded with the answer. */
  newCustomerToken: CustomerToken | undefined;
}

/**
 * The answer to a decision: a step-up makes its payment request, an approval carries its customer token (issuing a
 * new one when a scenario approves a tokenization outright, recorded with the answer), and the body is checked
 * against the contract.
 */
export function renderedAnswer(
  request: CheckedRequest,
  decision: Decision,
  origin: () => string,
  deps: Pick<AuthorizeDeps, 'config' | 'paymentRequests' | 'uuid'>,
): Awaitable<RenderedAnswer> {
  const { account, body, now } = request;
  const { config } = deps;
  const paymentRequest =
    decision.result === 'STEP_UP_REQUIRED'
      ? deps.paymentRequests.create(account, body, config.publicUrl ?? origin())
      : undefined;
  return andThen(paymentRequest, (made) => {
    const customerToken = customerTokenOf(decision, body, request.issued, deps);
    const response = renderAuthorize(decision, body, {
      now,
      uuid: deps.uuid,
      region: config.region,
      transactionTtlMs: config.transactionTtlMs,
      paymentRequest: made,
      customerToken: customerToken.token,
    });
    return {
      response,
      serialized: serializeChecked(AuthorizeResponse, response, responseCheck),
      newCustomerToken: customerToken.isNew ? customerToken.token : undefined,
    };
  });
}

/**
 * The customer token an approval carries: the one the customer consented to in the step-up (on the issued session
 * token), or, when a scenario approves a tokenization outright, a new one (`isNew`: to remember, so that it can be
 * charged).
 */
function customerTokenOf(
  decision: Decision,
  body: AuthorizeRequest,
  issued: IssuedToken | undefined,
  deps: Pick<AuthorizeDeps, 'config' | 'uuid'>,
): { token: CustomerToken | undefined; isNew: boolean } {
  if (decision.result !== 'APPROVED') return { token: undefined, isNew: false };
  if (issued?.customerToken !== undefined) return { token: issued.customerToken, isNew: false };
  const rct = body.request_customer_token;
  if (rct === undefined) return { token: undefined, isNew: false };
  const token = newCustomerToken(rct.scopes, rct.customer_token_reference, {
    region: deps.config.region,
    uuid: deps.uuid,
  });
  return { token, isNew: true };
}
