import {
  type ArmedScenario,
  type ArmScenarioRequest,
  operationConflict,
  type Scenario,
  type ScenarioOperation,
} from '../../../contracts/index.js';
import { type Awaitable, andThen } from '../awaitable.js';
import { ARMED_SCENARIO_LIMITS, type ArmedScenarioLimits } from '../config.js';
import { catalogue } from '../error-catalogue.js';
import { BUILT_IN_SCENARIOS, BY_MAGIC_AMOUNT } from './built-in.js';
import { matchesConditions, type RequestFacts } from './match.js';
import { MemoryScenarioStore } from './memory-scenario-store.js';
import {
  type Answer,
  type ArmedEntry,
  type ArmedLists,
  type Candidate,
  certain,
  type Picked,
  type ScenarioSource,
  type ScenarioStore,
  type StoreMode,
} from './scenario-store.js';

export type { ScenarioSource, StoreMode } from './scenario-store.js';

export interface SelectedScenario {
  scenario: Scenario;
  source: ScenarioSource;
  delayMs: number;
}

/** The engine as the app holds it: over the memory store or a shared one, so its answers may be promises. */
export type Scenarios = ScenarioEngine<StoreMode>;

/**
 * Chooses the scenario for a request, highest precedence first: armed through the admin API (this account's, then
 * those armed for all), the Mock-Scenario header, fixture rules, magic amounts. It lists the scenarios whose
 * conditions hold; the store (memory, or shared by many processes) counts, draws and takes the firing of the first
 * that answers. Over the memory store (the default) every answer is immediate; over a shared one, a promise.
 */
export class ScenarioEngine<M extends StoreMode = 'memory'> {
  private examinedCount = 0;
  private fixtures: Scenario[] = [];
  private readonly store: ScenarioStore<M>;

  constructor(
    seed: string,
    private readonly uuid: () => string,
    limits: ArmedScenarioLimits = ARMED_SCENARIO_LIMITS,
    store?: ScenarioStore<M>,
  ) {
    this.store = store ?? (new MemoryScenarioStore(seed, limits) as unknown as ScenarioStore<M>);
  }

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

  arm(request: ArmScenarioRequest): Answer<M, ArmedScenario> {
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
    const entry: ArmedEntry = { id: this.uuid(), account, scenario, remaining: request.times ?? scenario.times ?? 1 };
    return this.answer(andThen(this.store.arm(entry) as Awaitable<void>, () => view(entry)));
  }

  list(account?: string): Answer<M, ArmedScenario[]> {
    return this.answer(andThen(this.store.list(account) as Awaitable<ArmedEntry[]>, (entries) => entries.map(view)));
  }

  disarm(id: string): Answer<M, boolean> {
    return this.store.disarm(id);
  }

  /** Forgets what one account armed, counted and drew; other accounts and scenarios armed for all stay. */
  resetAccount(account: string): Answer<M, number> {
    return this.store.resetAccount(account);
  }

  select(facts: RequestFacts, headerName: string | undefined): Answer<M, SelectedScenario | undefined> {
    return this.answer(
      andThen(this.store.armedFor(facts.account) as Awaitable<ArmedLists>, (lists) => {
        const candidates = this.armedCandidates(lists, facts);
        if (headerName !== undefined) {
          const scenario = this.byName(headerName);
          if (scenario === undefined) candidates.push(unknown(headerName));
          else if (fits(scenario, facts)) candidates.push(candidate(scenario, 'header', scenario.probability));
        }
        for (const rule of this.fixtures) {
          if (rule.match === undefined || !fits(rule, facts) || !matchesConditions(rule.match, facts)) continue;
          candidates.push(candidate(rule, 'fixture', rule.probability, undefined, rule.match.nth, rule.times));
        }
        const magic = facts.amount === undefined ? undefined : BY_MAGIC_AMOUNT.get(facts.amount);
        if (magic && fits(magic, facts)) candidates.push(candidate(magic, 'magic', undefined));
        return this.chosen(facts.account, candidates);
      }),
    );
  }

  /** This account's entries, then those armed for all, whose conditions hold. */
  private armedCandidates(lists: ArmedLists, facts: RequestFacts): Candidate[] {
    const candidates: Candidate[] = [];
    this.addArmed(lists.own, facts, candidates);
    this.addArmed(lists.forAll, facts, candidates);
    return candidates;
  }

