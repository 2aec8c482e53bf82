import type { DeliveryRecord } from './delivery-record.js';
import { LinkedList, type Links } from './linked-list.js';

/**
 * The bytes held by pending deliveries (one account's, or all accounts'), oldest first, so that the oldest can make
 * room. A linked list through links the deliveries carry: one that stops counting (final, dropped or forgotten)
 * leaves it in O(1), and none stays reachable from here once settled.
 */
export class PendingBudget {
  bytes = 0;
  private readonly list: LinkedList<DeliveryRecord>;

  constructor(
    readonly maxBytes: number,
    links: (record: DeliveryRecord) => Links<DeliveryRecord>,
  ) {
    this.list = new LinkedList(links);
  }

  fits(bytes: number): boolean {
    return this.bytes + bytes <= this.maxBytes;
  }

  add(record: DeliveryRecord): void {
    this.bytes += record.charged;
    this.list.append(record);
  }

  /** Called before the record's `charged` is set to 0. */
  remove(record: DeliveryRecord): void {
    if (record.charged === 0) return;
    if (this.list.remove(record)) this.bytes -= record.charged;
  }

  /** The oldest delivery still counted that is not in flight (at most one per account is). */
  oldest(): DeliveryRecord | undefined {
    for (const record of this.list) if (!record.inFlight) return record;
    return undefined;
  }
}
