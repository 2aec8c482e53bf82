import type { Scenario } from '../../../contracts/index.js';
import type { ArmedScenarioLimits } from '../../core/config.js';
import { catalogue } from '../../core/error-catalogue.js';
import {
  type ArmedEntry,
  type ArmedLists,
  type Candidate,
  counterOf,
  type Picked,
  type ScenarioStore,
} from '../../core/scenarios/scenario-store.js';
import { drawAt, seedState, streamSeed } from '../../core/scenarios/seeded-random.js';
import { lazyCache } from '../../core/store/lazy-cache.js';
import type { RedisClient } from './redis-commands.js';
import { RedisGuard } from './redis-commands.js';
import { forAllKeys, scenarioKeys } from './redis-keys.js';
import { ARM, DISARM, DRAW, PICK, READ, RESERVE, RESET, TAKE, UNINDEX } from './redis-scenario-scripts.js';

/**
 * How long Redis keeps armed entries and counts after their last write. Scenarios have no window of their own (an
 * entry is armed until used up, disarmed or reset), so this is a generous bound, for garbage collection only.
 */
export const SCENARIO_TTL_MS = 30 * 24 * 60 * 60_000;
/** Counts one account keeps (nth and times, per entry and rule); past it they start over, its draws' position kept. */
const MAX_COUNTS = 2_000;
const UNINDEX_SLICE = 1_000;
/** Accounts whose armed entries as last read on arrival are kept, and the bytes of their entries' JSON at most. */
const MAX_SNAPSHOTS = 10_000;
const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;
const NO_ENTRIES: readonly ArmedEntry[] = Object.freeze([]);

type Arg = string | number;
interface Scripts {
  kmScReserve(...args: Arg[]): Promise<number>;
  kmScArm(...args: Arg[]): Promise<number>;
  kmScUnindex(...args: Arg[]): Promise<number>;
  kmScRead(...args: Arg[]): Promise<[string[], string[]]>;
  kmScDisarm(...args: Arg[]): Promise<number>;
  kmScReset(...args: Arg[]): Promise<string[]>;
  kmScPick(...args: Arg[]): Promise<[string, number?, number?, number?]>;
  kmScTake(...args: Arg[]): Promise<number>;
  kmScDraw(...args: Arg[]): Promise<number>;
}

export interface RedisScenarioStoreOptions {
  /** The settings' seed: each account's draws are the stream the memory store would draw. */
  seed: string;
  limits: ArmedScenarioLimits;
  namespace: string;
  onError?: (message: string) => void;
}

/**
 * Armed scenarios, their counts and the position of each account's seeded draws in Redis, shared by every instance
 * (docs/simulator-choices.md#shared-store). An account's entries and counts sit in its hash tag, so choosing a
 * request's scenario is one Lua script there: it counts nth, draws and takes the firing atomically, so `times: 5`
 * answers exactly five requests whichever instances they reach. Entries armed for all, with the index of every entry
 * (arming order, and the total cap), sit under a tag of their own: such an entry's firing is taken there by a
 * second script once the account's counts and draws said it answers.
 */