  private addArmed(entries: readonly ArmedEntry[], facts: RequestFacts, candidates: Candidate[]): void {
    for (const entry of entries) {
      this.examinedCount += 1;
      if (!fits(entry.scenario, facts) || !matchesConditions(entry.scenario.match, facts)) continue;
      const { scenario } = entry;
      candidates.push(candidate(scenario, 'armed', scenario.probability, entry, scenario.match?.nth, undefined));
    }
  }

  /**
   * The first candidate that answers: the store counts and draws up to the first one that needs neither (the rest
   * can never answer), or, when that is the first, nothing at all.
   */
  private chosen(account: string, candidates: Candidate[]): Awaitable<SelectedScenario | undefined> {
    const first = candidates[0];
    if (first === undefined) return undefined;
    if (certain(first)) return selected(first, undefined, this);
    const end = candidates.findIndex(certain);
    const needed = end === -1 ? candidates : candidates.slice(0, end + 1);
    return andThen(this.store.pick(account, needed) as Awaitable<Picked | undefined>, (picked) => {
      const chosen = picked === undefined ? undefined : needed[picked.index];
      return chosen === undefined || picked === undefined ? undefined : selected(chosen, picked.delayDraw, this);
    });
  }

  /**
   * The scenario a `Mock-Scenario` header names on an operation other than authorize: only its error, fault and
   * delay can apply there (a result is authorize's). Unknown names are a 400, as on authorize.
   */
  forOperation(headerName: string, account: string): Answer<M, SelectedScenario> {
    return this.answer(this.chosen(account, [this.named(headerName)]) as Awaitable<SelectedScenario>);
  }

  /** The header's scenario as it applies beside authorize: no probability, only its delay drawn. */
  private named(headerName: string): Candidate {
    const scenario = this.byName(headerName);
    return scenario === undefined ? unknown(headerName) : candidate(scenario, 'header', undefined);
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
  ): Answer<M, SelectedScenario | undefined> {
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
    return this.answer(
      andThen(this.store.armedFor(account) as Awaitable<ArmedLists>, (lists) => {
        const candidates = this.armedCandidates(lists, facts);
        if (headerName !== undefined) candidates.push(this.named(headerName));
        else if (amount !== undefined) {
          const magic = BY_MAGIC_AMOUNT.get(amount);
          if (magic !== undefined && operationConflict({ ...magic, match: { operation } }) === undefined) {
            candidates.push(candidate(magic, 'magic', undefined));
          }
        }
        return this.chosen(account, candidates);
      }),
    );
  }

  /** The name is cut short; the catalogue cuts a long list of valid names at Klarna's 512 characters. */
  unknownName(parameter: string, name: string) {
    const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
    const reason = `unknown scenario "${shown}"; valid: ${this.available()
      .map((s) => s.name)
      .join(', ')}`;
    return catalogue.validation([{ parameter, reason }]);
  }

  /** A store's answer as this engine's mode types it: immediate over memory, maybe a promise over a shared store. */
  private answer<T>(value: Awaitable<T>): Answer<M, T> {
    return value as Answer<M, T>;
  }
}

/** Every candidate made here, of one shape (one hidden class: selection runs on every request). */
function candidate(
  scenario: Scenario,
  source: ScenarioSource,
  probability: number | undefined,
  armed?: ArmedEntry,
  nth?: number,
  times?: number,
): Candidate {
  const drawsDelay = typeof scenario.delay_ms === 'object';
  return { scenario, source, named: undefined, armed, nth, times, probability, drawsDelay };
}

/** A header naming no scenario: refused when the request gets this far (an armed scenario answers first). */
function unknown(named: string): Candidate {
  return {
    scenario: undefined,
    source: 'header',
    named,
    armed: undefined,
    nth: undefined,
    times: undefined,
    probability: undefined,
    drawsDelay: false,
  };
}

function selected(
  chosen: Candidate,
  delayDraw: number | undefined,
  engine: { unknownName(parameter: string, name: string): Error },
): SelectedScenario {
  const { scenario, source } = chosen;
  if (scenario === undefined) throw engine.unknownName('Mock-Scenario', chosen.named ?? '');
  const delay = scenario.delay_ms;
  let delayMs = 0;
  if (typeof delay === 'number') delayMs = delay;
  else if (delay !== undefined) delayMs = delay.min + Math.floor((delayDraw ?? 0) * (delay.max - delay.min + 1));
  return { scenario, source, delayMs };
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
