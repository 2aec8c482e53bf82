import { describe, expect, it } from 'vitest';
import type { DeliverySchedule } from '../../mock-server/core/webhooks/delivery-schedule.js';
import {
  type EventTargets,
  MAX_WAITING_EVENTS,
  SharedWebhookDispatcher,
} from '../../mock-server/core/webhooks/shared-webhook-dispatcher.js';

// The events an instance queues over a shared store wait in one list per account while the account's earlier ones
// are being queued, and are taken together: who hears of them is read once per event type for the lot. One read
// each, in turn, fell behind a loaded instance's approvals and held every waiting event's payload until the heap ran
// out. No target is set up here, so nothing reaches the schedule: what is counted is the reads.

function dispatcher() {
  const reads: { account: string; eventType: string; answer: (targets: EventTargets) => void }[] = [];
  const errors: string[] = [];
  const webhooks = new SharedWebhookDispatcher({
    // Never reached: no event here has a target.
    schedule: {} as DeliverySchedule,
    now: () => 0,
    realNow: () => 0,
    uuid: () => 'uuid',
    post: async () => ({ status: 204 }) as never,
    leaseMs: 1_000,
    limits: { entriesPerAccount: 10, pendingBytesPerAccount: 1_000 },
    onError: (message) => errors.push(message),
    eventTargets: (account, eventType) =>
      new Promise<EventTargets>((resolve) => reads.push({ account, eventType, answer: resolve })),
  });
  const answerAll = async () => {
    // Each answer lets the account's list go on to its next lot.
    for (let i = 0; i < 100 && reads.some((read) => read !== undefined); i += 1) {
      for (const read of reads.splice(0)) read.answer({ subscription: undefined, targets: [] });
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { webhooks, reads, errors, answerAll };
}

const payload = () => ({ payment_transaction_id: 'krn:payment:eu1:transaction:t', state: 'AUTHORIZED' });

describe('the events a shared dispatcher queues', () => {
  it('reads who hears of them once per event type for all the events that waited, in order per account', async () => {
    const { webhooks, reads, answerAll } = dispatcher();
    webhooks.emit('A', 'payment.transaction.state-change.authorized', payload);
    expect(reads.map((read) => read.eventType)).toEqual(['payment.transaction.state-change.authorized']);
    // 1,000 more while the first read is out: they wait, and no read is made for them yet.
    for (let i = 0; i < 500; i += 1) {
      webhooks.emit('A', 'payment.transaction.state-change.authorized', payload);
      webhooks.emit('A', 'payment.transaction.state-change.captured', payload);
    }
    webhooks.emit('B', 'payment.transaction.state-change.authorized', payload);
    expect(reads.map((read) => `${read.account} ${read.eventType}`)).toEqual([
      'A payment.transaction.state-change.authorized',
      'B payment.transaction.state-change.authorized',
    ]);
    const first = reads.splice(0);
    for (const read of first) read.answer({ subscription: undefined, targets: [] });
    await new Promise((resolve) => setImmediate(resolve));
    // Then A's 1,000: one read per event type.
    expect(reads.map((read) => `${read.account} ${read.eventType}`).sort()).toEqual([
      'A payment.transaction.state-change.authorized',
      'A payment.transaction.state-change.captured',
    ]);
    await answerAll();
    await webhooks.idle();
    expect(reads).toEqual([]);
  });

  it(`holds ${MAX_WAITING_EVENTS} waiting events at most, warns once, and says when they drained`, async () => {
    const { webhooks, errors, answerAll } = dispatcher();
    for (let i = 0; i < MAX_WAITING_EVENTS + 5; i += 1) {
      webhooks.emit(`acct-${i % 3}`, 'payment.transaction.state-change.authorized', payload);
    }
    expect(errors).toEqual([
      `more than ${MAX_WAITING_EVENTS} events wait to be queued: events are dropped until they drain`,
    ]);
    await answerAll();
    await webhooks.idle();
    expect(errors[1]).toBe('5 events were dropped while too many waited; they drained');
    // Room again.
    webhooks.emit('acct-0', 'payment.transaction.state-change.authorized', payload);
    await answerAll();
    await webhooks.idle();
    expect(errors).toHaveLength(2);
  });
});
