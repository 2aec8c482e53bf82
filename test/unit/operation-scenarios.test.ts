import { describe, expect, it } from 'vitest';
import type { ArmScenarioRequest, ScenarioOperation } from '../../contracts/index.js';
import { KlarnaHttpError } from '../../mock-server/core/error-catalogue.js';
import type { RequestFacts } from '../../mock-server/core/scenarios/match.js';
import { ScenarioEngine } from '../../mock-server/core/scenarios/scenario-engine.js';
import { sequentialUuids } from '../support/fake-clock.js';

const authorizeFacts = (account: string, amount = 5000): RequestFacts => ({
  account,
  amount,
  currency: 'EUR',
  email: undefined,
  reference: undefined,
  sessionToken: false,
  customerToken: false,
  stepUpPossible: true,
});

type Step =
  | { op: Exclude<ScenarioOperation, 'authorize'>; amount?: number; header?: string; account?: string }
  | { op: 'authorize'; amount?: number; account?: string };

/** What each step selects: the scenario's name and where it came from, or '-' for none. */
function run(armed: ArmScenarioRequest[], steps: Step[]): string[] {
  const scenarios = new ScenarioEngine('seed', sequentialUuids());
  for (const request of armed) scenarios.arm(request);
  return steps.map((step) => {
    const account = step.account ?? 'a';
    const selected =
      step.op === 'authorize'
        ? scenarios.select(authorizeFacts(account, step.amount), undefined)
        : scenarios.selectForOperation(account, step.op, step.amount, step.header);
    return selected === undefined ? '-' : `${selected.scenario.name}/${selected.source}`;
  });
}

const capture = { operation: 'capture' as const };

describe('selectForOperation: scenarios on the payment transaction writes', () => {
  it.each<[string, ArmScenarioRequest[], Step[], string[]]>([
    [
      'armed for capture: the next capture only, then normal',
      [{ account: 'a', name: 'rate-limited', match: capture }],
      [
        { op: 'refund', amount: 100 },
        { op: 'capture', amount: 100 },
        { op: 'capture', amount: 100 },
      ],
      ['-', 'rate-limited/armed', '-'],
    ],
    [
      'armed for capture leaves authorize alone, and stays armed',
      [{ account: 'a', name: 'rate-limited', match: capture }],
      [{ op: 'authorize' }, { op: 'capture' }],
      ['-', 'rate-limited/armed'],
    ],
    [
      'armed without an operation is authorize’s: a capture does not take it',
      [{ account: 'a', name: 'rate-limited' }],
      [{ op: 'capture' }, { op: 'authorize' }],
      ['-', 'rate-limited/armed'],
    ],
    [
      'armed for another account: not this one’s',
      [{ account: 'b', name: 'rate-limited', match: capture }],
      [{ op: 'capture' }, { op: 'capture', account: 'b' }],
      ['-', 'rate-limited/armed'],
    ],
    [
      'armed for all accounts applies to any account’s capture',
      [{ name: 'internal-error', match: capture, times: 2 }],
      [
        { op: 'capture', account: 'x' },
        { op: 'capture', account: 'y' },
        { op: 'capture', account: 'z' },
      ],
      ['internal-error/armed', 'internal-error/armed', '-'],
    ],
    [
      'times: answers that many, then the operation runs',
      [{ account: 'a', name: 'unauthorized', match: { operation: 'void' }, times: 2 }],
      [{ op: 'void' }, { op: 'void' }, { op: 'void' }],
      ['unauthorized/armed', 'unauthorized/armed', '-'],
    ],
    [
      'the match’s amount is the operation’s amount',
      [{ account: 'a', name: 'rate-limited', match: { operation: 'refund', amount: 700 } }],
      [
        { op: 'refund', amount: 100 },
        { op: 'refund', amount: 700 },
      ],
      ['-', 'rate-limited/armed'],
    ],
    [
      'magic amount: 9929 on a capture, a refund and a reauthorize',
      [],
      [
        { op: 'capture', amount: 9929 },
        { op: 'refund', amount: 9929 },
        { op: 'reauthorize', amount: 9929 },
        { op: 'capture', amount: 9928 },
      ],
      ['rate-limited/magic', 'rate-limited/magic', 'rate-limited/magic', '-'],
    ],
    [
      'magic amount whose scenario cannot apply steps aside; DECLINED applies to a capture only',
      [],
      [
        { op: 'capture', amount: 9901 },
        { op: 'refund', amount: 9901 },
        { op: 'capture', amount: 9974 },
      ],
      ['declined/magic', '-', '-'],
    ],
    [
      'the header beats a magic amount',
      [],
      [{ op: 'capture', amount: 9929, header: 'internal-error' }],
      ['internal-error/header'],
    ],
    [
      'armed beats the header and the magic amount',
      [{ account: 'a', name: 'unauthorized', match: capture }],
      [
        { op: 'capture', amount: 9929, header: 'internal-error' },
        { op: 'capture', amount: 9929, header: 'internal-error' },
      ],
      ['unauthorized/armed', 'internal-error/header'],
    ],
  ])('%s', (_title, armed, steps, expected) => {
    expect(run(armed, steps)).toEqual(expected);
  });

  it.each<[string, ArmScenarioRequest]>([
    ['a result on a refund', { name: 'declined', match: { operation: 'refund' } }],
    ['APPROVED on a capture', { scenario: { name: 'mine', result: 'APPROVED', match: capture } }],
    ['response_lost on a void', { name: 'response-lost', match: { operation: 'void' } }],
  ])('refuses to arm what cannot apply to the operation: %s', (_title, request) => {
    const scenarios = new ScenarioEngine('seed', sequentialUuids());
    expect(() => scenarios.arm(request)).toThrow(KlarnaHttpError);
  });
});
