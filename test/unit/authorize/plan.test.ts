import { describe, expect, it } from 'vitest';
import { type AuthorizeAction, type PlanFacts, planOf } from '../../../mock-server/core/authorize/plan.js';

const FACTS: PlanFacts = { warnings: ['extra'], fingerprint: 'fp', key: 'k1', stepUpAmount: 500 };
const RESPOND: AuthorizeAction = { kind: 'respond', status: 200, body: '{}', replayed: false };

describe('the plan of a checked request', () => {
  it.each<[string, Parameters<typeof planOf>[2]]>([
    [
      'answers at once with nothing decided when nothing was chosen',
      { delayMs: 0, decision: undefined, scenario: undefined, result: undefined },
    ],
    [
      'waits as long as the scenario says',
      { delayMs: 250, decision: undefined, scenario: undefined, result: undefined },
    ],
    [
      'carries the decision and its result',
      { delayMs: 0, decision: { result: 'DECLINED', rule: 'r' }, scenario: undefined, result: 'DECLINED' },
    ],
  ])('%s, with what the checks found', (_name, chosen) => {
    expect(planOf(FACTS, RESPOND, chosen)).toEqual({
      action: RESPOND,
      ...chosen,
      warnings: ['extra'],
      fingerprint: 'fp',
      idempotencyKey: 'k1',
      stepUpAmount: 500,
    });
  });
});
