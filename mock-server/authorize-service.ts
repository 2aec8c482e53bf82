import {
  AuthorizeHeaders,
  type AuthorizeRequest,
  AuthorizeResponse,
  type CustomerToken,
  type ScenarioFault,
} from '../contracts/index.js';
import type { AccountClock } from './account-clock.js';
import { authenticate } from './authenticate.js';
import { serializeChecked } from './check-response.js';
import type { MockConfig } from './config.js';
import { newCustomerToken } from './customer-token.js';
import { type Decision, decide, type TokenFacts } from './decide.js';
import { catalogue, type KlarnaHttpError } from './error-catalogue.js';
import {
  fingerprint,
  type IssuedToken,
  replayDecision,
  sessionTokenIssue,
  tokenHashes,
  tokensDigest,
} from './idempotency.js';
import { keepPurchaseData } from './payment-requests/kept-purchase-data.js';
import type { PaymentRequests } from './payment-requests/payment-requests.js';
import { renderAuthorize } from './render-authorize.js';
import { requestFacts } from './scenarios/match.js';
import type { ScenarioEngine, SelectedScenario } from './scenarios/scenario-engine.js';
import { scenarioError } from './scenarios/scenario-error.js';
import type { Store } from './store.js';
import { newTransactionRecord } from './transactions/transaction-record.js';
import type { Transactions } from './transactions/transactions.js';
import { validateAuthorize } from './validate-authorize.js';

export interface AuthorizeDeps {
  config: MockConfig;
  store: Store;
  scenarios: ScenarioEngine;
  paymentRequests: PaymentRequests;
  /** Where an approval's transaction goes (and is announced). */
  transactions: Transactions;
  clock: AccountClock;
  uuid: () => string;
}

export interface AuthorizeInput {
  account: string;
  headers: Record<string, unknown>;
  /** The body as sent. */
  bodyText: string;
  /** Parses the body (throwing catalogue errors); called only when no replay answers first. */
  parseBody: (text: string) => unknown;
  /** Origin the request was addressed to, for payment_request_url when no publicUrl is configured. */
  origin: () => string;
  /** Hash of the body exactly as sent: a retry with the same bytes and key replays without re-validation. */
  rawBodyHash?: string | undefined;
}

export type AuthorizeAction =
  | { kind: 'respond'; status: number; body: string; replayed: boolean }
  | { kind: 'error'; error: KlarnaHttpError }
  /** `response_lost` has been processed and recorded already; the others were not processed. */
  | { kind: 'fault'; fault: ScenarioFault };

/** What the HTTP layer carries out: wait `delayMs`, then act. The rest feeds the log and the journal. */
export interface AuthorizePlan {
  action: AuthorizeAction;
  delayMs: number;
  decision: Decision | undefined;
  scenario: SelectedScenario | undefined;
  /** The result in the body sent (fresh or replayed). */
  result: string | undefined;
  warnings: string[];
  /** Of the canonical request; computed only when a key or token could replay it. */
  fingerprint: string | undefined;
  idempotencyKey: string | undefined;
  /** Amount of the payment request a final authorization refers to (body payment_request_id). */
  stepUpAmount: number | undefined;
}

/**
 * The replay fast path: the same key with the same bytes and the same token headers as a stored answer inside the
 * window replays at once. Those bytes passed validation when first sent and the settings have not changed, so only
 * the headers are checked.
 */
function fastReplay(input: AuthorizeInput, deps: AuthorizeDeps): AuthorizePlan | undefined {
  const key = input.headers['klarna-idempotency-key'];
  if (typeof key !== 'string' || input.rawBodyHash === undefined) return undefined;
  const stored = deps.store.keyRecord(input.account, key);
  const now = deps.clock.now(input.account);
  if (stored?.rawHash !== input.rawBodyHash || now - stored.createdAt >= deps.config.idempotencyWindowMs)
    return undefined;
  // No stale replay across tokens: another token is another request (a 409 from the long way).
  if (tokensDigest(stored.tokens) !== tokensDigest(tokenHashes(input.headers))) return undefined;
  if (!AuthorizeHeaders.safeParse(input.headers).success) return undefined;
  return {
    action: { kind: 'respond', status: stored.status, body: stored.body, replayed: true },
    delayMs: 0,
    decision: undefined,
    scenario: undefined,
    result: stored.result,
    warnings: [],
    fingerprint: stored.fingerprint,
    idempotencyKey: key,
    stepUpAmount: undefined,
  };
}

