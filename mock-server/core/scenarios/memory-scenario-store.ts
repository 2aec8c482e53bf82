import { ARMED_SCENARIO_LIMITS, type ArmedScenarioLimits } from '../config.js';
import { catalogue } from '../error-catalogue.js';
import { lazyCache } from '../store/lazy-cache.js';
import { type ArmedEntry, type Candidate, counterOf, type Picked, type ScenarioStore } from './scenario-store.js';
import { seededRandom, streamSeed } from './seeded-random.js';

const NONE: readonly ArmedEntry[] = [];

/**
 * Armed scenarios, counts and draws in this process (the default store): synchronous, so that authorize takes no
 * promise. Everything counted or drawn is kept per partner account, so parallel CI jobs on distinct accounts never
 * see each other.
 */
export class MemoryScenarioStore implements ScenarioStore<'memory'> {
  readonly kind = 'memory';
  /** Every armed entry by id, in arming order (the order `list` shows). */
  private readonly armed = new Map<string, ArmedEntry>();
  /**
   * The same entries by account, and those armed for all: a request looks at its own account's and the for-all
   * ones only, so what other accounts armed costs it nothing.
   */
  private readonly byAccount = new Map<string, ArmedEntry[]>();
  private readonly forAll: ArmedEntry[] = [];
  private lastScope: { account: string; text: string } | undefined;
  private readonly counters = lazyCache<number>(100_000);
  private readonly randoms = lazyCache<() => number>(10_000);
  private readonly generations = lazyCache<number>(100_000);

  constructor(
    private readonly seed: string,
    private readonly limits: ArmedScenarioLimits = ARMED_SCENARIO_LIMITS,
  ) {}

  arm(entry: ArmedEntry): void {
    const { account } = entry;
    const bucket = account === null ? this.forAll : (this.byAccount.get(account) ?? []);
    if (account === null && bucket.length >= this.limits.forAll) {
      throw catalogue.armedLimit(this.limits.forAll, 'for all accounts');
    }
    if (account !== null && bucket.length >= this.limits.perAccount) {
      throw catalogue.armedLimit(this.limits.perAccount, `for account ${account}`);
    }
    if (this.armed.size >= this.limits.total) throw catalogue.armedLimit(this.limits.total);
    this.armed.set(entry.id, entry);
    bucket.push(entry);
    if (account !== null && bucket.length === 1) this.byAccount.set(account, bucket);
  }

  list(account?: string): ArmedEntry[] {
    if (account !== undefined) return [...(this.byAccount.get(account) ?? [])];
    return [...this.armed.values()];
  }

  disarm(id: string): boolean {
    const entry = this.armed.get(id);
    if (entry === undefined) return false;
    this.remove(entry);
    return true;
  }

  resetAccount(account: string): number {
    const bucket = this.byAccount.get(account) ?? [];
    for (const entry of bucket) this.armed.delete(entry.id);
    this.byAccount.delete(account);
    // Counters and draws are keyed by the account's generation: bumping it forgets them all at once.
    this.generations().set(account, (this.generations().get(account) ?? 0) + 1);
    this.lastScope = undefined;
    return bucket.length;
  }

  armedFor(account: string) {
    return { own: this.byAccount.get(account) ?? NONE, forAll: this.forAll };
  }

  /** Conditions were checked by the engine: here the nth count, `times`, the draw, then the firing. */
  pick(account: string, candidates: readonly Candidate[]): Picked | undefined {
    for (let index = 0; index < candidates.length; index += 1) {
      const candidate = candidates[index] as Candidate;
      const { armed, nth, times, probability } = candidate;
      if (armed !== undefined && armed.remaining <= 0) continue;
      if (nth !== undefined && this.bump(`${counterOf(candidate)}:seen`, account) !== nth) continue;
      if (times !== undefined && this.count(`${counterOf(candidate)}:fired`, account) >= times) continue;
      if (probability !== undefined && !(this.random(account)() < probability)) continue;
      if (times !== undefined) this.bump(`${counterOf(candidate)}:fired`, account);
      if (armed !== undefined) {
        armed.remaining -= 1;
        if (armed.remaining <= 0) this.remove(armed);
      }
      return { index, delayDraw: candidate.drawsDelay ? this.random(account)() : undefined };
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
    const key = streamSeed(this.seed, account, this.generations().get(account) ?? 0);
    let random = this.randoms().get(key);
    if (random === undefined) {
      random = seededRandom(key);
      this.randoms().set(key, random);
    }
    return random;
  }
}
