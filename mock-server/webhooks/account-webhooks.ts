import type { WebhookDelivery, WebhookFault, WebhookSubscription } from '../../contracts/index.js';
import { type DeliveryRecord, deliveryView, isDue } from './delivery-record.js';
import { MinHeap } from './min-heap.js';
import { PendingBudget } from './pending-budget.js';

export interface ArmedFault {
  fault: WebhookFault;
  delayMs: number;
  remaining: number;
}

/** A signed event ready to go out. */
export interface OutgoingEvent {
  eventId: string;
  eventType: string;
  url: string;
  body: string;
  signature: string;
  signingKeyId: string;
}

/**
 * One account's webhook state: its subscription, the fault armed for its next events, and its deliveries, which are
 * both the queue and the log (oldest first, at most `capacity`; final entries make room, pending ones never do).
 * Pending deliveries are counted and scheduled by their next attempt, so no step looks at every one of them.
 */
export class AccountWebhooks {
  subscription: WebhookSubscription | undefined;
  armed: ArmedFault | undefined;
  /** The drain of this account's queue while one runs. */
  running: Promise<void> | undefined;
  /** Whether the warning that this account's pending deliveries reached their byte cap was given. */
  warnedFull = false;
  /** Deliveries `due` looked at: its cost, counted rather than timed. */
  examined = 0;
  readonly budget: PendingBudget;
  private readonly records: DeliveryRecord[] = [];
  private schedule = new MinHeap<DeliveryRecord>();
  private held: DeliveryRecord[] = [];
  private pendingCount = 0;
  private order = 0;

  constructor(
    private readonly account: string,
    private readonly capacity: number,
    maxPendingBytes: number,
  ) {
    this.budget = new PendingBudget(maxPendingBytes);
  }

  /** The armed fault, used up by one event. */
  takeFault(): ArmedFault | undefined {
    const armed = this.armed;
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed = undefined;
    return armed;
  }

  /**
   * Queues an event under its fault, due at `now`; returns the deliveries made, or undefined when the log is full of
   * pending deliveries.
   */
  enqueue(event: OutgoingEvent, fault: ArmedFault | undefined, now: number): DeliveryRecord[] | undefined {
    const kind = fault?.fault;
    const copies = kind === 'duplicate' ? 2 : 1;
    if (!this.makeRoom(copies)) return undefined;
    const due = kind === 'delay' ? now + (fault?.delayMs ?? 0) : now;
    const made: DeliveryRecord[] = [];
    for (let i = 0; i < copies; i += 1) {
      const record: DeliveryRecord = {
        ...event,
        account: this.account,
        charged: 0,
        order: ++this.order,
        fault: kind,
        state: kind === 'drop' ? 'dropped' : 'pending',
        held: kind === 'out_of_order',
        inFlight: false,
        attempts: 0,
        nextAttemptAt: kind === 'drop' || kind === 'out_of_order' ? undefined : due,
      };
      if (kind === 'drop') record.body = undefined;
      else this.pendingCount += 1;
      this.records.push(record);
      made.push(record);
      if (record.held) this.held.push(record);
      else this.reschedule(record);
    }
    if (kind !== 'drop' && kind !== 'out_of_order') this.release(due);
    return made;
  }

  /** Whether `count` more deliveries fit the log once final ones make room. */
  makeRoom(count: number): boolean {
    while (this.records.length + count > this.capacity) {
      const oldestFinal = this.records.findIndex((record) => record.state !== 'pending');
      if (oldestFinal === -1) return false;
      this.records.splice(oldestFinal, 1);
    }
    return true;
  }

  /** Puts a pending delivery back on the schedule at its next attempt (after an attempt, or one not yet due). */
  reschedule(record: DeliveryRecord): void {
    if (record.state === 'pending' && !record.held && record.nextAttemptAt !== undefined) {
      this.schedule.push(record.nextAttemptAt, record);
    }
    // Entries of deliveries dropped before their time stay until then: past twice the live ones, start afresh.
    if (this.schedule.size > 2 * this.pendingCount + 1024) {
      this.schedule = new MinHeap<DeliveryRecord>();
      for (const r of this.records)
        if (r.state === 'pending' && !r.held && r.nextAttemptAt !== undefined) this.schedule.push(r.nextAttemptAt, r);
    }
  }

  /** Counts a delivery that was pending and no longer is (delivered, failed or dropped). */
  settled(): void {
    this.pendingCount -= 1;
  }

  /** Pending deliveries due at `now`, in queue order; taken off the schedule, which only holds what is to come. */
  due(now: number): DeliveryRecord[] {
    const due: DeliveryRecord[] = [];
    for (let key = this.schedule.peekKey(); key !== undefined && key <= now; key = this.schedule.peekKey()) {
      const record = this.schedule.pop() as DeliveryRecord;
      this.examined += 1;
      // An entry left behind by a delivery since dropped, or attempted and rescheduled, is skipped here.
      if (isDue(record, now) && record.nextAttemptAt === key) due.push(record);
    }
    return due.sort((a, b) => a.order - b.order);
  }

  pending(): number {
    return this.pendingCount;
  }

  /** Every delivery still counting bytes, to give them back when the account is forgotten. */
  charged(): DeliveryRecord[] {
    return this.records.filter((record) => record.charged > 0);
  }

  view(): WebhookDelivery[] {
    return this.records.map(deliveryView);
  }

  /**
   * Held events go right after the event that released them, due with it; the most recently held first, so each
   * one arrives after the event that followed it.
   */
  private release(due: number): void {
    for (const record of this.held.reverse()) {
      record.held = false;
      record.order = ++this.order;
      record.nextAttemptAt = due;
      this.reschedule(record);
    }
    this.held = [];
  }
}