/**
 * The authorize operation without HTTP: checks → replay-or-process → scenario → decision → record → body.
 * From the store lookup to the record it runs in one synchronous stretch, so concurrent identical requests
 * cannot interleave: the first one records, the others replay it (docs/simulator-choices.md#concurrency). A replay wins over any
 * scenario, which is what lets a retry after `response_lost` collect the stored answer.
 * Checks that fail are thrown as catalogue errors.
 */
export function authorize(input: AuthorizeInput, deps: AuthorizeDeps): AuthorizePlan {
  const { config, store } = deps;
  const authError = authenticate(input.headers.authorization as string | undefined, input.account, config);
  if (authError) throw authError;
  const fast = fastReplay(input, deps);
  if (fast) return fast;

  const rawBody = input.parseBody(input.bodyText);
  const valid = validateAuthorize({ partner_account_id: input.account }, input.headers, rawBody, config);
  if (!valid.ok) throw valid.error;
  const { headers, body, warnings } = valid;
  const key = headers['klarna-idempotency-key'];
  const token = sessionTokenOf(headers);
  const now = deps.clock.now(input.account);
  const issued = token === undefined ? undefined : store.issuedToken(input.account, token);
  const tokens = tokenFacts(input.account, headers, body, issued, deps);
  const sentTokens = tokenHashes(headers);
  // Only a key or a token can replay; without them the journal works the fingerprint out when it is read.
  const print =
    key === undefined && token === undefined
      ? undefined
      : fingerprint({
          method: 'POST',
          account: input.account,
          body: rawBody,
          inSchemaOrder: valid.inSchemaOrder,
          tokens: sentTokens,
        });
  const stepUpAmount =
    token === undefined
      ? undefined
      : (issued?.amount ?? deps.paymentRequests.get(input.account, body.payment_request_id)?.amount);
  const plan = (action: AuthorizeAction, extra: Partial<AuthorizePlan> = {}): AuthorizePlan => ({
    action,
    delayMs: 0,
    decision: undefined,
    scenario: undefined,
    result: undefined,
    warnings,
    fingerprint: print,
    idempotencyKey: key,
    stepUpAmount,
    ...extra,
  });

  const keyRecord = store.keyRecord(input.account, key);
  const replay = replayDecision({
    key,
    keyRecord,
    tokenRecord: store.tokenRecord(input.account, token),
    fingerprint: print,
    tokens: sentTokens,
    amount: body.request_payment_transaction?.amount,
    currency: body.currency,
    now,
    windowMs: config.idempotencyWindowMs,
  });
  if (replay.kind === 'reject') throw replay.error;
  if (replay.kind === 'replay') {
    // A token replay under a new key: that key now answers with the same body, for this request.
    if (key !== undefined && replay.stored !== keyRecord) {
      store.record(
        input.account,
        { key },
        { ...replay.stored, fingerprint: print, rawHash: input.rawBodyHash, tokens: sentTokens, createdAt: now },
      );
    }
    return plan(
      { kind: 'respond', status: replay.stored.status, body: replay.stored.body, replayed: true },
      { result: replay.stored.result },
    );
  }

  if (token !== undefined) {
    const issue = sessionTokenIssue(issued, {
      now,
      ttlMs: config.sessionTokenTtlMs,
      unknown: config.unknownSessionTokens,
    });
    if (issue) throw catalogue.validation([{ parameter: 'Klarna-Network-Session-Token', reason: issue }]);
    // The customer approved an amount and a currency; the final authorization must ask for the same.
    if (
      issued?.currency !== undefined &&
      (issued.amount !== body.request_payment_transaction?.amount || issued.currency !== body.currency)
    ) {
      throw catalogue.sessionTokenMismatch(issued.amount, issued.currency);
    }
  }

  const selected = deps.scenarios.select(
    requestFacts(input.account, body, tokens),
    typeof input.headers['mock-scenario'] === 'string' ? input.headers['mock-scenario'] : undefined,
  );
  const scenario = selected?.scenario;
  const withScenario = { scenario: selected, delayMs: selected?.delayMs ?? 0 };
  if (scenario?.error !== undefined) {
    const error = scenarioError(scenario.error, {
      account: input.account,
      scenario: scenario.name,
      retryAfterSeconds: scenario.retry_after_seconds,
    });
    return plan({ kind: 'error', error }, withScenario);
  }
  if (scenario?.fault !== undefined && scenario.fault !== 'response_lost') {
    return plan({ kind: 'fault', fault: scenario.fault }, withScenario);
  }

  const decision: Decision =
    scenario?.result !== undefined
      ? {
          result: scenario.result,
          rule: `scenario ${scenario.name} (${selected?.source})`,
          ...(scenario.result_reason !== undefined && { resultReason: scenario.result_reason }),
        }
      : decide(body, tokens);
  const paymentRequest =
    decision.result === 'STEP_UP_REQUIRED'
      ? deps.paymentRequests.create(input.account, body, config.publicUrl ?? input.origin())
      : undefined;
  const rendered = renderAuthorize(decision, body, {
    now,
    uuid: deps.uuid,
    region: config.region,
    transactionTtlMs: config.transactionTtlMs,
    paymentRequest,
    customerToken: customerTokenOf(input.account, decision, body, issued, deps),
  });
  const serialized = serializeChecked(AuthorizeResponse, rendered);
  // One session token, one transaction: a final authorization binds its token, and so does an approval that merely
  // carried a token as context. A step-up does not: the token is then only context for the journey.
  const bindsToken = token !== undefined && (tokens.final || decision.result === 'APPROVED');
  store.record(
    input.account,
    { key, token: bindsToken ? token : undefined },
    {
      status: 200,
      body: serialized,
      result: decision.result,
      fingerprint: print,
      rawHash: input.rawBodyHash,
      tokens: sentTokens,
      createdAt: now,
      amount: body.request_payment_transaction?.amount,
      currency: body.currency,
      finalAuthorization: tokens.final,
    },
  );
  if (token !== undefined && tokens.final) markUsed(store, input.account, token, issued, now);
  const transaction = rendered.payment_transaction_response?.payment_transaction;
  if (transaction !== undefined) {
    deps.transactions.created(
      newTransactionRecord({
        account: input.account,
        transaction,
        now,
        expiresAt: now + config.transactionTtlMs,
        purchaseData: keepPurchaseData(body.supplementary_purchase_data),
      }),
    );
  }
  const action: AuthorizeAction =
    scenario?.fault === 'response_lost'
      ? { kind: 'fault', fault: 'response_lost' }
      : { kind: 'respond', status: 200, body: serialized, replayed: false };
  return plan(action, { ...withScenario, decision, result: decision.result });
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
  account: string,
  headers: AuthorizeHeaders,
  body: AuthorizeRequest,
  issued: IssuedToken | undefined,
  deps: AuthorizeDeps,
): TokenFacts {
  const session = sessionTokenOf(headers);
  const customer = headers['klarna-customer-token'];
  const scopes = customer === undefined ? undefined : deps.store.issuedCustomerToken(account, customer);
  const present =
    scopes === undefined ? body.step_up_config !== undefined : !scopes.includes('payment:customer_not_present');
  const final = session !== undefined && (issued !== undefined || deps.config.unknownSessionTokens === 'final');
  return {
    final,
    contextSessionToken: session !== undefined && !final,
    customerToken: customer === undefined ? undefined : present ? 'present' : 'not_present',
    interoperability: headers['klarna-interoperability-token'] !== undefined,
  };
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
  deps: AuthorizeDeps,
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

/**
 * An issued token that has answered a final authorization: its payment request can no longer be canceled. Kept on
 * the issued token, which lives as long as the payment request, rather than read from the bounded answer store.
 */
function markUsed(store: Store, account: string, token: string, issued: IssuedToken | undefined, now: number): void {
  if (issued !== undefined && issued.usedAt === undefined)
    store.issueSessionToken(account, token, { ...issued, usedAt: now });
}