export class RedisScenarioStore implements ScenarioStore<'shared'> {
  readonly kind = 'redis';
  private readonly scripts: Scripts;
  private readonly guard: RedisGuard;
  private readonly all: ReturnType<typeof forAllKeys>;
  /** Each account's entries as the last request that arrived for it read them, and the bytes of their JSON. */
  private readonly snapshots = lazyCache<{ entries: ArmedEntry[]; bytes: number }>(MAX_SNAPSHOTS, {
    size: (snapshot) => snapshot.bytes,
    maxBytes: MAX_SNAPSHOT_BYTES,
  });
  /** The entries armed for all as last read on arrival (on one Redis server only: on a Cluster they live elsewhere). */
  private forAllSnapshot: ArmedEntry[] | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisScenarioStoreOptions,
  ) {
    const scripts = { kmScReserve: RESERVE, kmScArm: ARM, kmScUnindex: UNINDEX, kmScRead: READ };
    const more = { kmScDisarm: DISARM, kmScReset: RESET, kmScPick: PICK, kmScTake: TAKE, kmScDraw: DRAW };
    for (const [name, lua] of Object.entries({ ...scripts, ...more })) client.defineCommand(name, { lua });
    this.scripts = client as unknown as Scripts;
    this.guard = new RedisGuard(options.onError, 'Redis scenario store');
    this.all = forAllKeys(options.namespace);
  }

  private keys(account: string) {
    return scenarioKeys(this.options.namespace, account);
  }

  private run<T>(what: string, work: (scripts: Scripts) => Promise<T>): Promise<T> {
    return this.guard.run(what, () => work(this.scripts));
  }

  async arm(entry: ArmedEntry): Promise<void> {
    const { limits } = this.options;
    const forAll = entry.account === null;
    const json = JSON.stringify({ account: entry.account, scenario: entry.scenario });
    const { index, owner, seq, armed, left } = this.all;
    const reserve = () =>
      this.run('arm', (s) =>
        s.kmScReserve(
          5,
          index,
          owner,
          seq,
          armed,
          left,
          entry.id,
          forAll ? '1' : '0',
          entry.account ?? '',
          limits.total,
          SCENARIO_TTL_MS,
          json,
          entry.remaining,
          limits.forAll,
        ),
      );
    let place = await reserve();
    // Entries whose account's keys expired, or whose instance died between its two steps, hold no place for long.
    if (place === -1 && (await this.repairIndex()) > 0) place = await reserve();
    if (place === -2) throw catalogue.armedLimit(limits.forAll, 'for all accounts');
    const account = entry.account;
    if (account === null) {
      if (place === -1) throw catalogue.armedLimit(limits.total);
      return;
    }
    const keys = this.keys(account);
    const perAccount = catalogue.armedLimit(limits.perAccount, `for account ${account}`);
    if (place === -1) {
      const own = await this.run('arm', (s) => s.kmScRead(2, keys.armed, keys.left));
      throw own[0].length / 2 >= limits.perAccount ? perAccount : catalogue.armedLimit(limits.total);
    }
    const value = `${place} ${json}`;
    const armedHere = await this.run('arm', (s) =>
      s.kmScArm(2, keys.armed, keys.left, entry.id, value, entry.remaining, limits.perAccount, SCENARIO_TTL_MS),
    );
    if (armedHere === 1) return;
    await this.unindex([entry.id]);
    throw perAccount;
  }

  async list(account?: string): Promise<ArmedEntry[]> {
    if (account !== undefined) return this.read(this.keys(account));
    return (await this.walkIndex()).entries;
  }

  async disarm(id: string): Promise<boolean> {
    const owner = await this.run('disarm', () => this.client.hget(this.all.owner, id));
    if (owner === null) return false;
    if (owner === '*') {
      const { armed, left, index } = this.all;
      return (await this.run('disarm', (s) => s.kmScDisarm(4, armed, left, index, this.all.owner, id))) === 1;
    }
    const keys = this.keys(owner.slice(1));
    const removed = await this.run('disarm', (s) => s.kmScDisarm(2, keys.armed, keys.left, id));
    await this.unindex([id]);
    return removed === 1;
  }

  async resetAccount(account: string): Promise<number> {
    const keys = this.keys(account);
    const ids = await this.run('reset', (s) => s.kmScReset(3, keys.armed, keys.left, keys.counts));
    await this.unindex(ids);
    return ids.length;
  }

  /**
   * The keys a request's arrival read takes with its account's clock (redis-clock-offsets.ts): the account's armed
   * entries, and on one Redis server those for all too (on a Cluster they live in another slot).
   */
  arrivalKeys(account: string): string[] {
    const own = this.keys(account);
    if (this.client.isCluster) return [own.armed, own.left];
    return [own.armed, own.left, this.all.armed, this.all.left];
  }

  /** What the arrival read found under arrivalKeys: the entries the request's selection then uses. */
  arrived(account: string, pairs: string[][]): void {
    const [armed = [], left = [], allArmed, allLeft] = pairs;
    const bytes = armed.reduce((sum, text) => sum + text.length, 0);
    const entries = armed.length === 0 ? (NO_ENTRIES as ArmedEntry[]) : parseBucket(armed, left);
    // Larger than the cap: not kept (lru-cache's rule), so the selection reads Redis.
    this.snapshots().set(account, { entries, bytes });
    if (allArmed !== undefined) {
      this.forAllSnapshot = allArmed.length === 0 ? (NO_ENTRIES as ArmedEntry[]) : parseBucket(allArmed, allLeft ?? []);
    }
  }

  /**
   * The entries a request chooses from: as its arrival read them (or a later request's, for the same account), else
   * read now. Every caller is a Klarna operation, which read its account's entries when it arrived (shared-clock.ts),
   * and a newer read only replaces an older one: the lists are never older than the request. An entry used up or
   * disarmed since is passed over by the pick script, which checks that each entry is still armed.
   */
  async armedFor(account: string): Promise<ArmedLists> {
    const own = this.snapshots.ifMade()?.get(account)?.entries;
    const forAll = this.forAllSnapshot;
    if (own !== undefined && forAll !== undefined) return { own, forAll };
    const [ownRead, forAllRead] = await Promise.all([
      own ?? this.read(this.keys(account)),
      forAll ?? this.read(this.all),
    ]);
    return { own: ownRead, forAll: forAllRead };
  }

  async pick(account: string, candidates: readonly Candidate[]): Promise<Picked | undefined> {
    const keys = this.keys(account);
    const state = seedState(streamSeed(this.options.seed, account, 0));
    const args = candidates.flatMap(encoded);
    for (let start = 0; start < candidates.length; ) {
      const first = start;
      const reply = await this.run('select', (s) =>
        s.kmScPick(3, keys.armed, keys.left, keys.counts, state, SCENARIO_TTL_MS, MAX_COUNTS, first, ...args),
      );
      if (reply[0] === 'none') return undefined;
      const index = Number(reply[1]);
      const chosen = candidates[index] as Candidate;
      if (reply[0] === 'picked') {
        if (reply[3] === 1 && chosen.armed !== undefined) await this.unindex([chosen.armed.id]);
        const delay = Number(reply[2]);
        return { index, delayDraw: delay < 0 ? undefined : drawAt(state, delay) };
      }
      // An entry armed for all answers this request: its firing is taken in its own slot, unless used up meanwhile.
      const id = chosen.armed?.id ?? '';
      const { armed, left, index: all, owner } = this.all;
      if ((await this.run('select', (s) => s.kmScTake(4, armed, left, all, owner, id))) >= 0) {
        if (!chosen.drawsDelay) return { index, delayDraw: undefined };
        const delay = await this.run('select', (s) => s.kmScDraw(1, keys.counts, SCENARIO_TTL_MS));
        return { index, delayDraw: drawAt(state, delay) };
      }
      start = index + 1;
    }
    return undefined;
  }

  /** One bucket's entries (an account's, or those for all), in arming order, read at one instant. */
  private async read(keys: { armed: string; left: string }): Promise<ArmedEntry[]> {
    const [armed, left] = await this.run('read', (s) => s.kmScRead(2, keys.armed, keys.left));
    return parseBucket(armed, left);
  }

  /**
   * Every entry, by the index (arming order) and each owner's bucket. Ids the buckets no longer hold (their keys
   * expired, or an instance died between an entry's two steps) are stale.
   */
  private async walkIndex(): Promise<{ entries: ArmedEntry[]; stale: string[] }> {
    const { client } = this;
    const ids = await this.run('list', () => client.zrange(this.all.index, 0, -1));
    if (ids.length === 0) return { entries: [], stale: [] };
    const owners = await this.run('list', () => client.hmget(this.all.owner, ...ids));
    const buckets = new Map<string, Promise<ArmedEntry[]>>();
    for (const owner of owners) {
      if (owner === null || buckets.has(owner)) continue;
      buckets.set(owner, this.read(owner === '*' ? this.all : this.keys(owner.slice(1))));
    }
    const byId = new Map<string, ArmedEntry>();
    for (const entries of await Promise.all(buckets.values())) for (const entry of entries) byId.set(entry.id, entry);
    const entries: ArmedEntry[] = [];
    const stale: string[] = [];
    for (const id of ids) {
      const entry = byId.get(id);
      if (entry === undefined) stale.push(id);
      else entries.push(entry);
    }
    return { entries, stale };
  }

  /** Takes stale ids out of the index (only when the total cap refuses: a walk costs a read per account). */
  private async repairIndex(): Promise<number> {
    const { stale } = await this.walkIndex();
    await this.unindex(stale);
    return stale.length;
  }

  /** In slices: Lua's unpack takes a few thousand values at most, and a reset may free more. */
  private async unindex(ids: string[]): Promise<void> {
    for (let at = 0; at < ids.length; at += UNINDEX_SLICE) {
      const slice = ids.slice(at, at + UNINDEX_SLICE);
      await this.run('unindex', (s) => s.kmScUnindex(2, this.all.index, this.all.owner, ...slice));
    }
  }
}

