import type { ClockOffsets } from '../../core/account-clock.js';
import { type AnswerIds, type Claim, LEASE_MS } from '../../core/store/answer-store.js';
import type { RedisAnswerStore } from './redis-answer-store.js';
import type { RedisClient } from './redis-commands.js';
import { defineScripts, RedisGuard } from './redis-commands.js';
import { scenarioKeys } from './redis-keys.js';
import { ARRIVAL } from './redis-scenario-scripts.js';
import type { RedisScenarioStore } from './redis-scenario-store.js';

/** How long Redis keeps a moved clock after its last move: garbage collection only. */
export const CLOCK_TTL_MS = 30 * 24 * 60 * 60_000;

type Arrival = (keyCount: number, ...keysThenArgs: string[]) => Promise<unknown[]>;

/**
 * Account clock offsets in Redis, one key per account (in its hash tag), read by each request that arrives
 * (AccountClock.refresh): a clock moved on one instance is what the next request on any instance sees. With the
 * scenario store, that read is one script which also reads the armed entries the request will choose from (the
 * account's, and on one Redis server those for all): one round trip where there were three.
 */
export class RedisClockOffsets implements ClockOffsets {
  private readonly guard: RedisGuard;
  private readonly scripts: { kmArrival: Arrival };
  /** With the answer store: an arriving authorize request's claim, taken by the arrival read (ClockOffsets). */
  readonly readClaiming?: (account: string, ids: AnswerIds) => Promise<{ offset: number | undefined; claim: Claim }>;

  constructor(
    private readonly client: RedisClient,
    private readonly namespace: string,
    onError?: (message: string) => void,
    private readonly scenarios?: RedisScenarioStore,
    answers?: RedisAnswerStore,
  ) {
    this.guard = new RedisGuard(onError, 'Redis clock store');
    this.scripts = defineScripts<{ kmArrival: Arrival }>(client, { kmArrival: ARRIVAL });
    if (answers !== undefined) this.readClaiming = (account, ids) => this.arrive(account, ids, answers);
  }

  /**
   * The arrival read (the clock, and the armed scenarios with the scenario store) with the claim of the request's
   * key and token as its last part: one script, whose keys all carry the account's hash tag but the scenarios armed
   * for all, which are read on one Redis server only. No key or token: the read alone.
   */
  private async arrive(
    account: string,
    ids: AnswerIds,
    answers: RedisAnswerStore,
  ): Promise<{ offset: number | undefined; claim: Claim }> {
    const command = answers.claimCommand(account, ids, { leaseMs: LEASE_MS });
    if (command.keys.length === 0) return { offset: await this.read(account), claim: command.read(undefined) };
    const reads = [this.key(account), ...(this.scenarios?.arrivalKeys(account) ?? [])];
    const keys = [...reads, ...command.keys];
    const reply = await this.guard.run('clock read', () =>
      this.scripts.kmArrival(keys.length, ...keys, String(reads.length), ...command.args),
    );
    const [text, ...pairs] = reply.slice(0, reads.length) as [string | null, ...string[][]];
    this.scenarios?.arrived(account, pairs);
    return { offset: text === null ? undefined : Number(text), claim: command.read(reply[reads.length]) };
  }

  private key(account: string): string {
    return scenarioKeys(this.namespace, account).clock;
  }

  async read(account: string): Promise<number | undefined> {
    const { scenarios } = this;
    if (scenarios === undefined) {
      const text = await this.guard.run('clock read', () => this.client.get(this.key(account)));
      return text === null ? undefined : Number(text);
    }
    const keys = [this.key(account), ...scenarios.arrivalKeys(account)];
    const [text, ...pairs] = (await this.guard.run('clock read', () =>
      this.scripts.kmArrival(keys.length, ...keys),
    )) as [string | null, ...string[][]];
    scenarios.arrived(account, pairs);
    return text === null ? undefined : Number(text);
  }

  async write(account: string, offsetMs: number): Promise<void> {
    await this.guard.run('clock move', () => this.client.set(this.key(account), String(offsetMs), 'PX', CLOCK_TTL_MS));
  }

  async forget(account: string): Promise<void> {
    await this.guard.run('clock reset', () => this.client.del(this.key(account)));
  }
}
