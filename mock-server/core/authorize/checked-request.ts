import type { AuthorizeHeaders, AuthorizeRequest } from '../../../contracts/index.js';
import { type Awaitable, andThen } from '../awaitable.js';
import { fingerprint, type IssuedToken, type TokenHashes, tokenHashes } from '../idempotency.js';
import type { IssuedTokens } from '../store/answer-store.js';
import type { AuthorizeDeps, AuthorizeInput } from './authorize-deps.js';
import { canonicalAuthorizeParts } from './canonical-body.js';
import type { TokenFacts } from './decide.js';
import type { PlanFacts } from './plan.js';
import { validateAuthorize } from './validate-authorize.js';

/** A request that passed the checks, with what the later stages read of it. */
export interface CheckedRequest extends PlanFacts {
  account: string;
  headers: AuthorizeHeaders;
  body: AuthorizeRequest;
  /** The session token sent, under either of its names. */
  token: string | undefined;
  /** The simulator's record of that session token, when it issued it. */
  issued: IssuedToken | undefined;
  tokens: TokenFacts;
  sentTokens: TokenHashes | undefined;
  /** The account's clock when the request was checked. */
  now: number;
  rawBodyHash: string | undefined;
  /** JSON.stringify(body.supplementary_purchase_data), when the fingerprint's canonical body wrote it already. */
  purchaseDataText: string | undefined;
}

/** A request whose body and headers passed validation, before the store is asked about its tokens. */
export interface ValidRequest {
  input: AuthorizeInput;
  rawBody: unknown;
  headers: AuthorizeHeaders;
  body: AuthorizeRequest;
  warnings: string[];
  /** `body` is the closed compiled check's copy of `rawBody`. */
  checked: boolean;
}

/** Parses and validates the body and headers, throwing the catalogue's errors. */
export function validRequest(input: AuthorizeInput, config: AuthorizeDeps['config']): ValidRequest {
  const rawBody = input.parseBody(input.bodyText);
  const valid = validateAuthorize({ partner_account_id: input.account }, input.headers, rawBody, config);
  if (!valid.ok) throw valid.error;
  return { input, rawBody, headers: valid.headers, body: valid.body, warnings: valid.warnings, checked: valid.checked };
}

/** The tokens a valid request sent that the simulator may have issued (what `AnswerStore.issuedTokens` is asked). */
export function sentTokens(valid: ValidRequest): { session: string | undefined; customer: string | undefined } {
  return { session: sessionTokenOf(valid.headers), customer: valid.headers['klarna-customer-token'] };
}

/**
 * What the tokens make of a valid request, given what the store knows of them (`issuedTokens`); the fingerprint only
 * when a key or token could replay it (otherwise the journal works it out when read).
 */
export function checkedRequest(
  valid: ValidRequest,
  issuedTokens: IssuedTokens,
  deps: Pick<AuthorizeDeps, 'config' | 'clock' | 'paymentRequests'>,
): Awaitable<CheckedRequest> {
  const { input, headers, body, warnings, rawBody, checked } = valid;
  const key = headers['klarna-idempotency-key'];
  const token = sessionTokenOf(headers);
  const issued = token === undefined ? undefined : issuedTokens.session;
  const sentTokens = tokenHashes(headers);
  // An unknown token's amount is its payment request's, read from the store (shared or not) only then.
  const stepUpAmount =
    token === undefined || issued?.amount !== undefined
      ? issued?.amount
      : andThen(deps.paymentRequests.get(input.account, body.payment_request_id), (request) => request?.amount);
  const canonical =
    key === undefined && token === undefined ? undefined : canonicalAuthorizeParts(rawBody, checked ? body : undefined);
  return andThen(stepUpAmount, (amount) => ({
    account: input.account,
    headers,
    body,
    warnings,
    key,
    token,
    issued,
    tokens: tokenFacts(headers, body, issued, issuedTokens.customerScopes, deps.config),
    sentTokens,
    now: deps.clock.now(input.account),
    rawBodyHash: input.rawBodyHash,
    fingerprint:
      canonical === undefined
        ? undefined
        : fingerprint({
            method: 'POST',
            account: input.account,
            body: rawBody,
            canonicalBody: canonical.text,
            tokens: sentTokens,
          }),
    purchaseDataText: canonical?.purchaseDataText,
    stepUpAmount: amount,
  }));
}

/** The session token sent, under either of its names (Klarna-Payment-Token is an alias; validation refused two). */
function sessionTokenOf(headers: AuthorizeHeaders): string | undefined {
  return headers['klarna-network-session-token'] ?? headers['klarna-payment-token'];
}

/**
 * What the tokens make of the request (docs/simulator-choices.md#session-tokens): a final authorization only with a
 * session token the simulator issued (or any, under `unknownSessionTokens: "final"`); whether a customer token's
 * holder is present, from the scopes the simulator issued it with, else from whether step_up_config came along.
 */
function tokenFacts(
  headers: AuthorizeHeaders,
  body: AuthorizeRequest,
  issued: IssuedToken | undefined,
  scopes: IssuedTokens['customerScopes'],
  config: AuthorizeDeps['config'],
): TokenFacts {
  const session = sessionTokenOf(headers);
  const customer = headers['klarna-customer-token'];
  const present =
    scopes === undefined ? body.step_up_config !== undefined : !scopes.includes('payment:customer_not_present');
  const final = session !== undefined && (issued !== undefined || config.unknownSessionTokens === 'final');
  return {
    final,
    contextSessionToken: session !== undefined && !final,
    customerToken: customer === undefined ? undefined : present ? 'present' : 'not_present',
    interoperability: headers['klarna-interoperability-token'] !== undefined,
  };
}
