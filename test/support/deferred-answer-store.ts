import type { AnswerStore } from '../../mock-server/core/store/answer-store.js';

/**
 * An answer store that answers every call a turn of the event loop later, as a store across the network does (the
 * call runs when its answer arrives), with no `peek`: the simulator's promise paths, claims held by other requests
 * included, over the memory store's semantics. Nothing sleeps.
 */
export function deferredAnswerStore(inner: AnswerStore): AnswerStore & { heldClaims: () => number } {
  let held = 0;
  const later =
    <A extends unknown[], R>(call: (...args: A) => R) =>
    (...args: A): Promise<Awaited<R>> =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            Promise.resolve(call(...args)).then(resolve, reject);
          } catch (error) {
            reject(error);
          }
        }),
      );
  return {
    kind: `deferred ${inner.kind}`,
    claim: later((...args: Parameters<AnswerStore['claim']>) => {
      const claim = inner.claim(...args);
      if (!(claim instanceof Promise) && claim.kind === 'held') held += 1;
      return claim;
    }),
    /** How many claims found another request's lease (and waited for its answer). */
    heldClaims: () => held,
    commit: later(inner.commit.bind(inner)),
    release: later(inner.release.bind(inner)),
    awaitAnswer: later(inner.awaitAnswer.bind(inner)),
    issuedTokens: later(inner.issuedTokens.bind(inner)),
    tokenAnswer: later(inner.tokenAnswer.bind(inner)),
    issueSessionToken: later(inner.issueSessionToken.bind(inner)),
    issueCustomerToken: later(inner.issueCustomerToken.bind(inner)),
    resetAccount: later(inner.resetAccount.bind(inner)),
  };
}
