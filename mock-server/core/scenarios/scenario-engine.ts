import {
  type ArmedScenario,
  type ArmScenarioRequest,
  operationConflict,
  type Scenario,
  type ScenarioOperation,
} from '../../../contracts/index.js';
import { ARMED_SCENARIO_LIMITS, type ArmedScenarioLimits } from '../config.js';
import { catalogue } from '../error-catalogue.js';
import { lazyCache } from '../store/lazy-cache.js';
import { BUILT_IN_SCENARIOS } from './built-in.js';
import { matchesConditions, type RequestFacts } from './match.js';
import { seededRandom } from './seeded-random.js';

export type ScenarioSource = 'armed' | 'header' | 'fixture' | 'magic';

export interface SelectedScenario {
  scenario: Scenario;
  source: ScenarioSource;
  delayMs: number;
}

interface ArmedEntry {
  id: string;
  account: string | null;
  scenario: Scenario;
  remaining: number;
}

/**
 * Chooses the scenario for a request, highest precedence first: armed through the admin API (this account's, then
 * those armed for all), the Mock-Scenario header, fixture rules, magic amounts. Everything it counts or draws is
 * kept per partner account, so parallel CI jobs on distinct accounts never see each other.
 */
export class ScenarioEngine {
  /** Every armed entry by id, in arming order (the order `list` shows). */
  private readonly armed = new Map<string, ArmedEntry>();
  /**
   * The same entries by account, and those armed for all: a request looks at its own account's and the for-all
   * ones only, so what other accounts armed costs it nothing.
   */
  private readonly byAccount = new Map<string, ArmedEntry[]>();
  private readonly forAll: ArmedEntry[] = [];
  private examinedCount = 0;
  private lastScope: { account: string; text: string } | undefined;
  private readonly counters = lazyCache<number>(100_000);
  private readonly randoms = lazyCache<() => number>(10_000);
  private readonly generations = lazyCache<number>(100_000);
  private fixtures: Scenario[] = [];

  constructor(
    private readonly seed: string,
    private readonly uuid: () => string,
    private readonly limits: ArmedScenarioLimits = ARMED_SCENARIO_LIMITS,
  ) {}

  /** Armed entries the requests so far have looked at: what selection costs, counted rather than timed. */
  get examined(): number {
    return this.examinedCount;
  }

  setFixtures(scenarios: Scenario[]): void {
    this.fixtures = scenarios;
  }

  /** Built-in and fixture scenarios by name, for the header and for arming by name. */
  available() {
    return [
      ...BUILT_IN_SCENARIOS.map((s) => ({ name: s.name, source: 'built-in' as const, description: s.description })),
      ...this.fixtures.map((s) => ({ name: s.name, source: 'fixture' as const, description: s.description ?? '' })),
    ];
  }

  byName(name: string): Scenario | undefined {
    const fixture = this.fixtures.find((s) => s.name === name);
    if (fixture) return fixture;
    const builtIn = BUILT_IN_SCENARIOS.find((s) => s.name === name);
    if (builtIn === undefined) return undefined;
    // The magic amount is how a built-in is reached, not part of the scenario a client arms or lists.
    const { magicAmount: _amount, ...scenario } = builtIn;
    return scenario;
  }

  arm(request: ArmScenarioRequest): ArmedScenario {
    const chosen = request.scenario ?? (request.name !== undefined ? this.byName(request.name) : undefined);
    if (chosen === undefined) throw this.unknownName('name', request.name ?? '');
    // The request's match is laid over the scenario's own: {operation: 'capture'} arms a built-in for captures.
    const scenario = request.match === undefined ? chosen : { ...chosen, match: { ...chosen.match, ...request.match } };
    const conflict = operationConflict(scenario);
    if (conflict !== undefined) throw catalogue.validation([{ parameter: 'match.operation', reason: conflict }]);
    // A scenario given in full may not take a built-in's or a fixture's name, as scenario files may not: the log and
    // the journal would name a scenario that did something else.
    if (request.scenario !== undefined && this.byName(request.scenario.name) !== undefined) {
      throw catalogue.validation([
        {
          parameter: 'scenario.name',
          reason: `"${request.scenario.name}" is already a scenario's name: arm that one by name, or give yours another`,
        },
      ]);
    }
    const account = request.account ?? null;
    const bucket = account === null ? this.forAll : (this.byAccount.get(account) ?? []);
    if (account === null && bucket.length >= this.limits.forAll) {
      throw catalogue.armedLimit(this.limits.forAll, 'for all accounts');
    }
    if (account !== null && bucket.length >= this.limits.perAccount) {
      throw catalogue.armedLimit(this.limits.perAccount, `for account ${account}`);
    }
    if (this.armed.size >= this.limits.total) throw catalogue.armedLimit(this.limits.total);
    const entry: ArmedEntry = { id: this.uuid(), account, scenario, remaining: request.times ?? scenario.times ?? 1 };
    this.armed.set(entry.id, entry);
    bucket.push(entry);
    if (account !== null && bucket.length === 1) this.byAccount.set(account, bucket);
    return view(entry);
  }

