import { AuthorizeResponse } from '../contracts/index.js';
import { authenticate } from './authenticate.js';
import { serializeChecked } from './check-response.js';
import type { MockConfig } from './config.js';
import { type Decision, decide } from './decide.js';
import { catalogue } from './error-catalogue.js';
import { fingerprint, replayDecision, sessionTokenIssue } from './idempotency.js';
import { renderAuthorize } from './render-authorize.js';
import type { Store } from './store.js';
import { validateAuthorize } from './validate-authorize.js';

export interface AuthorizeDeps {
  config: MockConfig;
  store: Store;
  now: () => number;
  uuid: () => string;
}

export interface AuthorizeInput {
  account: string;
  headers: Record<string, unknown>;
  body: unknown;
  /** Origin the request was addressed to, for payment_request_url when no publicUrl is configured. */
  origin: string;
}

export interface AuthorizeOutcome {
  status: number;
  body: string;
  replayed: boolean;
  decision: Decision | undefined;
  warnings: string[];
}

/**
 * The authorize operation without HTTP: request → checks → replay-or-process → decision → record → body.
 * Everything from the store lookup to the record runs in one synchronous stretch, so concurrent identical
 * requests cannot interleave: the first one records, the others replay it (simulator-decisions §3).
 * Failures are thrown as catalogue errors.
 */
export function authorize(input: AuthorizeInput, deps: AuthorizeDeps): AuthorizeOutcome {
  const { config, store } = deps;
  const authError = authenticate(input.headers.authorization as string | undefined, input.account, config);
  if (authError) throw authError;

  const valid = validateAuthorize({ partner_account_id: input.account }, input.headers, input.body, config);
  if (!valid.ok) throw valid.error;
  const { headers, body, warnings } = valid;
  const key = headers['klarna-idempotency-key'];
  const token = headers['klarna-network-session-token'];
  const now = deps.now();
  const print = fingerprint({
    method: 'POST',
    account: input.account,
    body: input.body,
    sessionToken: token,
    customerToken: headers['klarna-customer-token'],
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
      store.record(input.account, { key }, { ...replay.stored, fingerprint: print, createdAt: now });
    }
    return { status: replay.stored.status, body: replay.stored.body, replayed: true, decision: undefined, warnings };
  }

  if (token !== undefined) {
    const issue = sessionTokenIssue(store.issuedToken(input.account, token), {
      now,
      ttlMs: config.sessionTokenTtlMs,
      strict: config.strictSessionTokens,
    });
    if (issue) throw catalogue.validation([{ parameter: 'Klarna-Network-Session-Token', reason: issue }]);
  }

  const decision = decide(headers, body);
  const rendered = renderAuthorize(decision, body, {
    now,
    uuid: deps.uuid,
    region: config.region,
    transactionTtlMs: config.transactionTtlMs,
    paymentRequestTtlMs: config.paymentRequestTtlMs,
    publicUrl: config.publicUrl ?? input.origin,
  });
  const serialized = serializeChecked(AuthorizeResponse, rendered);
  store.record(
    input.account,
    { key, token },
    {
      status: 200,
      body: serialized,
      fingerprint: print,
      createdAt: now,
      amount: body.request_payment_transaction?.amount,
      currency: body.currency,
    },
  );
  return { status: 200, body: serialized, replayed: false, decision, warnings };
}
