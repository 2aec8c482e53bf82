import type { AuthorizeRequest, ScenarioFault } from '../../../contracts/index.js';
import type { KlarnaHttpError } from '../error-catalogue.js';
import type { SelectedScenario } from '../scenarios/scenario-engine.js';
import { scenarioError } from '../scenarios/scenario-error.js';
import { type Decision, decide, type TokenFacts } from './decide.js';

/** What answers a processed request: a scenario's error or fault in its place, or a decision to render. */
export type Outcome =
  | { kind: 'error'; error: KlarnaHttpError }
  /** A fault instead of processing (every fault but response_lost). */
  | { kind: 'fault'; fault: ScenarioFault }
  /** `responseLost`: processed and recorded, then the connection drops before the answer. */
  | { kind: 'decision'; decision: Decision; responseLost: boolean };

/**
 * The selected scenario's error or fault, else its result, else the rules (decide.ts). A scenario's result is
 * named as the rule, so the log says why the answer was what it was.
 */
export function chooseOutcome(
  account: string,
  body: AuthorizeRequest,
  tokens: TokenFacts,
  selected: SelectedScenario | undefined,
): Outcome {
  const scenario = selected?.scenario;
  if (scenario?.error !== undefined) {
    const context = { account, scenario: scenario.name, retryAfterSeconds: scenario.retry_after_seconds };
    return { kind: 'error', error: scenarioError(scenario.error, context) };
  }
  if (scenario?.fault !== undefined && scenario.fault !== 'response_lost')
    return { kind: 'fault', fault: scenario.fault };
  const decision: Decision =
    scenario?.result !== undefined
      ? {
          result: scenario.result,
          rule: `scenario ${scenario.name} (${selected?.source})`,
          ...(scenario.result_reason !== undefined && { resultReason: scenario.result_reason }),
        }
      : decide(body, tokens);
  return { kind: 'decision', decision, responseLost: scenario?.fault === 'response_lost' };
}
