import { describe, expect, it } from 'vitest';
import { FinishedDelivery, LAST_ERROR_MAX_CHARS } from '../../../mock-server/core/webhooks/finished-delivery.js';
import { testApp } from '../../support/test-app.js';
import { A, B, HOUR, setup, URL_A } from './harness.js';

const accountNo = (i: number) => `krn:partner:global:account:test:X${String(i).padStart(7, '0')}`;

/** A dispatcher where every account in `accounts` is subscribed, and a way to give each of them `n` delivered events. */
function manyAccounts(accounts: number, options: Parameters<typeof setup>[0]) {
  const harness = setup({ maxAccounts: accounts + 2, ...options });
  const names = Array.from({ length: accounts }, (_, i) => accountNo(i));
  for (const account of names) harness.dispatcher.subscribe({ account, url: URL_A });
  return { ...harness, names };
}

describe('finished deliveries are bounded over all accounts', () => {
  it('2,000 accounts × 100 delivered events keep at most the cap, the first finished gone first, with one warning', async () => {
    const { dispatcher, errors, names, send } = manyAccounts(2000, { maxFinished: 5000 });
    for (let n = 1; n <= 100; n += 1) {
      for (const account of names) send(account, 'COMPLETED', n);
      await dispatcher.idle();
    }
    expect(dispatcher.finishedDeliveries).toBe(5000);
    // Delivered round by round: only the last 2.5 rounds are kept, every account keeps its newest.
    const first = dispatcher.deliveryPage(names[0] as string, { limit: 1000 });
    const last = dispatcher.deliveryPage(names[1999] as string, { limit: 1000 });
    expect([first.total, last.total]).toEqual([2, 3]);
    expect(first.deliveries.map((d) => d.state)).toEqual(['delivered', 'delivered']);
    const kept = names.reduce((sum, account) => sum + dispatcher.deliveryPage(account).total, 0);
    expect(kept).toBe(5000);
    expect(errors).toEqual([
      expect.stringMatching(/^finished webhook deliveries of all accounts over 5000 deliveries or \d+ bytes/),
    ]);
    // 200,000 signed events take a few seconds.
  }, 60_000);

  it('evicting examines O(1) finished deliveries per new one, however many accounts hold them', async () => {
    const { dispatcher, names, send } = manyAccounts(2000, { maxFinished: 1000 });
    for (const account of names) send(account, 'COMPLETED', 1);
    await dispatcher.idle();
    const before = dispatcher.evictionExamined;
    for (let n = 2; n <= 5; n += 1) {
      for (const account of names) send(account, 'COMPLETED', n);
      await dispatcher.idle();
    }
    // 8,000 more finished deliveries, each evicting one: one look each.
    expect(dispatcher.evictionExamined - before).toBe(8000);
    expect(dispatcher.finishedDeliveries).toBe(1000);
  });

  it('is bounded by bytes too', async () => {
    const { dispatcher, errors, emit } = setup({ maxFinishedBytes: 1500 });
    for (const n of [1, 2, 3, 4, 5]) await emit(A, 'COMPLETED', n);
    // About 370 bytes each: four fit in 1,500.
    expect(dispatcher.deliveries(A).map((d) => d.event_id.slice(-2))).toEqual(['06', '07', '08', '09']);
    expect(errors).toHaveLength(1);
  });

  it('never evicts a pending delivery, older though it is', async () => {
    const { dispatcher, receiver, emit } = setup({ maxFinished: 2 });
    receiver.script(URL_A, 500);
    await emit(A, 'SUBMITTED');
    for (const n of [1, 2, 3]) await emit(B, 'COMPLETED', n);
    expect(dispatcher.deliveries(A).map((d) => d.state)).toEqual(['pending']);
    expect(dispatcher.deliveries(B).map((d) => d.event_id.slice(-2))).toEqual(['07', '08']);
    expect(dispatcher.finishedDeliveries).toBe(2);
  });

  it('counts a delivery that finishes late where it finished, not where it was queued', async () => {
    const { dispatcher, receiver, emit, move } = setup({ maxFinished: 2 });
    receiver.script(URL_A, 500);
    await emit(A, 'SUBMITTED');
    await emit(B, 'COMPLETED', 1);
    await move(A, HOUR);
    await emit(B, 'COMPLETED', 2);
    expect(dispatcher.deliveries(A).map((d) => d.state)).toEqual(['delivered']);
    expect(dispatcher.deliveries(B)).toHaveLength(1);
  });

  it('an account reset gives its finished deliveries back', async () => {
    const { dispatcher, errors, emit } = setup({ maxFinished: 2 });
    await emit(A, 'SUBMITTED');
    await emit(A, 'COMPLETED');
    dispatcher.reset(A);
    expect(dispatcher.finishedDeliveries).toBe(0);
    dispatcher.subscribe({ account: A, url: URL_A });
    await emit(A, 'SUBMITTED');
    await emit(A, 'COMPLETED');
    expect(dispatcher.deliveries(A)).toHaveLength(2);
    expect(errors).toEqual([]);
  });
});

