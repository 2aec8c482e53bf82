import type { WebhookDelivery, WebhookFault, WebhookSubscription } from '../../contracts/index.js';
import { type DeliveryRecord, deliveryView, isDue } from './delivery-record.js';

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
 */
export class AccountWebhooks {
  subscription: WebhookSubscription | undefined;
  armed: ArmedFault | undefined;
  /** The drain of this account's queue while one runs. */
  running: Promise<void> | undefined;
  private readonly records: DeliveryRecord[] = [];
  private held: DeliveryRecord[] = [];
  private order = 0;

  constructor(private readonly capacity: number) {}

  /** The armed fault, used up by one event. */
  takeFault(): ArmedFault | undefined {
    const armed = this.armed;
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed = undefined;
    return armed;
  }

  /** Queues an event under its fault, due at `now`; false when the log is full of pending deliveries. */
  enqueue(event: OutgoingEvent, fault: ArmedFault | undefined, now: number): boolean {
    const kind = fault?.fault;
    const copies = kind === 'duplicate' ? 2 : 1;
    if (!this.makeRoom(copies)) return false;
    const due = kind === 'delay' ? now + (fault?.delayMs ?? 0) : now;
    for (let i = 0; i < copies; i += 1) {
      const record: DeliveryRecord = {
        ...event,
        order: ++this.order,
        fault: kind,
        state: kind === 'drop' ? 'dropped' : 'pending',
        held: kind === 'out_of_order',
        inFlight: false,
        attempts: 0,
        nextAttemptAt: kind === 'drop' || kind === 'out_of_order' ? undefined : due,
      };
      if (kind === 'drop') record.body = undefined;
      this.records.push(record);
      if (record.held) this.held.push(record);
    }
    if (kind !== 'drop' && kind !== 'out_of_order') this.release(due);
    return true;
  }

  /** Pending deliveries due at `now`, in queue order. */
  due(now: number): DeliveryRecord[] {
    return this.records.filter((record) => isDue(record, now)).sort((a, b) => a.order - b.order);
  }

  pending(): number {
    return this.records.filter((record) => record.state === 'pending').length;
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
    }
    this.held = [];
  }

  private makeRoom(count: number): boolean {
    while (this.records.length + count > this.capacity) {
      const oldestFinal = this.records.findIndex((record) => record.state !== 'pending');
      if (oldestFinal === -1) return false;
      this.records.splice(oldestFinal, 1);
    }
    return true;
  }
}
