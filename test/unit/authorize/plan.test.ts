import { describe, expect, it } from 'vitest';
import {
  type AuthorizeAction,
  type AuthorizePlan,
  type PlanFacts,
  planOf,
} from '../../../mock-server/core/authorize/plan.js';

const FACTS: PlanFacts = { warnings: ['extra'], fingerprint: 'fp', key: 'k1', stepUpAmount: 500 };
const RESPOND: AuthorizeAction = { kind: 'respond', status: 200, body: '{}', replayed: false };

describe('the plan of a checked request', () => {
  it.each<[string, Parameters<typeof planOf>[2], Partial<AuthorizePlan>]>([
    [
      'answers at once with nothing decided when nothing was chosen',
      undefined,
      { delayMs: 0, decision: undefined, scenario: undefined, result: undefined },
    ],
    ['waits as long as the scenario says', { delayMs: 250 }, { delayMs: 250 }],
    [
      'carries the decision and its result',
      { decision: { result: 'DECLINED', rule: 'r' }, result: 'DECLINED' },
      { decision: { result: 'DECLINED', rule: 'r' }, result: 'DECLINED' },
    ],
  ])('%s, with what the checks found', (_name, chosen, expected) => {
    expect(planOf(FACTS, RESPOND, chosen)).toEqual({
      action: RESPOND,
      delayMs: 0,
      decision: undefined,
      scenario: undefined,
      result: undefined,
      warnings: ['extra'],
      fingerprint: 'fp',
      idempotencyKey: 'k1',
      stepUpAmount: 500,
      ...expected,
    });
  });
});
