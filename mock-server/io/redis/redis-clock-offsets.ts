import type { ClockOffsets } from '../../core/account-clock.js';
import type { RedisClient } from './redis-commands.js';
import { RedisGuard } from './redis-commands.js';
import { scenarioKeys } from './redis-keys.js';

/** How long Redis keeps a moved clock after its last move: garbage collection only. */
export const CLOCK_TTL_MS = 30 * 24 * 60 * 60_000;

/**
 * Account clock offsets in Redis, one key per account (in its hash tag), read by each request that arrives
 * (AccountClock.refresh): a clock moved on one instance is what the next request on any instance sees.
 */
export class RedisClockOffsets implements ClockOffsets {
  private readonly guard: RedisGuard;

  constructor(
    private readonly client: RedisClient,
    private readonly namespace: string,
    onError?: (message: string) => void,
  ) {
    this.guard = new RedisGuard(onError, 'Redis clock store');
  }

  private key(account: string): string {
    return scenarioKeys(this.namespace, account).clock;
  }

  async read(account: string): Promise<number | undefined> {
    const text = await this.guard.run('clock read', () => this.client.get(this.key(account)));
    return text === null ? undefined : Number(text);
  }

  async write(account: string, offsetMs: number): Promise<void> {
    await this.guard.run('clock move', () => this.client.set(this.key(account), String(offsetMs), 'PX', CLOCK_TTL_MS));
  }

  async forget(account: string): Promise<void> {
    await this.guard.run('clock reset', () => this.client.del(this.key(account)));
  }
}
