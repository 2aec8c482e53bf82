import type { FinishedDelivery } from './finished-delivery.js';
import { LinkedList, type Links } from './linked-list.js';

/** Deliveries looked at to make room, shared by a dispatcher's queues: what eviction costs, counted, not timed. */
export interface QueueWork {
  examined: number;
}

/**
 * Finished deliveries (one account's, or all accounts'), oldest finished first, counted and sized, so that the
 * oldest can make room. A linked list through the deliveries' own links: one evicted through another queue leaves
 * this one in O(1), and nothing evicted stays reachable from here.
 */
export class FinishedQueue {
  bytes = 0;
  private readonly list: LinkedList<FinishedDelivery>;

  constructor(
    links: (line: FinishedDelivery) => Links<FinishedDelivery>,
    private readonly work: QueueWork,
  ) {
    this.list = new LinkedList(links);
  }

  get count(): number {
    return this.list.size;
  }

  add(line: FinishedDelivery): void {
    this.list.append(line);
    this.bytes += line.bytes;
  }

  remove(line: FinishedDelivery): void {
    if (this.list.remove(line)) this.bytes -= line.bytes;
  }

  /** The delivery that finished first among those still here. */
  oldest(): FinishedDelivery | undefined {
    const line = this.list.head;
    if (line !== undefined) this.work.examined += 1;
    return line;
  }

  *[Symbol.iterator](): IterableIterator<FinishedDelivery> {
    yield* this.list;
  }
}
