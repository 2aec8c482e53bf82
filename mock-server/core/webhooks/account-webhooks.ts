import type { WebhookDelivery, WebhookFault, WebhookSubscription } from '../../../contracts/index.js';
import { type DeliveryRecord, deliveryView, isDue, type LogLine } from './delivery-record.js';
import { FinishedDelivery } from './finished-delivery.js';
import { FinishedQueue, type QueueWork } from './finished-queue.js';
import { LinkedList } from './linked-list.js';
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

/** A page of an account's delivery log. */
export interface DeliveryPage {
  deliveries: WebhookDelivery[];
  /** Deliveries in the log. */
  total: number;
  /** Older deliveries than these are in the log (page on with `offset`). */
  truncated: boolean;
}

/**
 * One account's webhook state: its subscription, the fault armed for its next events, and its deliveries, which are
 * both the queue and the log (oldest first, at most `capacity`; final entries make room, pending ones never do).
 * Pending deliveries are counted and scheduled by their next attempt, so no step looks at every one of them. A
 * delivery that becomes final is replaced in the log by the little the log shows of it (FinishedDelivery), and
 * joins the account's queue of finished deliveries, oldest finished first, which makes room.
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
  /** The finished deliveries of the log, oldest finished first. */
  readonly finished: FinishedQueue;
  private readonly log = new LinkedList<LogLine>((line) => line);
  private schedule = new MinHeap<DeliveryRecord>();
  private held: DeliveryRecord[] = [];
  private pendingCount = 0;
  private order = 0;

  constructor(
    private readonly account: string,
    private readonly capacity: number,
    maxPendingBytes: number,
    work: QueueWork,
  ) {
    this.budget = new PendingBudget(maxPendingBytes, (record) => record.inAccountBudget);
    this.finished = new FinishedQueue((line) => line.inAccount, work);
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
   * Queues an event under its fault, due at `now`; returns the deliveries made, or undefined when the log has no room
   * (the dispatcher makes room first, evicting finished deliveries).
   */
  enqueue(event: OutgoingEvent, fault: ArmedFault | undefined, now: number): DeliveryRecord[] | undefined {
    const kind = fault?.fault;
    const copies = kind === 'duplicate' ? 2 : 1;
    if (!this.fits(copies)) return undefined;
    const due = kind === 'delay' ? now + (fault?.delayMs ?? 0) : now;
    const made: DeliveryRecord[] = [];
    for (let i = 0; i < copies; i += 1) {
      const record: DeliveryRecord = {
        prev: undefined,
        next: undefined,
        inAccountBudget: { prev: undefined, next: undefined },
        inBudget: { prev: undefined, next: undefined },
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
      this.log.append(record);
      made.push(record);
      if (record.held) this.held.push(record);
      else this.reschedule(record);
    }
    if (kind !== 'drop' && kind !== 'out_of_order') this.release(due);
    return made;
  }

  /** Whether `count` more deliveries fit the log as it is. */
  fits(count: number): boolean {
    return this.log.size + count <= this.capacity;
  }

  /** A delivery now final takes its place in the log as what is kept of it, and joins the finished queue. */
  finish(record: DeliveryRecord): FinishedDelivery {
    const line = new FinishedDelivery(record);
    this.log.replace(record, line);
    this.finished.add(line);
    return line;
  }

  /** A finished delivery leaves the log to make room. */
  evict(line: FinishedDelivery): void {
    this.log.remove(line);
    this.finished.remove(line);
  }

  /** Puts a pending delivery back on the schedule at its next attempt (after an attempt, or one not yet due). */
  reschedule(record: DeliveryRecord): void {
    if (record.state === 'pending' && !record.held && record.nextAttemptAt !== undefined) {
      this.schedule.push(record.nextAttemptAt, record);
    }
    // Entries of deliveries dropped before their time stay until then: past twice the live ones, start afresh (a small
    // slack, so that an account of few pending deliveries keeps few dropped ones alive).
    if (this.schedule.size > 2 * this.pendingCount + 64) {
      this.schedule = new MinHeap<DeliveryRecord>();
      for (const r of this.log) {
        if (r instanceof FinishedDelivery) continue;
        if (r.state === 'pending' && !r.held && r.nextAttemptAt !== undefined) this.schedule.push(r.nextAttemptAt, r);
      }
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
    const charged: DeliveryRecord[] = [];
    for (const line of this.log) if (!(line instanceof FinishedDelivery) && line.charged > 0) charged.push(line);
    return charged;
  }

  /** The newest `limit` deliveries after the newest `offset`, oldest first: only those are looked at and shown. */
  page(limit: number, offset: number): DeliveryPage {
    const lines = this.log.newest(limit, offset);
    return {
      deliveries: lines.map(deliveryView),
      total: this.log.size,
      truncated: offset + lines.length < this.log.size,
    };
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