describe('a finished delivery keeps only what the log shows', () => {
  it('no body, signature or signing key id, and a last error cut to a bounded excerpt', async () => {
    const { dispatcher, receiver, emit } = setup({ horizonMs: 0 });
    receiver.script(URL_A, 'network-error');
    await emit(A, 'COMPLETED');
    const record = {
      account: A,
      eventId: 'e',
      eventType: 't',
      url: URL_A,
      body: 'x'.repeat(1000),
      signature: 's'.repeat(64),
      signingKeyId: 'k',
      state: 'failed',
      fault: undefined,
      attempts: 1,
      lastError: 'y'.repeat(10_000),
    } as unknown as ConstructorParameters<typeof FinishedDelivery>[0];
    const line = new FinishedDelivery(record);
    expect(Object.keys(line)).not.toEqual(expect.arrayContaining(['body']));
    expect(JSON.stringify(line)).not.toMatch(/x{100}|s{64}/);
    expect(line.lastError).toHaveLength(LAST_ERROR_MAX_CHARS);
    expect(line.lastError?.endsWith('…')).toBe(true);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({ state: 'failed', last_error: expect.any(String) });
  });
});

describe('reads of the log are paged', () => {
  it('shows the newest 100 by default, oldest first, with the total and whether older ones exist', async () => {
    const { dispatcher, send } = setup();
    for (let n = 1; n <= 150; n += 1) send(A, 'COMPLETED', n);
    await dispatcher.idle();
    const page = dispatcher.deliveryPage(A);
    expect(page.deliveries).toHaveLength(100);
    expect(page.total).toBe(150);
    expect(page.truncated).toBe(true);
    const ids = (list: { event_id: string }[]) => list.map((d) => Number.parseInt(d.event_id.slice(-4), 16));
    const all = ids(dispatcher.deliveries(A, { limit: 1000 }));
    expect(ids(page.deliveries)).toEqual(all.slice(50));
    const older = dispatcher.deliveryPage(A, { limit: 100, offset: 100 });
    expect(ids(older.deliveries)).toEqual(all.slice(0, 50));
    expect(older.truncated).toBe(false);
  });

  it('an unknown account has an empty log', () => {
    const { dispatcher } = setup();
    expect(dispatcher.deliveryPage('nobody')).toEqual({ deliveries: [], total: 0, truncated: false });
  });
});

describe('settings', () => {
  it('webhookFinishedDeliveries caps what the app keeps finished', async () => {
    const { app } = await testApp({ config: { webhookFinishedDeliveries: 2 }, webhookPost: async () => 200 });
    try {
      app.webhooks.subscribe({ account: A, url: URL_A });
      for (const n of [1, 2, 3]) {
        app.webhooks.emit(A, 'payment.request.state-change.completed', {
          payment_request_id: `krn:payment:eu1:request:00000000-0000-4000-8000-00000000000${n}`,
          state: 'COMPLETED',
        });
        await app.webhooks.idle();
      }
      expect((await app.webhooks.deliveryPage(A)).total).toBe(2);
    } finally {
      await app.close();
    }
  });
});
