import type { ScenarioFault } from '../../../contracts/index.js';
import type { KlarnaHttpError } from '../error-catalogue.js';
import type { SelectedScenario } from '../scenarios/scenario-engine.js';
import type { Decision } from './decide.js';

export type AuthorizeAction =
  | { kind: 'respond'; status: number; body: string; replayed: boolean }
  /** A scenario's error: the answer chosen, sent as it is (checks that fail are thrown instead). */
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

/** What a checked request contributes to every plan made for it. */
export interface PlanFacts {
  warnings: string[];
  fingerprint: string | undefined;
  key: string | undefined;
  stepUpAmount: number | undefined;
}

/**
 * The plan for a checked request: `action`, with what the request's checks found and what was chosen for it. Every
 * caller passes `chosen` with all four fields in this order, as a literal: one shape, so that reading it stays a
 * monomorphic load (a spread copy there made a new hidden class per request, and each read missed the inline cache:
 * docs/performance.md, "One shape for the plan's choices").
 */
export function planOf(
  facts: PlanFacts,
  action: AuthorizeAction,
  chosen: Pick<AuthorizePlan, 'delayMs' | 'decision' | 'scenario' | 'result'>,
): AuthorizePlan {
  return {
    action,
    delayMs: chosen.delayMs,
    decision: chosen.decision,
    scenario: chosen.scenario,
    result: chosen.result,
    warnings: facts.warnings,
    fingerprint: facts.fingerprint,
    idempotencyKey: facts.key,
    stepUpAmount: facts.stepUpAmount,
  };
}
