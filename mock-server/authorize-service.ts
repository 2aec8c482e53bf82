import { AuthorizeHeaders, AuthorizeResponse, type ScenarioFault } from '../contracts/index.js';
import type { AccountClock } from './account-clock.js';
import { authenticate } from './authenticate.js';
import { serializeChecked } from './check-response.js';
import type { MockConfig } from './config.js';
import { type Decision, decide } from './decide.js';
import { catalogue, type KlarnaHttpError } from './error-catalogue.js';
import { fingerprint, type IssuedToken, replayDecision, sessionTokenIssue } from './idempotency.js';
import type { PaymentRequests } from './payment-requests/payment-requests.js';
import { renderAuthorize } from './render-authorize.js';
import { requestFacts } from './scenarios/match.js';
import type { ScenarioEngine, SelectedScenario } from './scenarios/scenario-engine.js';
import { scenarioError } from './scenarios/scenario-error.js';
import type { Store } from './store.js';
import { validateAuthorize } from './validate-authorize.js';

export interface AuthorizeDeps {
  config: MockConfig;
  store: Store;
  scenarios: ScenarioEngine;
  paymentRequests: PaymentRequests;
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
 * The replay fast path: the same key with the same bytes as a stored answer inside the window replays at once.
 * Those bytes passed validation when first sent and the settings have not changed, so only the headers are checked.
 */
function fastReplay(input: AuthorizeInput, deps: AuthorizeDeps): AuthorizePlan | undefined {
  const key = input.headers['klarna-idempotency-key'];
  // A final authorization goes the long way: its token must be bound to the answer too.
  if (typeof key !== 'string' || input.rawBodyHash === undefined || input.headers['klarna-network-session-token']) {
    return undefined;
  }
  const stored = deps.store.keyRecord(input.account, key);
  const now = deps.clock.now(input.account);
  if (stored?.rawHash !== input.rawBodyHash || now - stored.createdAt >= deps.config.idempotencyWindowMs)
    return undefined;
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
 * cannot interleave: the first one records, the others replay it (simulator-decisions §3). A replay wins over any
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
  const token = headers['klarna-network-session-token'];
  const now = deps.clock.now(input.account);
  // Only a key or a token can replay; without them the journal works the fingerprint out when it is read.
  const print =
    key === undefined && token === undefined
      ? undefined
      : fingerprint({ method: 'POST', account: input.account, body: rawBody, inSchemaOrder: valid.inSchemaOrder });
  const issued = token === undefined ? undefined : store.issuedToken(input.account, token);
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
        { ...replay.stored, fingerprint: print, rawHash: input.rawBodyHash, createdAt: now },
      );
    }
    // A key replay carrying a token not yet used: the token is bound to the answer when that answer is a final
    // authorization's or holds a transaction, so the token can never get another. Another answer to a request
    // without a token (an initial authorization's step-up, say) is no result of the token: binding it there would
    // keep the approved token from ever being finalized.
    if (token !== undefined && (replay.stored.finalAuthorization || replay.stored.result === 'APPROVED')) {
      store.record(input.account, { token }, replay.stored);
      markUsed(store, input.account, token, issued, now);
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
      strict: config.unknownSessionTokens === 'reject',
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
    requestFacts(input.account, headers, body),
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
      : decide(headers, body);
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
    issuedCustomerToken: issued?.customerToken,
  });
  const serialized = serializeChecked(AuthorizeResponse, rendered);
  store.record(
    input.account,
    { key, token },
    {
      status: 200,
      body: serialized,
      result: decision.result,
      fingerprint: print,
      rawHash: input.rawBodyHash,
      createdAt: now,
      amount: body.request_payment_transaction?.amount,
      currency: body.currency,
      finalAuthorization: token !== undefined,
    },
  );
  if (token !== undefined) markUsed(store, input.account, token, issued, now);
  const action: AuthorizeAction =
    scenario?.fault === 'response_lost'
      ? { kind: 'fault', fault: 'response_lost' }
      : { kind: 'respond', status: 200, body: serialized, replayed: false };
  return plan(action, { ...withScenario, decision, result: decision.result });
}

/**
 * An issued token that has answered a final authorization: its payment request can no longer be canceled. Kept on
 * the issued token, which lives as long as the payment request, rather than read from the bounded answer store.
 */
function markUsed(store: Store, account: string, token: string, issued: IssuedToken | undefined, now: number): void {
  if (issued !== undefined && issued.usedAt === undefined)
    store.issueSessionToken(account, token, { ...issued, usedAt: now });
}
