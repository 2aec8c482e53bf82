import { authenticate } from '../authenticate.js';
import { requestFacts } from '../scenarios/match.js';
import type { AuthorizeDeps, AuthorizeInput } from './authorize-deps.js';
import { checkedRequest } from './checked-request.js';
import { fastReplay } from './fast-replay.js';
import { chooseOutcome } from './outcome.js';
import { type AuthorizeAction, type AuthorizePlan, planOf } from './plan.js';
import { recordAnswer } from './record-answer.js';
import { renderedAnswer } from './rendered-answer.js';
import { checkSessionToken } from './session-token-check.js';
import { storedReplay } from './stored-replay.js';

export type { AuthorizeDeps, AuthorizeInput } from './authorize-deps.js';
export type { AuthorizeAction, AuthorizePlan } from './plan.js';

/**
 * The authorize operation without HTTP, as its stages (mock-server/core/authorize/): credentials → replay fast path →
 * checks → stored replay → session token → scenario and outcome → answer → record. Checks that fail throw catalogue
 * errors; everything else is the plan returned. From the store lookup to the record it runs in one synchronous
 * stretch, so concurrent identical requests cannot interleave: the first one records, the others replay it
 * (docs/simulator-choices.md#concurrency). A replay wins over any scenario, which is what lets a retry after
 * `response_lost` collect the stored answer.
 */
export function authorize(input: AuthorizeInput, deps: AuthorizeDeps): AuthorizePlan {
  const authError = authenticate(input.headers.authorization as string | undefined, input.account, deps.config);
  if (authError) throw authError;
  const fast = fastReplay(input, deps);
  if (fast) return fast;
  const request = checkedRequest(input, deps);
  const replayed = storedReplay(request, deps);
  if (replayed) return replayed;
  checkSessionToken(request, deps.config);
  const named = typeof input.headers['mock-scenario'] === 'string' ? input.headers['mock-scenario'] : undefined;
  const selected = deps.scenarios.select(requestFacts(request.account, request.body, request.tokens), named);
  const chosen = { scenario: selected, delayMs: selected?.delayMs ?? 0 };
  const outcome = chooseOutcome(request.account, request.body, request.tokens, selected);
  if (outcome.kind !== 'decision') return planOf(request, outcome, chosen);
  const { decision } = outcome;
  const answer = renderedAnswer(request, decision, input.origin, deps);
  recordAnswer(request, decision, answer, deps);
  const action: AuthorizeAction = outcome.responseLost
    ? { kind: 'fault', fault: 'response_lost' }
    : { kind: 'respond', status: 200, body: answer.serialized, replayed: false };
  return planOf(request, action, { ...chosen, decision, result: decision.result });
}
