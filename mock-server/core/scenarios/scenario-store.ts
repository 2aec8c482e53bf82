import type { Scenario } from '../../../contracts/index.js';
import type { Awaitable } from '../awaitable.js';

// Issue 15: armed scenarios, their counts and the seeded draws go through this interface, so that they can live in
// this process (memory, synchronous: authorize stays free of promises) or in a store shared by many processes
// (Redis, io/redis/redis-scenario-store.ts). The engine (scenario-engine.ts) decides which scenarios may answer a
// request, in precedence order; the store counts, draws and takes one firing for them in one atomic step.

/** One armed scenario: for an account, or for all (`account` null); `remaining` firings left. */
export interface ArmedEntry {
  id: string;
  account: string | null;
  scenario: Scenario;
  remaining: number;
}

/** The entries a request may meet: its own account's, then those armed for all, each in arming order. */
export interface ArmedLists {
  own: readonly ArmedEntry[];
  forAll: readonly ArmedEntry[];
}

export type ScenarioSource = 'armed' | 'header' | 'fixture' | 'magic';

/**
 * A scenario that may answer a request (its conditions hold), and what must still be counted and drawn before it
 * does, in this order: the armed entry still has firings left, the `nth` count (per account), the `times` count (a
 * fixture rule's, per account), the `probability` draw; when it answers, a firing is taken and, for a ranged delay,
 * one more draw is made. A candidate with none of these always answers.
 */
export interface Candidate {
  /** Undefined: the `Mock-Scenario` header named no scenario, which is refused if the request gets this far. */
  scenario: Scenario | undefined;
  source: ScenarioSource;
  /** The header's name, for the refusal. */
  named: string | undefined;
  armed: ArmedEntry | undefined;
  nth: number | undefined;
  times: number | undefined;
  probability: number | undefined;
  drawsDelay: boolean;
}

/** Name of a candidate's per-account counts for `nth` and `times`: `armed:<id>`, or a fixture rule's `rule:<name>`. */
export function counterOf(candidate: Candidate): string {
  return candidate.armed !== undefined ? `armed:${candidate.armed.id}` : `rule:${candidate.scenario?.name}`;
}

/** The candidate that answers, and the draw for its ranged delay. */
export interface Picked {
  index: number;
  delayDraw: number | undefined;
}

/** Whether a store answers at once (memory) or may answer with a promise (shared by many processes). */
export type StoreMode = 'memory' | 'shared';
export type Answer<M extends StoreMode, T> = M extends 'memory' ? T : Awaitable<T>;

/**
 * Armed entries bounded by the caps (per account, for all, in all: a refusal is the catalogue's `armedLimit`), and
 * per account the `nth`/`times` counts and the position in the seeded stream of draws.
 */
export interface ScenarioStore<M extends StoreMode = StoreMode> {
  /** Short name for logs ('memory', 'redis'). */
  readonly kind: string;
  arm(entry: ArmedEntry): Answer<M, void>;
  /** One account's entries, or every entry; oldest first. */
  list(account?: string): Answer<M, ArmedEntry[]>;
  disarm(id: string): Answer<M, boolean>;
  /** Forgets one account's entries, counts and draws; the number of entries it had. */
  resetAccount(account: string): Answer<M, number>;
  armedFor(account: string): Answer<M, ArmedLists>;
  /**
   * The first candidate that answers, its counts and draws made and its firing taken, atomically across every
   * process sharing the store; undefined when none does.
   */
  pick(account: string, candidates: readonly Candidate[]): Answer<M, Picked | undefined>;
}

/** Whether a candidate answers without anything counted or drawn: the candidates after it never matter. */
export function certain(candidate: Candidate): boolean {
  return (
    candidate.armed === undefined &&
    candidate.nth === undefined &&
    candidate.times === undefined &&
    candidate.probability === undefined &&
    !candidate.drawsDelay
  );
}
