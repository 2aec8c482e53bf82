import { describe, expect, it } from 'vitest';
import { claimAnswer } from '../../../mock-server/core/authorize/claim-answer.js';
import { type ArrivalClaim, LEASE_MS } from '../../../mock-server/core/store/answer-store.js';
import { ACCOUNT, authorizeDeps, checked, record, rendered, synchronously } from './authorize-deps.js';

// The claim a shared store takes when an authorize request arrives (with its clock, in one round trip): claimAnswer
// adopts it as the request's first claim when the ids are the request's, and otherwise claims on its own and leaves
// it unadopted (the HTTP layer releases it).

/** The services, with the answer store's claims counted. */
function countedDeps() {
  const deps = authorizeDeps();
  const claims: unknown[] = [];
  const store = deps.answerStore;
  const answerStore = Object.assign(Object.create(store) as typeof store, {
    claim: (...args: Parameters<typeof store.claim>) => {
      claims.push(args);
      return store.claim(...args);
    },
  });
  return { deps: { ...deps, answerStore }, claims, store };
}

function arrivalOf(store: ReturnType<typeof countedDeps>['store'], ids: ArrivalClaim['ids']): ArrivalClaim {
  return { ids, claim: synchronously(store.claim(ACCOUNT, ids, { leaseMs: LEASE_MS })), adopted: false };
}

describe('an arrival claim', () => {
  it("is adopted as the first claim when its ids are the request's: no claim of its own", async () => {
    const { deps, claims, store } = countedDeps();
    const request = checked(deps, undefined, { 'klarna-idempotency-key': 'k1' });
    const arrival = arrivalOf(store, { key: 'k1', token: undefined });
    const claimed = await claimAnswer(request, deps, arrival);
    expect(claims).toHaveLength(0);
    expect(arrival.adopted).toBe(true);
    expect(claimed.kind === 'run' && claimed.lease).toEqual(arrival.claim.kind === 'claimed' && arrival.claim.lease);
  });

  it('replays what it found stored, without a claim of its own', async () => {
    const { deps, claims, store } = countedDeps();
    const first = checked(deps, undefined, { 'klarna-idempotency-key': 'k1' });
    const decision = { result: 'APPROVED' as const, rule: 'default' };
    await record(
      first,
      decision,
      rendered(first, decision, () => '', deps),
      deps,
    );
    claims.length = 0;
    const arrival = arrivalOf(store, { key: 'k1', token: undefined });
    expect(arrival.claim.kind).toBe('stored');
    const claimed = await claimAnswer(checked(deps, undefined, { 'klarna-idempotency-key': 'k1' }), deps, arrival);
    expect(claimed.kind).toBe('replay');
    expect(claims).toHaveLength(0);
  });

  it('is left unadopted when the request claims other ids, which it claims on its own', async () => {
    const { deps, claims, store } = countedDeps();
    const request = checked(deps, undefined, { 'klarna-idempotency-key': 'k2' });
    const arrival = arrivalOf(store, { key: 'k1', token: undefined });
    const claimed = await claimAnswer(request, deps, arrival);
    expect(claims).toHaveLength(1);
    expect(arrival.adopted).toBe(false);
    expect(claimed.kind === 'run' && claimed.lease?.ids).toEqual({ key: 'k2', token: undefined });
  });
});