  list(account?: string): ArmedScenario[] {
    if (account !== undefined) return (this.byAccount.get(account) ?? []).map(view);
    return [...this.armed.values()].map(view);
  }

  disarm(id: string): boolean {
    const entry = this.armed.get(id);
    if (entry === undefined) return false;
    this.remove(entry);
    return true;
  }

  /** Forgets what one account armed, counted and drew; other accounts and scenarios armed for all stay. */
  resetAccount(account: string): number {
    const bucket = this.byAccount.get(account) ?? [];
    for (const entry of bucket) this.armed.delete(entry.id);
    this.byAccount.delete(account);
    // Counters and draws are keyed by the account's generation: bumping it forgets them all at once.
    this.generations().set(account, (this.generations().get(account) ?? 0) + 1);
    this.lastScope = undefined;
    return bucket.length;
  }

  select(facts: RequestFacts, headerName: string | undefined): SelectedScenario | undefined {
    const armed = this.selectArmed(facts);
    if (armed) return armed;
    if (headerName !== undefined) {
      const scenario = this.byName(headerName);
      if (scenario === undefined) throw this.unknownName('Mock-Scenario', headerName);
      if (fits(scenario, facts) && this.draws(scenario, facts.account)) {
        return this.selected(scenario, 'header', facts.account);
      }
    }
    for (const rule of this.fixtures) {
      if (rule.match === undefined || !fits(rule, facts)) continue;
      if (this.ruleApplies(`rule:${rule.name}`, rule, facts, rule.times)) {
        return this.selected(rule, 'fixture', facts.account);
      }
    }
    const magic = BUILT_IN_SCENARIOS.find((s) => s.magicAmount !== undefined && s.magicAmount === facts.amount);
    return magic && fits(magic, facts) ? this.selected(magic, 'magic', facts.account) : undefined;
  }

  private selectArmed(facts: RequestFacts): SelectedScenario | undefined {
    return this.firstArmed(this.byAccount.get(facts.account), facts) ?? this.firstArmed(this.forAll, facts);
  }

  private firstArmed(entries: ArmedEntry[] | undefined, facts: RequestFacts): SelectedScenario | undefined {
    if (entries === undefined) return undefined;
    for (const entry of entries) {
      this.examinedCount += 1;
      if (!fits(entry.scenario, facts)) continue;
      if (!this.ruleApplies(`armed:${entry.id}`, entry.scenario, facts, undefined)) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.remove(entry);
      return this.selected(entry.scenario, 'armed', facts.account);
    }
    return undefined;
  }

  /** Out of the index; a bucket holds at most its cap of entries, so the splice stays cheap. */
  private remove(entry: ArmedEntry): void {
    this.armed.delete(entry.id);
    const bucket = entry.account === null ? this.forAll : this.byAccount.get(entry.account);
    if (bucket === undefined) return;
    bucket.splice(bucket.indexOf(entry), 1);
    if (entry.account !== null && bucket.length === 0) this.byAccount.delete(entry.account);
  }

  /** Conditions, then the nth count, then `times` (fixture rules, per account), then the probability draw. */
  private ruleApplies(key: string, scenario: Scenario, facts: RequestFacts, times: number | undefined): boolean {
    if (!matchesConditions(scenario.match, facts)) return false;
    const seen = this.bump(`${key}:seen`, facts.account);
    const nth = scenario.match?.nth;
    if (nth !== undefined && seen !== nth) return false;
    if (times !== undefined && this.count(`${key}:fired`, facts.account) >= times) return false;
    if (!this.draws(scenario, facts.account)) return false;
    if (times !== undefined) this.bump(`${key}:fired`, facts.account);
    return true;
  }

