import { headersCheck } from '../../../contracts/generated/authorize-checks.js';
import { tokenHashes, tokensDigest } from '../idempotency.js';
import type { AuthorizeDeps, AuthorizeInput } from './authorize-deps.js';
import type { AuthorizePlan } from './plan.js';

/**
 * The replay fast path: the same key with the same bytes and the same token headers as a stored answer inside the
 * window replays at once. Those bytes passed validation when first sent and the settings have not changed, so only
 * the headers are checked. Only a store that answers synchronously (`peek`, the memory store) takes it, so that a
 * replay costs no promise; undefined: the long way decides (and claims).
 */
export function fastReplay(
  input: AuthorizeInput,
  deps: Pick<AuthorizeDeps, 'answerStore' | 'clock' | 'config'>,
): AuthorizePlan | undefined {
  const key = input.headers['klarna-idempotency-key'];
  const { answerStore } = deps;
  if (typeof key !== 'string' || input.rawBodyHash === undefined || answerStore.peek === undefined) return undefined;
  const stored = answerStore.peek(input.account, key);
  const now = deps.clock.now(input.account);
  if (stored?.rawHash !== input.rawBodyHash || now - stored.createdAt >= deps.config.idempotencyWindowMs)
    return undefined;
  // No stale replay across tokens: another token is another request (a 409 from the long way).
  if (tokensDigest(stored.tokens) !== tokensDigest(tokenHashes(input.headers))) return undefined;
  if (!headersCheck(input.headers)) return undefined;
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
