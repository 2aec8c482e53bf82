import { LRUCache } from 'lru-cache';

/**
 * One simulator clock per partner account: the injected base clock plus an offset the admin API moves, so a CI
 * job can jump an hour ahead without touching other jobs' accounts. Every expiry reads it.
 */
export class AccountClock {
  /**
   * Only moved clocks have an entry; past 100,000 accounts the least recently read goes first. Made on the first
   * move (lru-cache sets up its arrays for all 100,000 at once), so runs that never move a clock never pay for it.
   */
  private offsets: LRUCache<string, number> | undefined;

  constructor(private readonly base: () => number) {}

  now(account: string): number {
    return this.base() + (this.offsets?.get(account) ?? 0);
  }

  advance(account: string, ms: number): number {
    this.moved().set(account, (this.moved().get(account) ?? 0) + ms);
    return this.now(account);
  }

  set(account: string, at: number): number {
    this.moved().set(account, at - this.base());
    return this.now(account);
  }

  reset(account: string): void {
    this.offsets?.delete(account);
  }

  private moved(): LRUCache<string, number> {
    this.offsets ??= new LRUCache({ max: 100_000 });
    return this.offsets;
  }
}