  private draws(scenario: Scenario, account: string): boolean {
    return scenario.probability === undefined || this.random(account)() < scenario.probability;
  }

  private selected(scenario: Scenario, source: ScenarioSource, account: string): SelectedScenario {
    const delay = scenario.delay_ms;
    let delayMs = 0;
    if (typeof delay === 'number') delayMs = delay;
    else if (delay !== undefined)
      delayMs = delay.min + Math.floor(this.random(account)() * (delay.max - delay.min + 1));
    return { scenario, source, delayMs };
  }

  private scoped(key: string, account: string) {
    return JSON.stringify([key, account, this.generations().get(account) ?? 0]);
  }

  /**
   * The counters' key for an account and its generation, made once for a run of requests of one account: a request
   * may count against every scenario armed for all, and building the key each time cost more than the count.
   */
  private counterScope(account: string): string {
    if (this.lastScope?.account !== account) {
      this.lastScope = { account, text: JSON.stringify([account, this.generations().get(account) ?? 0]) };
    }
    return this.lastScope.text;
  }

  private count(key: string, account: string): number {
    return this.counters().get(`${key}\n${this.counterScope(account)}`) ?? 0;
  }

  private bump(key: string, account: string): number {
    const scoped = `${key}\n${this.counterScope(account)}`;
    const next = (this.counters().get(scoped) ?? 0) + 1;
    this.counters().set(scoped, next);
    return next;
  }

  /** One generator per account (and reset), seeded from the configured seed: a run replays exactly. */
  private random(account: string): () => number {
    const key = this.scoped('random', account);
    let random = this.randoms().get(key);
    if (random === undefined) {
      random = seededRandom(`${this.seed}:${key}`);
      this.randoms().set(key, random);
    }
    return random;
  }

  /**
   * The scenario a `Mock-Scenario` header names on an operation other than authorize: only its error, fault and
   * delay can apply there (a result is authorize's). Unknown names are a 400, as on authorize.
   */
  forOperation(headerName: string, account: string): SelectedScenario {
    const scenario = this.byName(headerName);
    if (scenario === undefined) throw this.unknownName('Mock-Scenario', headerName);
    return this.selected(scenario, 'header', account);
  }

  /**
   * The scenario for a payment transaction write (capture, refund, void, reauthorize, update), as on authorize:
   * the first entry armed with this `match.operation` (this account's, then those for all; it counts against
   * `remaining`), then the `Mock-Scenario` header, then a built-in's magic amount equal to the operation's amount.
   * A magic amount whose scenario cannot apply here (a result other than a capture's DECLINED, `response_lost`)
   * steps aside: the operation runs as asked.
   */
  selectForOperation(
    account: string,
    operation: Exclude<ScenarioOperation, 'authorize'>,
    amount: number | undefined,
    headerName?: string,
  ): SelectedScenario | undefined {
    const facts: RequestFacts = {
      account,
      amount,
      currency: '',
      email: undefined,
      reference: undefined,
      sessionToken: false,
      customerToken: false,
      stepUpPossible: false,
      operation,
    };
    const armed = this.selectArmed(facts);
    if (armed) return armed;
    if (headerName !== undefined) return this.forOperation(headerName, account);
    if (amount === undefined) return undefined;
    const magic = BUILT_IN_SCENARIOS.find((s) => s.magicAmount === amount);
    if (magic === undefined || operationConflict({ ...magic, match: { operation } }) !== undefined) return undefined;
    return this.selected(magic, 'magic', account);
  }

  /** The name is cut short; the catalogue cuts a long list of valid names at Klarna's 512 characters. */
  private unknownName(parameter: string, name: string) {
    const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
    const reason = `unknown scenario "${shown}"; valid: ${this.available()
      .map((s) => s.name)
      .join(', ')}`;
    return catalogue.validation([{ parameter, reason }]);
  }
}

/**
 * A scenario only answers what Klarna could: a STEP_UP_REQUIRED one steps aside (untouched, not counted) for a request
 * Klarna never steps up, as the `+require_signup` e-mail does (decide.ts).
 */
function fits(scenario: Scenario, facts: RequestFacts): boolean {
  return scenario.result !== 'STEP_UP_REQUIRED' || facts.stepUpPossible;
}

function view(entry: ArmedEntry): ArmedScenario {
  return { id: entry.id, account: entry.account, remaining: entry.remaining, scenario: entry.scenario };
}
