import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../contracts/index.js';
import type { TokenFacts } from '../../../mock-server/core/authorize/decide.js';
import { chooseOutcome, type Outcome } from '../../../mock-server/core/authorize/outcome.js';
import type { SelectedScenario } from '../../../mock-server/core/scenarios/scenario-engine.js';
import { ACCOUNT, BODY } from './authorize-deps.js';

const NO_TOKENS: TokenFacts = {
  final: false,
  contextSessionToken: false,
  customerToken: undefined,
  interoperability: false,
};
const selected = (scenario: Scenario): SelectedScenario => ({ scenario, source: 'header', delayMs: 0 });

/** One line per outcome, so that each row says what the request gets. */
function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'error') return `error ${outcome.error.statusCode} ${outcome.error.errorCode}`;
  if (outcome.kind === 'fault') return `fault ${outcome.fault}`;
  const lost = outcome.responseLost ? ', then the answer is lost' : '';
  return `${outcome.decision.result} by ${outcome.decision.rule}${lost}`;
}

describe('the outcome of a processed request', () => {
  it.each<[string, SelectedScenario | undefined, string]>([
    ['follows the rules when no scenario was selected', undefined, 'APPROVED by default'],
    [
      'answers with the error of a scenario that names one',
      selected({ name: 'boom', error: 'INTERNAL_ERROR' }),
      'error 500 INTERNAL_ERROR',
    ],
    [
      'answers a rate-limit scenario with a 429',
      selected({ name: 'slow', error: 'RATE_LIMITED' }),
      'error 429 RATE_LIMITED',
    ],
    ['drops the connection for a fault scenario', selected({ name: 'cut', fault: 'reset' }), 'fault reset'],
    [
      'processes a response_lost scenario by the rules and loses the answer after',
      selected({ name: 'lost', fault: 'response_lost' }),
      'APPROVED by default, then the answer is lost',
    ],
    [
      'takes the result of a scenario that names one',
      selected({ name: 'no', result: 'DECLINED' }),
      'DECLINED by scenario no (header)',
    ],
    [
      'follows the rules for a scenario that only delays',
      selected({ name: 'wait', delay_ms: 5 }),
      'APPROVED by default',
    ],
  ])('%s', (_name, scenario, expected) => {
    expect(describeOutcome(chooseOutcome(ACCOUNT, BODY, NO_TOKENS, scenario))).toBe(expected);
  });

  it('keeps the result reason a scenario gives', () => {
    const outcome = chooseOutcome(
      ACCOUNT,
      BODY,
      NO_TOKENS,
      selected({ name: 'no', result: 'DECLINED', result_reason: 'x' }),
    );
    expect(outcome).toMatchObject({ kind: 'decision', decision: { resultReason: 'x' } });
  });
});
