import { RecordedOrder } from './recorded-order.js';

/**
 * One simulator clock per partner account: the injected base clock plus an offset the admin API moves, so a CI
 * job can jump an hour ahead without touching other jobs' accounts. Every expiry reads it.
 */
export class AccountClock {
  /** Only moved clocks have an entry; the oldest moved goes first past 100,000 accounts. */
  private readonly offsets = new RecordedOrder<number>(100_000);

  constructor(private readonly base: () => number) {}

  now(account: string): number {
    return this.base() + (this.offsets.get(account) ?? 0);
  }

  advance(account: string, ms: number): number {
    this.offsets.set(account, (this.offsets.get(account) ?? 0) + ms);
    return this.now(account);
  }

  set(account: string, at: number): number {
    this.offsets.set(account, at - this.base());
    return this.now(account);
  }

  reset(account: string): void {
    this.offsets.delete(account);
  }
}
