import { replayDecision } from '../idempotency.js';
import type { AuthorizeDeps } from './authorize-deps.js';
import type { CheckedRequest } from './checked-request.js';
import { type AuthorizePlan, planOf } from './plan.js';

/**
 * The long way's replay: an answer stored under the same key or session token, for the same request inside the
 * window, is sent again (the catalogue's conflict is thrown for a different request under the same key). A token
 * replay under a new key records that key too, so that it answers with the same body. Undefined: process it.
 */
export function storedReplay(
  request: CheckedRequest,
  deps: Pick<AuthorizeDeps, 'store' | 'config'>,
): AuthorizePlan | undefined {
  const { account, key, now } = request;
  const keyRecord = deps.store.keyRecord(account, key);
  const replay = replayDecision({
    key,
    keyRecord,
    tokenRecord: deps.store.tokenRecord(account, request.token),
    fingerprint: request.fingerprint,
    tokens: request.sentTokens,
    amount: request.body.request_payment_transaction?.amount,
    currency: request.body.currency,
    now,
    windowMs: deps.config.idempotencyWindowMs,
  });
  if (replay.kind === 'reject') throw replay.error;
  if (replay.kind !== 'replay') return undefined;
  if (key !== undefined && replay.stored !== keyRecord) {
    deps.store.record(
      account,
      { key },
      {
        ...replay.stored,
        fingerprint: request.fingerprint,
        rawHash: request.rawBodyHash,
        tokens: request.sentTokens,
        createdAt: now,
      },
    );
  }
  const { status, body, result } = replay.stored;
  return planOf(request, { kind: 'respond', status, body, replayed: true }, { result });
}
