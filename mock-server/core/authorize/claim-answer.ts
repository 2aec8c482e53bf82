import { type Awaitable, andThen } from '../awaitable.js';
import { catalogue } from '../error-catalogue.js';
import { type ReplayDecision, replayDecision, type StoredResponse } from '../idempotency.js';
import { type Claim, LEASE_MS, type Lease, MAX_CLAIMS, type StoredAnswers } from '../store/answer-store.js';
import type { AuthorizeDeps } from './authorize-deps.js';
import type { CheckedRequest } from './checked-request.js';
import { type AuthorizePlan, planOf } from './plan.js';

/** A stored answer to send again, or the right (and duty) to run the request: `lease` to commit or release. */
export type ClaimedAnswer = { kind: 'replay'; plan: AuthorizePlan } | { kind: 'run'; lease: Lease | undefined };

type Deps = Pick<AuthorizeDeps, 'answerStore' | 'config'>;

/**
 * The long way's replay, exactly once: an answer stored under the same key or session token, for the same request
 * inside the window, is sent again (the catalogue's conflict is thrown for a different request under the same key);
 * otherwise the request claims its key and token, so that concurrent identical requests wait for its answer instead
 * of running too. A token replay under a new key records that key too, so that it answers with the same body. A
 * request with neither key nor token claims nothing and runs. Synchronous while the store answers at once.
 */
export function claimAnswer(request: CheckedRequest, deps: Deps): Awaitable<ClaimedAnswer> {
  if (request.key === undefined && request.token === undefined) return { kind: 'run', lease: undefined };
  return claimFrom(request, deps, false, 0);
}

/** One claim; `force` after finding what is stored past its window. Each held claim waits, then claims again. */
function claimFrom(request: CheckedRequest, deps: Deps, force: boolean, claims: number): Awaitable<ClaimedAnswer> {
  if (claims >= MAX_CLAIMS) throw catalogue.unavailable();
  const store = deps.answerStore;
  const ids = { key: request.key, token: request.token };
  const again = (forced: boolean) => claimFrom(request, deps, forced, claims + 1);
  return andThen(store.claim(request.account, ids, { leaseMs: LEASE_MS, force }), (claim) => {
    if (claim.kind === 'held')
      return andThen(store.awaitAnswer(request.account, ids, claim.retryInMs), () => again(false));
    const lease = claim.kind === 'claimed' ? claim.lease : undefined;
    const replay = replayOf(request, claim.answers, deps);
    if (replay.kind === 'process') return lease !== undefined ? { kind: 'run', lease } : again(true);
    if (replay.kind === 'reject') {
      return andThen(lease === undefined ? undefined : store.release(lease), () => {
        throw replay.error;
      });
    }
    const plan: ClaimedAnswer = { kind: 'replay', plan: replayPlan(request, replay.stored) };
    if (request.key === undefined || replay.stored === claim.answers.key) {
      return andThen(lease === undefined ? undefined : store.release(lease), () => plan);
    }
    return andThen(keyRecorded(request, replay.stored, claim, deps), (recorded) => (recorded ? plan : again(false)));
  });
}

function replayOf(request: CheckedRequest, answers: StoredAnswers, deps: Deps): ReplayDecision {
  return replayDecision({
    key: request.key,
    keyRecord: answers.key,
    tokenRecord: answers.token,
    fingerprint: request.fingerprint,
    rawHash: request.rawBodyHash,
    tokens: request.sentTokens,
    amount: request.body.request_payment_transaction?.amount,
    currency: request.body.currency,
    now: request.now,
    windowMs: deps.config.idempotencyWindowMs,
  });
}

/**
 * Records the request's key beside the token answer it replays, under the claim's lease or under a claim of the key
 * alone (the token's own lease is not needed: its answer is stored). False when another request got there first:
 * claim again.
 */
function keyRecorded(
  request: CheckedRequest,
  stored: StoredResponse,
  claim: Exclude<Claim, { kind: 'held' }>,
  deps: Deps,
): Awaitable<boolean> {
  const store = deps.answerStore;
  const keyed = {
    ...stored,
    fingerprint: request.fingerprint,
    rawHash: request.rawBodyHash,
    tokens: request.sentTokens,
    createdAt: request.now,
  };
  const commit = (lease: Lease) =>
    andThen(store.commit(lease, { keyAnswer: keyed }), (result) => result === 'committed');
  if (claim.kind === 'claimed') return commit(claim.lease);
  const ids = { key: request.key };
  return andThen(store.claim(request.account, ids, { leaseMs: LEASE_MS, force: true }), (keyClaim) => {
    if (keyClaim.kind === 'held')
      return andThen(store.awaitAnswer(request.account, ids, keyClaim.retryInMs), () => false);
    if (keyClaim.kind === 'stored') return false;
    // Still the token's answer to replay (no answer under the key meanwhile)?
    const now = replayOf(request, { key: keyClaim.answers.key, token: claim.answers.token }, deps);
    if (now.kind === 'replay' && now.stored === claim.answers.token) return commit(keyClaim.lease);
    return andThen(store.release(keyClaim.lease), () => false);
  });
}

function replayPlan(request: CheckedRequest, stored: StoredResponse): AuthorizePlan {
  const { status, body, result } = stored;
  return planOf(
    request,
    { kind: 'respond', status, body, replayed: true },
    { delayMs: 0, decision: undefined, scenario: undefined, result },
  );
}
