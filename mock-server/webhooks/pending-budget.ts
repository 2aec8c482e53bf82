import type { DeliveryRecord } from './delivery-record.js';

/**
 * The bytes held by pending deliveries (one account's, or all accounts'), oldest first, so that the oldest can make
 * room. A delivery stops counting when its `charged` is set to 0 (final, dropped or forgotten); the queue forgets it
 * lazily and is compacted when stale entries outnumber live ones, so each step costs O(1) on average.
 */
export class PendingBudget {
  bytes = 0;
  private live = 0;
  private queue: DeliveryRecord[] = [];
  private head = 0;

  constructor(readonly maxBytes: number) {}

  fits(bytes: number): boolean {
    return this.bytes + bytes <= this.maxBytes;
  }

  add(record: DeliveryRecord): void {
    this.bytes += record.charged;
    this.live += 1;
    this.queue.push(record);
    if (this.queue.length > 2 * this.live + 1024) {
      this.queue = this.queue.filter((r, i) => i >= this.head && r.charged > 0);
      this.head = 0;
    }
  }

  /** Called before the record's `charged` is set to 0. */
  remove(record: DeliveryRecord): void {
    if (record.charged === 0) return;
    this.bytes -= record.charged;
    this.live -= 1;
  }

  /** The oldest delivery still counted that is not in flight (at most one per account is). */
  oldest(): DeliveryRecord | undefined {
    while (this.head < this.queue.length && (this.queue[this.head] as DeliveryRecord).charged === 0) this.head += 1;
    for (let i = this.head; i < this.queue.length; i += 1) {
      const record = this.queue[i] as DeliveryRecord;
      if (record.charged > 0 && !record.inFlight) return record;
    }
    return undefined;
  }
}
