import { authenticate } from '../authenticate.js';
import { type Awaitable, andThen, onFailure } from '../awaitable.js';
import { requestFacts } from '../scenarios/match.js';
import type { SelectedScenario } from '../scenarios/scenario-engine.js';
import type { IssuedTokens, Lease } from '../store/answer-store.js';
import type { AuthorizeDeps, AuthorizeInput } from './authorize-deps.js';
import { type CheckedRequest, checkedRequest, sentTokens, validRequest } from './checked-request.js';
import { claimAnswer } from './claim-answer.js';
import { fastReplay } from './fast-replay.js';
import { chooseOutcome } from './outcome.js';
import { type AuthorizeAction, type AuthorizePlan, planOf } from './plan.js';
import { recordAnswer } from './record-answer.js';
import { renderedAnswer } from './rendered-answer.js';
import { checkSessionToken } from './session-token-check.js';

export type { AuthorizeDeps, AuthorizeInput } from './authorize-deps.js';
export type { AuthorizeAction, AuthorizePlan } from './plan.js';

const NO_TOKENS: IssuedTokens = { session: undefined, customerScopes: undefined };

/**
 * The authorize operation without HTTP, as its stages (mock-server/core/authorize/): credentials → replay fast path →
 * checks → claim (stored replay, or the lease) → session token → scenario and outcome → answer → commit. Checks that
 * fail throw catalogue errors; everything else is the plan returned. With the memory store it all runs synchronously
 * (no promise unless a request waits for another's answer); a store across processes makes it a promise.
 * Concurrent identical requests wait on the first one's claim for its answer (docs/simulator-choices.md#concurrency).
 * A replay wins over any scenario, which is what lets a retry after `response_lost` collect the stored answer.
 */
export function authorize(input: AuthorizeInput, deps: AuthorizeDeps): Awaitable<AuthorizePlan> {
  const authError = authenticate(input.headers.authorization as string | undefined, input.account, deps.config);
  if (authError) throw authError;
  const fast = fastReplay(input, deps);
  if (fast) return fast;
  const valid = validRequest(input, deps.config);
  const sent = sentTokens(valid);
  const issued =
    sent.session === undefined && sent.customer === undefined
      ? NO_TOKENS
      : deps.answerStore.issuedTokens(input.account, sent);
  return andThen(
    andThen(issued, (tokens) => checkedRequest(valid, tokens, deps)),
    (request) =>
      andThen(claimAnswer(request, deps), (claimed) => {
        if (claimed.kind === 'replay') return claimed.plan;
        const { lease } = claimed;
        // Errors are never stored: the lease goes, and the next retry runs afresh (a failed release lets it expire).
        return onFailure(
          () => run(request, lease, input, deps),
          () => lease !== undefined && releaseQuietly(lease, deps),
        );
      }),
  );
}

function releaseQuietly(lease: Lease, deps: AuthorizeDeps): void {
  const released = deps.answerStore.release(lease);
  if (released instanceof Promise) released.catch(() => undefined);
}

/** The claimed request's pure stages, then its commit; a scenario's error or fault lets go of the lease unrecorded. */
function run(
  request: CheckedRequest,
  lease: Lease | undefined,
  input: AuthorizeInput,
  deps: AuthorizeDeps,
): Awaitable<AuthorizePlan> {
  checkSessionToken(request, deps.config);
  const named = typeof input.headers['mock-scenario'] === 'string' ? input.headers['mock-scenario'] : undefined;
  const facts = requestFacts(request.account, request.body, request.tokens);
  return andThen(deps.scenarios.select(facts, named), (selected) => decided(request, lease, input, deps, selected));
}

/** The scenario chosen (over a shared store, once it answered): the outcome, then the answer recorded. */
function decided(
  request: CheckedRequest,
  lease: Lease | undefined,
  input: AuthorizeInput,
  deps: AuthorizeDeps,
  selected: SelectedScenario | undefined,
): Awaitable<AuthorizePlan> {
  const delayMs = selected?.delayMs ?? 0;
  const outcome = chooseOutcome(request.account, request.body, request.tokens, selected);
  if (outcome.kind !== 'decision') {
    const plan = planOf(request, outcome, { delayMs, decision: undefined, scenario: selected, result: undefined });
    return andThen(lease === undefined ? undefined : deps.answerStore.release(lease), () => plan);
  }
  const { decision } = outcome;
  return andThen(renderedAnswer(request, decision, input.origin, deps), (answer) =>
    andThen(recordAnswer(request, decision, answer, lease, deps), () => {
      const action: AuthorizeAction = outcome.responseLost
        ? { kind: 'fault', fault: 'response_lost' }
        : { kind: 'respond', status: 200, body: answer.serialized, replayed: false };
      return planOf(request, action, { delayMs, decision, scenario: selected, result: decision.result });
    }),
  );
}
