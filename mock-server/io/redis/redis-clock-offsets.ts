import type { ClockOffsets } from '../../core/account-clock.js';
import type { RedisClient } from './redis-commands.js';
import { defineScripts, RedisGuard } from './redis-commands.js';
import { scenarioKeys } from './redis-keys.js';
import { ARRIVAL } from './redis-scenario-scripts.js';
import type { RedisScenarioStore } from './redis-scenario-store.js';

/** How long Redis keeps a moved clock after its last move: garbage collection only. */
export const CLOCK_TTL_MS = 30 * 24 * 60 * 60_000;

type Arrival = (keyCount: number, ...keys: string[]) => Promise<[string | null, ...string[][]]>;

/**
 * Account clock offsets in Redis, one key per account (in its hash tag), read by each request that arrives
 * (AccountClock.refresh): a clock moved on one instance is what the next request on any instance sees. With the
 * scenario store, that read is one script which also reads the armed entries the request will choose from (the
 * account's, and on one Redis server those for all): one round trip where there were three.
 */
export class RedisClockOffsets implements ClockOffsets {
  private readonly guard: RedisGuard;
  private readonly scripts: { kmArrival: Arrival };

  constructor(
    private readonly client: RedisClient,
    private readonly namespace: string,
    onError?: (message: string) => void,
    private readonly scenarios?: RedisScenarioStore,
  ) {
    this.guard = new RedisGuard(onError, 'Redis clock store');
    this.scripts = defineScripts<{ kmArrival: Arrival }>(client, { kmArrival: ARRIVAL });
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
    const [text, ...pairs] = await this.guard.run('clock read', () => this.scripts.kmArrival(keys.length, ...keys));
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