/** A candidate as the pick script reads it: kind, entry id, counter, nth, times, probability, delay. */
function encoded(candidate: Candidate): Arg[] {
  const { armed } = candidate;
  const kind = armed === undefined ? 's' : armed.account === null ? 'f' : 'a';
  const text = (value: number | undefined) => (value === undefined ? '' : String(value));
  return [
    kind,
    armed?.id ?? '',
    candidate.nth === undefined && candidate.times === undefined ? '' : counterOf(candidate),
    text(candidate.nth),
    text(candidate.times),
    text(candidate.probability),
    candidate.drawsDelay ? '1' : '0',
  ];
}

/** One bucket's HGETALLs (armed: id, `<seq> <json>`; left: id, firings) as its entries, in arming order. */
function parseBucket(armed: string[], left: string[]): ArmedEntry[] {
  const remaining = new Map<string, number>();
  for (let i = 0; i < left.length; i += 2) remaining.set(left[i] as string, Number(left[i + 1]));
  const entries: { seq: number; entry: ArmedEntry }[] = [];
  for (let i = 0; i < armed.length; i += 2) {
    const id = armed[i] as string;
    const value = armed[i + 1] as string;
    const space = value.indexOf(' ');
    const stored = JSON.parse(value.slice(space + 1)) as { account: string | null; scenario: Scenario };
    entries.push({
      seq: Number(value.slice(0, space)),
      entry: { id, account: stored.account, scenario: stored.scenario, remaining: remaining.get(id) ?? 0 },
    });
  }
  return entries.sort((a, b) => a.seq - b.seq).map(({ entry }) => entry);
}
