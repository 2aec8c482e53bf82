import { catalogue } from '../error-catalogue.js';
import { type ReplayDecision, replayDecision, type StoredResponse } from '../idempotency.js';
import { LEASE_MS, type Lease, MAX_CLAIMS, type StoredAnswers } from '../store/answer-store.js';
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
 * request with neither key nor token claims nothing and runs.
 */
export async function claimAnswer(request: CheckedRequest, deps: Deps): Promise<ClaimedAnswer> {
  const { account, key, token } = request;
  if (key === undefined && token === undefined) return { kind: 'run', lease: undefined };
  const store = deps.answerStore;
  const ids = { key, token };
  let force = false;
  for (let claims = 0; claims < MAX_CLAIMS; claims += 1) {
    const claim = await store.claim(account, ids, { leaseMs: LEASE_MS, force });
    if (claim.kind === 'held') {
      await store.awaitAnswer(account, ids, claim.retryInMs);
      force = false;
      continue;
    }
    const lease = claim.kind === 'claimed' ? claim.lease : undefined;
    const replay = replayOf(request, claim.answers, deps);
    if (replay.kind === 'process') {
      if (lease !== undefined) return { kind: 'run', lease };
      // What is stored is past its window: claim over it.
      force = true;
      continue;
    }
    if (replay.kind === 'reject') {
      if (lease !== undefined) await store.release(lease);
      throw replay.error;
    }
    if (key === undefined || replay.stored === claim.answers.key) {
      if (lease !== undefined) await store.release(lease);
      return { kind: 'replay', plan: replayPlan(request, replay.stored) };
    }
    if (await keyRecorded(request, replay.stored, claim.answers.token, lease, deps)) {
      return { kind: 'replay', plan: replayPlan(request, replay.stored) };
    }
    force = false;
  }
  throw catalogue.unavailable();
}

function replayOf(request: CheckedRequest, answers: StoredAnswers, deps: Deps): ReplayDecision {
  return replayDecision({
    key: request.key,
    keyRecord: answers.key,
    tokenRecord: answers.token,
    fingerprint: request.fingerprint,
    tokens: request.sentTokens,
    amount: request.body.request_payment_transaction?.amount,
    currency: request.body.currency,
    now: request.now,
    windowMs: deps.config.idempotencyWindowMs,
  });
}

/**
 * Records the request's key beside the token answer it replays, under `lease` or under a claim of the key alone (the
 * token's own lease is not needed: its answer is stored). False when another request got there first: claim again.
 */
async function keyRecorded(
  request: CheckedRequest,
  stored: StoredResponse,
  tokenAnswer: StoredResponse | undefined,
  lease: Lease | undefined,
  deps: Deps,
): Promise<boolean> {
  const store = deps.answerStore;
  let keyLease = lease;
  if (keyLease === undefined) {
    const ids = { key: request.key };
    const claim = await store.claim(request.account, ids, { leaseMs: LEASE_MS, force: true });
    if (claim.kind === 'held') {
      await store.awaitAnswer(request.account, ids, claim.retryInMs);
      return false;
    }
    if (claim.kind === 'stored') return false;
    keyLease = claim.lease;
    const again = replayOf(request, { key: claim.answers.key, token: tokenAnswer }, deps);
    if (again.kind !== 'replay' || again.stored !== tokenAnswer) {
      await store.release(keyLease);
      return false;
    }
  }
  const keyed = {
    ...stored,
    fingerprint: request.fingerprint,
    rawHash: request.rawBodyHash,
    tokens: request.sentTokens,
    createdAt: request.now,
  };
  return (await store.commit(keyLease, { keyAnswer: keyed })) === 'committed';
}

function replayPlan(request: CheckedRequest, stored: StoredResponse): AuthorizePlan {
  const { status, body, result } = stored;
  return planOf(request, { kind: 'respond', status, body, replayed: true }, { result });
}
