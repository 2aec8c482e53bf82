import { describe, expect, it } from 'vitest';
import { deliveryBytes } from '../../../mock-server/core/webhooks/delivery-record.js';
import { testApp } from '../../support/test-app.js';
import { A, B, HOUR, setup, URL_A, URL_B } from './harness.js';

/** What one pending delivery of a COMPLETED event counts against the byte caps, measured from a real one. */
async function costOfOne() {
  const { receiver, emit } = setup();
  await emit(A, 'COMPLETED');
  return deliveryBytes({ body: receiver.calls[0]?.body ?? '', url: URL_A });
}
const fails = (n: number) => Array<number>(n).fill(500);
const states = (log: { state: string; event_id: string }[]) => log.map((d) => [d.event_id.slice(-2), d.state]);

describe('pending deliveries are bounded by bytes, per account', () => {
  it('drops the oldest pending delivery to make room, keeps it in the log as dropped with the reason, and warns once', async () => {
    const cost = await costOfOne();
    const { dispatcher, receiver, errors, emit } = setup({ maxPendingBytesPerAccount: Math.floor(2.5 * cost) });
    receiver.script(URL_A, ...fails(100));
    for (const n of [1, 2, 3, 4]) await emit(A, 'COMPLETED', n);
    expect(states(dispatcher.deliveries(A))).toEqual([
      ['05', 'dropped'],
      ['06', 'dropped'],
      ['07', 'pending'],
      ['08', 'pending'],
    ]);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({
      attempts: 1,
      last_error: expect.stringMatching(/^dropped: pending webhooks of this account over \d+ bytes/),
    });
    expect(dispatcher.deliveries(A)[0]?.next_attempt_at).toBeUndefined();
    expect(dispatcher.pendingDeliveries(A)).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/pending webhooks of .*M48JWZF8 over \d+ bytes/)]);
  });

  it('never sends a dropped delivery again', async () => {
    const cost = await costOfOne();
    const { dispatcher, receiver, emit, move } = setup({ maxPendingBytesPerAccount: Math.floor(1.5 * cost) });
    receiver.script(URL_A, 500, 500);
    await emit(A, 'SUBMITTED');
    await emit(A, 'COMPLETED');
    await move(A, HOUR);
    expect(receiver.states()).toEqual(['SUBMITTED', 'COMPLETED', 'COMPLETED']);
    expect(dispatcher.deliveries(A).map((d) => d.state)).toEqual(['dropped', 'delivered']);
  });
});

describe('pending deliveries are bounded by bytes, over all accounts', () => {
  it('drops the oldest pending delivery of any account, and warns once', async () => {
    const cost = await costOfOne();
    const { dispatcher, receiver, errors, emit } = setup({ maxPendingBytes: Math.floor(2.5 * cost) });
    receiver.script(URL_A, ...fails(100));
    receiver.script(URL_B, ...fails(100));
    await emit(A, 'SUBMITTED');
    await emit(A, 'IN_PROGRESS');
    await emit(B, 'SUBMITTED');
    await emit(B, 'COMPLETED');
    expect(dispatcher.deliveries(A).map((d) => d.state)).toEqual(['dropped', 'dropped']);
    expect(dispatcher.deliveries(B).map((d) => d.state)).toEqual(['pending', 'pending']);
    expect(dispatcher.deliveries(A)[0]?.last_error).toMatch(
      /^dropped: pending webhooks of all accounts over \d+ bytes/,
    );
    expect(errors).toEqual([expect.stringMatching(/pending webhooks of all accounts over \d+ bytes/)]);
  });

  it('an account reset gives its bytes back', async () => {
    const cost = await costOfOne();
    const { dispatcher, receiver, errors, emit } = setup({ maxPendingBytes: Math.floor(2.5 * cost) });
    receiver.script(URL_A, ...fails(100));
    receiver.script(URL_B, ...fails(100));
    await emit(A, 'SUBMITTED');
    await emit(A, 'IN_PROGRESS');
    dispatcher.reset(A);
    await emit(B, 'SUBMITTED');
    await emit(B, 'COMPLETED');
    expect(dispatcher.deliveries(B).map((d) => d.state)).toEqual(['pending', 'pending']);
    expect(errors).toEqual([]);
  });

  it('delivered and failed deliveries give their bytes back', async () => {
    const cost = await costOfOne();
    const { dispatcher, errors, emit } = setup({ maxPendingBytes: Math.floor(1.5 * cost) });
    for (const n of [1, 2, 3]) await emit(A, 'COMPLETED', n);
    expect(dispatcher.deliveries(A).map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(errors).toEqual([]);
  });
});

describe('the work of one event does not grow with the deliveries pending', () => {
  it('finding the due deliveries examines only those due, not the 500 waiting for a retry', async () => {
    const { dispatcher, receiver, emit, send } = setup();
    receiver.script(URL_A, ...fails(500));
    for (let n = 1; n <= 500; n += 1) send(A, 'COMPLETED', n);
    await dispatcher.idle();
    expect(dispatcher.pendingDeliveries(A)).toBe(500);
    const before = dispatcher.examined;
    await emit(A, 'COMPLETED', 501);
    expect(dispatcher.examined - before).toBeLessThanOrEqual(2);
    expect(dispatcher.pendingDeliveries(A)).toBe(500);
  });
});

describe('settings', () => {
  it.each([
    ['webhookPendingBytes', 'all accounts'],
    ['webhookPendingBytesPerAccount', 'this account'],
  ])('%s caps what the app keeps pending', async (setting, whose) => {
    const cost = await costOfOne();
    const { app } = await testApp({ config: { [setting]: Math.floor(1.5 * cost) }, webhookPost: async () => 500 });
    try {
      app.webhooks.subscribe({ account: A, url: URL_A });
      for (const n of [1, 2]) {
        app.webhooks.emit(A, 'payment.request.state-change.completed', {
          payment_request_id: `krn:payment:eu1:request:00000000-0000-4000-8000-00000000000${n}`,
          state: 'COMPLETED',
        });
        await app.webhooks.idle();
      }
      expect((await app.webhooks.deliveries(A)).map((d) => d.state)).toEqual(['dropped', 'pending']);
      expect((await app.webhooks.deliveries(A))[0]?.last_error).toContain(`pending webhooks of ${whose} over`);
    } finally {
      await app.close();
    }
  });
});
