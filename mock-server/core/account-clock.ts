import { LRUCache } from 'lru-cache';
import { type Awaitable, andThen } from './awaitable.js';

/** Where each account's clock offset (ms ahead of the base clock) is kept: this process, or a shared store. */
export interface ClockOffsets {
  /** Undefined: the account's clock was never moved (or was reset). */
  read(account: string): Awaitable<number | undefined>;
  write(account: string, offsetMs: number): Awaitable<void>;
  forget(account: string): Awaitable<void>;
}

/**
 * Offsets in this process. Only moved clocks have an entry; past 100,000 accounts the least recently read goes
 * first. Made on the first move (lru-cache sets up its arrays for all 100,000 at once), so runs that never move a
 * clock never pay for it.
 */
export class MemoryClockOffsets implements ClockOffsets {
  private offsets: LRUCache<string, number> | undefined;

  read(account: string): number | undefined {
    return this.offsets?.get(account);
  }

  write(account: string, offsetMs: number): void {
    this.offsets ??= new LRUCache({ max: 100_000 });
    this.offsets.set(account, offsetMs);
  }

  forget(account: string): void {
    this.offsets?.delete(account);
  }
}

/**
 * One simulator clock per partner account: the injected base clock plus an offset the admin API moves, so a CI
 * job can jump an hour ahead without touching other jobs' accounts. Every expiry reads it, synchronously.
 *
 * With a shared store (issue 15) the offsets live there, and this process keeps a copy that `refresh` brings up to
 * date: the HTTP layer refreshes the account of each request once, when it arrives (one Redis GET), and every read
 * during the request is then local. A clock moved on another instance is thus seen by the next request that arrives
 * here, never by half a request; reads outside requests (the once-a-second sweeps) see the offset as of the
 * account's last request on this instance. A read per `now` would cost a round trip at each of the dozen places an
 * expiry is judged, and a local cache without a per-request read would keep a moved clock unseen.
 */
export class AccountClock {
  private readonly local = new MemoryClockOffsets();

  constructor(
    private readonly base: () => number,
    private readonly shared?: ClockOffsets,
  ) {}

  /** Whether the offsets are shared with other processes (requests then refresh their account's). */
  get isShared(): boolean {
    return this.shared !== undefined;
  }

  now(account: string): number {
    return this.base() + (this.local.read(account) ?? 0);
  }

  /** Takes the account's offset from the shared store (nothing to do, and no promise, without one). */
  refresh(account: string): Awaitable<void> {
    if (this.shared === undefined) return;
    return andThen(this.shared.read(account), (offset) => {
      if (offset === undefined) this.local.forget(account);
      else this.local.write(account, offset);
    });
  }

  set(account: string, at: number): Awaitable<number> {
    const offset = at - this.base();
    return andThen(this.shared?.write(account, offset), () => {
      this.local.write(account, offset);
      return this.now(account);
    });
  }

  reset(account: string): Awaitable<void> {
    this.local.forget(account);
    return this.shared?.forget(account);
  }
}
