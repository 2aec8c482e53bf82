import { describe, expect, it } from 'vitest';
import { KlarnaHttpError } from '../../mock-server/core/error-catalogue.js';
import { BUILT_IN_SCENARIOS, BY_MAGIC_AMOUNT } from '../../mock-server/core/scenarios/built-in.js';
import { ScenarioEngine } from '../../mock-server/core/scenarios/scenario-engine.js';
import { sequentialUuids } from '../support/fake-clock.js';
import { requestFacts } from '../support/request-facts.js';

const facts = requestFacts;
/** A scenario that matches every request and never fires: each request it examines counts towards nth. */
const never = { name: 'never', match: { nth: 1_000_000 }, result: 'DECLINED' as const };
const engine = (limits?: ConstructorParameters<typeof ScenarioEngine>[2]) =>
  new ScenarioEngine('seed', sequentialUuids(), limits);

/** Arms for the account until refused; the number armed, and the refusal. */
function armUntilRefused(scenarios: ScenarioEngine, account: string | undefined, upTo = 20_000) {
  for (let armed = 0; armed < upTo; armed += 1) {
    try {
      scenarios.arm({ ...(account !== undefined && { account }), scenario: never, times: 1 });
    } catch (error) {
      return { armed, error: error as KlarnaHttpError };
    }
  }
  return { armed: upTo, error: undefined };
}

describe('armed scenarios are indexed by account', () => {
  it('a request of a fresh account examines none of 10,000 scenarios armed for other accounts', () => {
    const scenarios = engine();
    for (let a = 0; a < 100; a += 1) {
      for (let i = 0; i < 100; i += 1) scenarios.arm({ account: `other-${a}`, scenario: never });
    }
    expect(scenarios.list()).toHaveLength(10_000);
    expect(scenarios.select(facts('fresh'), undefined)).toBeUndefined();
    expect(scenarios.examined).toBe(0);
  });

  it("a request examines only its own account's entries and those armed for all", () => {
    const scenarios = engine();
    for (let i = 0; i < 3; i += 1) scenarios.arm({ account: 'a', scenario: never });
    for (let i = 0; i < 50; i += 1) scenarios.arm({ account: 'b', scenario: never });
    scenarios.arm({ scenario: never });
    scenarios.arm({ scenario: never });
    expect(scenarios.select(facts('a'), undefined)).toBeUndefined();
    expect(scenarios.examined).toBe(5);
    expect(scenarios.select(facts('c'), undefined)).toBeUndefined();
    expect(scenarios.examined).toBe(7);
  });

  it('one account filling its cap does not stop another account from arming', () => {
    const scenarios = engine();
    const a = armUntilRefused(scenarios, 'a');
    expect(a.armed).toBe(100);
    expect(a.error?.statusCode).toBe(409);
    expect(a.error?.message).toBe('At most 100 scenarios can be armed at once for account a');
    expect(scenarios.arm({ account: 'b', name: 'declined' }).account).toBe('b');
    expect(scenarios.arm({ name: 'declined' }).account).toBeNull();
  });

  it('scenarios armed for all accounts have their own cap, which leaves accounts free to arm', () => {
    const scenarios = engine();
    const all = armUntilRefused(scenarios, undefined);
    expect(all.armed).toBe(100);
    expect(all.error?.message).toBe('At most 100 scenarios can be armed at once for all accounts');
    expect(scenarios.arm({ account: 'b', name: 'declined' }).account).toBe('b');
  });

  it('the global cap still holds across accounts', () => {
    const scenarios = engine({ perAccount: 2, forAll: 2, total: 5 });
    expect(armUntilRefused(scenarios, 'a').armed).toBe(2);
    expect(armUntilRefused(scenarios, undefined).armed).toBe(2);
    const c = armUntilRefused(scenarios, 'c');
    expect(c.armed).toBe(1);
    expect(c.error?.message).toBe('At most 5 scenarios can be armed at once');
  });

  it('an account reset clears what that account armed, and frees its place under the caps', () => {
    const scenarios = engine({ perAccount: 2, forAll: 2, total: 5 });
    armUntilRefused(scenarios, 'a');
    scenarios.arm({ account: 'b', name: 'declined' });
    scenarios.arm({ name: 'approved' });
    expect(scenarios.resetAccount('a')).toBe(2);
    expect(scenarios.list('a')).toEqual([]);
    expect(scenarios.list().map((s) => [s.account, s.scenario.name])).toEqual([
      ['b', 'declined'],
      [null, 'approved'],
    ]);
    expect(armUntilRefused(scenarios, 'a').armed).toBe(2);
  });

  it('disarming by id and using up an entry take it out of the index', () => {
    const scenarios = engine();
    const first = scenarios.arm({ account: 'a', name: 'declined' });
    scenarios.arm({ account: 'a', name: 'approved', times: 1 });
    expect(scenarios.disarm(first.id)).toBe(true);
    expect(scenarios.disarm(first.id)).toBe(false);
    expect(scenarios.select(facts('a'), undefined)?.scenario.result).toBe('APPROVED');
    expect(scenarios.list()).toEqual([]);
    expect(scenarios.select(facts('a'), undefined)).toBeUndefined();
  });

  it('an nth scenario armed for all counts each account on its own', () => {
    const scenarios = engine();
    scenarios.arm({ scenario: { name: 'second', match: { nth: 2 }, result: 'DECLINED' }, times: 5 });
    for (let a = 0; a < 1000; a += 1) scenarios.select(facts(`acct-${a}`), undefined);
    expect(scenarios.examined).toBe(1000);
    expect(scenarios.select(facts('acct-7'), undefined)?.scenario.name).toBe('second');
    expect(scenarios.select(facts('acct-7'), undefined)).toBeUndefined();
  });
});

it('a catalogue error is what refuses the arming', () => {
  const refusal = armUntilRefused(engine(), 'a');
  expect(refusal.error).toBeInstanceOf(KlarnaHttpError);
});

describe('magic amounts', () => {
  it('pick one built-in scenario each: no amount is used twice', () => {
    const withAmount = BUILT_IN_SCENARIOS.filter((s) => s.magicAmount !== undefined);
    expect(withAmount.length).toBeGreaterThan(0);
    expect(BY_MAGIC_AMOUNT.size).toBe(withAmount.length);
    for (const s of withAmount) expect(BY_MAGIC_AMOUNT.get(s.magicAmount as number)).toBe(s);
  });
});
