import { describe, expect, it } from 'vitest';
import { WebhookDelivery, WebhookEnvelope, WebhookSubscription } from '../../../contracts/index.js';
import { verifyKlarnaSignature } from '../../../mock-server/core/webhooks/sign.js';
import { WebhookDispatcher } from '../../../mock-server/core/webhooks/webhook-dispatcher.js';
import { A, B, HOUR, KEY, MINUTE, SECOND, START, setup, URL_A, URL_B } from './harness.js';

const iso = (offset: number) => new Date(START + offset).toISOString();

describe('subscriptions', () => {
  it('issues Klarna-style ids and a generated 32-byte signing key when none is given', () => {
    const { dispatcher } = setup();
    const subscription = dispatcher.subscribe({ account: 'acct-1', url: 'https://shop.test/hooks' });
    expect(WebhookSubscription.parse(subscription)).toEqual(subscription);
    expect(subscription.signing_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(dispatcher.subscribe({ account: 'acct-2', url: 'https://shop.test/hooks' }).signing_key).not.toBe(
      subscription.signing_key,
    );
    expect(dispatcher.subscription('acct-1')).toEqual(subscription);
  });

  it('keeps a signing key the partner chose', () => {
    expect(setup().dispatcher.subscription(A)?.signing_key).toBe(KEY);
  });

  it('refuses a subscription that breaks the contract', () => {
    expect(() => setup().dispatcher.subscribe({ account: A, url: 'ftp://shop.test' })).toThrow();
  });

  it('sends nothing and keeps nothing for an account without a subscription', async () => {
    const { dispatcher, receiver } = setup();
    dispatcher.emit('nobody', 'payment.request.state-change.completed', {
      payment_request_id: 'x',
      state: 'COMPLETED',
    });
    await dispatcher.idle();
    expect(receiver.calls).toEqual([]);
    expect(dispatcher.deliveries('nobody')).toEqual([]);
    expect(dispatcher.subscription('nobody')).toBeUndefined();
  });

  it('stops new events on unsubscribe but still delivers what was queued', async () => {
    const { dispatcher, receiver, emit, move } = setup();
    receiver.script(URL_A, 500);
    await emit(A, 'SUBMITTED');
    expect(dispatcher.unsubscribe(A)).toBe(true);
    expect(dispatcher.unsubscribe(A)).toBe(false);
    await emit(A, 'COMPLETED');
    await move(A, 30 * SECOND);
    expect(receiver.states()).toEqual(['SUBMITTED', 'SUBMITTED']);
    expect(dispatcher.deliveries(A).map((d) => d.state)).toEqual(['delivered']);
  });
});

describe('delivery', () => {
  it('posts the signed envelope as soon as the event is emitted', async () => {
    const { dispatcher, receiver, emit } = setup();
    await emit(A, 'COMPLETED');
    expect(receiver.calls).toHaveLength(1);
    const [call] = receiver.calls;
    const subscription = dispatcher.subscription(A);
    expect(call?.url).toBe(URL_A);
    expect(call?.headers).toEqual({
      'Content-Type': 'application/json',
      'Klarna-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
      'Klarna-Signing-Key-Id': subscription?.signing_key_id,
    });
    expect(verifyKlarnaSignature(call?.body ?? '', call?.headers['Klarna-Signature'], KEY)).toBe(true);
    const envelope = WebhookEnvelope.parse(JSON.parse(call?.body ?? ''));
    expect(envelope.metadata).toMatchObject({
      event_type: 'payment.request.state-change.completed',
      occurred_at: iso(0),
      recipient_account_id: A,
      webhook_id: subscription?.webhook_id,
    });
    expect(dispatcher.deliveries(A)).toEqual([
      {
        event_id: envelope.metadata.event_id,
        event_type: 'payment.request.state-change.completed',
        url: URL_A,
        attempts: 1,
        state: 'delivered',
        last_status: 200,
        first_attempt_at: iso(0),
        last_attempt_at: iso(0),
      },
    ]);
  });

  it('stamps occurred_at from the account’s own clock', async () => {
    const { dispatcher, receiver, clocks, emit } = setup();
    clocks.advance(A, 2 * HOUR);
    await emit(A, 'COMPLETED');
    expect(JSON.parse(receiver.calls[0]?.body ?? '').metadata.occurred_at).toBe(iso(2 * HOUR));
    expect(dispatcher.deliveries(A)[0]?.first_attempt_at).toBe(iso(2 * HOUR));
  });

  it('refuses an event type that is not a dotted name, loudly', () => {
    const { dispatcher } = setup();
    expect(() => dispatcher.emit(A, 'Completed', { payment_request_id: 'x', state: 'COMPLETED' })).toThrow();
  });

  it('delivers an account’s events in the order they were emitted', async () => {
    const { dispatcher, receiver, send } = setup();
    for (const state of ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED']) send(A, state);
    await dispatcher.idle();
    expect(receiver.states()).toEqual(['SUBMITTED', 'IN_PROGRESS', 'COMPLETED']);
  });

  it('produces log entries that parse with the contract', async () => {
    const { dispatcher, receiver, emit } = setup();
    receiver.script(URL_A, 'network-error');
    await emit(A, 'COMPLETED');
    const deliveries = dispatcher.deliveries(A);
    expect(deliveries.length).toBeGreaterThan(0);
    for (const delivery of deliveries) expect(WebhookDelivery.parse(delivery)).toEqual(delivery);
  });
});

describe('retries on the account clock', () => {
  it('delivers on the 3rd attempt, at the scheduled times, to a receiver that fails twice', async () => {
    const { dispatcher, receiver, emit, move } = setup();
    receiver.script(URL_A, 500, 'network-error', 200);
    await emit(A, 'COMPLETED');
    expect(dispatcher.deliveries(A)[0]).toMatchObject({
      attempts: 1,
      state: 'pending',
      last_status: 500,
      next_attempt_at: iso(30 * SECOND),
    });

    await move(A, 30 * SECOND - 1);
    expect(receiver.calls).toHaveLength(1);
    await move(A, 1);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({
      attempts: 2,
      state: 'pending',
      last_error: 'connect ECONNREFUSED 127.0.0.1:9001',
      next_attempt_at: iso(90 * SECOND),
    });
    expect(dispatcher.deliveries(A)[0]?.last_status).toBeUndefined();

    await move(A, MINUTE);
    expect(receiver.calls.map((call) => call.at)).toEqual([0, 30 * SECOND, 90 * SECOND]);
    expect(dispatcher.deliveries(A)).toEqual([
      {
        event_id: receiver.calls[0]?.eventId,
        event_type: 'payment.request.state-change.completed',
        url: URL_A,
        attempts: 3,
        state: 'delivered',
        last_status: 200,
        first_attempt_at: iso(0),
        last_attempt_at: iso(90 * SECOND),
      },
    ]);
  });

  it('sends the same bytes and signature on every attempt', async () => {
    const { receiver, emit, move } = setup();
    receiver.script(URL_A, 503, 503);
    await emit(A, 'COMPLETED');
    await move(A, 30 * SECOND);
    await move(A, MINUTE);
    expect(receiver.calls).toHaveLength(3);
    expect(new Set(receiver.calls.map((call) => call.body)).size).toBe(1);
    expect(new Set(receiver.calls.map((call) => call.headers['Klarna-Signature'])).size).toBe(1);
  });

  it('fails a delivery for good after the last retry at the 12-hour horizon', async () => {
    const { dispatcher, receiver, errors, emit, move } = setup();
    receiver.script(URL_A, ...Array<number>(20).fill(503));
    await emit(A, 'COMPLETED');
    const scheduled = [30, 90, 390, 1290, 3090, 6690, 13_890, 21_090, 28_290, 35_490, 42_690].map((s) => s * SECOND);
    let elapsed = 0;
    for (const at of scheduled) {
      await move(A, at - elapsed);
      elapsed = at;
    }
    expect(receiver.calls).toHaveLength(12);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({ state: 'pending', next_attempt_at: iso(12 * HOUR) });

    await move(A, 12 * HOUR - 1 - elapsed);
    expect(receiver.calls).toHaveLength(12);
    await move(A, 1);
    expect(receiver.calls.map((call) => call.at)).toEqual([0, ...scheduled, 12 * HOUR]);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({ attempts: 13, state: 'failed', last_status: 503 });
    expect(dispatcher.deliveries(A)[0]?.next_attempt_at).toBeUndefined();
    expect(errors).toEqual([expect.stringMatching(/failed after 13 attempts/)]);

    await move(A, 24 * HOUR);
    expect(receiver.calls).toHaveLength(13);
  });

  it('makes the attempts it missed when the clock jumps far ahead, so the count does not depend on the steps', async () => {
    const { dispatcher, receiver, emit, move } = setup();
    receiver.script(URL_A, ...Array<number>(20).fill(500));
    await emit(A, 'COMPLETED');
    await move(A, 13 * HOUR);
    expect(receiver.calls).toHaveLength(13);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({ attempts: 13, state: 'failed' });
  });

  it('follows a shorter horizon from the options', async () => {
    const { dispatcher, receiver, emit, move } = setup({ horizonMs: MINUTE });
    receiver.script(URL_A, 500, 500, 500, 200);
    await emit(A, 'COMPLETED');
    await move(A, HOUR);
    expect(receiver.calls.map((call) => call.at)).toEqual([0, HOUR, HOUR]);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({ attempts: 3, state: 'failed' });
  });

  it('does nothing on a pump before anything is due', async () => {
    const { dispatcher, receiver, emit } = setup();
    receiver.script(URL_A, 500);
    await emit(A, 'COMPLETED');
    await dispatcher.pump(A);
    await dispatcher.pump();
    expect(receiver.calls).toHaveLength(1);
  });
});

describe('accounts are isolated', () => {
  it('retries an account when its own clock moves, not when another account’s does', async () => {
    const { dispatcher, receiver, emit, move } = setup();
    receiver.script(URL_A, 500);
    receiver.script(URL_B, 500);
    await emit(A, 'COMPLETED');
    await emit(B, 'COMPLETED');
    await move(B, HOUR);
    expect(receiver.calls.map((call) => call.account)).toEqual([A, B, B]);
    expect(dispatcher.deliveries(A)[0]?.state).toBe('pending');
    expect(dispatcher.deliveries(B)[0]?.state).toBe('delivered');
  });

  it('pumps every account with pump()', async () => {
    const { dispatcher, receiver, clocks, emit } = setup();
    receiver.script(URL_A, 500);
    receiver.script(URL_B, 500);
    await emit(A, 'COMPLETED');
    await emit(B, 'COMPLETED');
    clocks.advance(A, MINUTE);
    clocks.advance(B, MINUTE);
    await dispatcher.pump();
    expect(dispatcher.deliveries(A)[0]?.state).toBe('delivered');
    expect(dispatcher.deliveries(B)[0]?.state).toBe('delivered');
  });

  it('keeps each account’s log, faults and reset to itself', async () => {
    const { dispatcher, receiver, emit } = setup();
    dispatcher.setFault({ account: A, fault: 'drop' });
    await emit(A, 'COMPLETED');
    await emit(B, 'COMPLETED');
    expect(receiver.calls.map((call) => call.account)).toEqual([B]);
    dispatcher.reset(A);
    expect(dispatcher.deliveries(A)).toEqual([]);
    expect(dispatcher.subscription(A)).toBeUndefined();
    expect(dispatcher.deliveries(B)).toHaveLength(1);
    expect(dispatcher.subscription(B)?.url).toBe(URL_B);
  });

  it('forgets the armed fault on reset', async () => {
    const { dispatcher, receiver, emit } = setup();
    dispatcher.setFault({ account: A, fault: 'drop' });
    dispatcher.reset(A);
    dispatcher.subscribe({ account: A, url: URL_A });
    await emit(A, 'COMPLETED');
    expect(receiver.calls).toHaveLength(1);
  });
});

describe('caps', () => {
  it('keeps the newest deliveries once the log is full of final ones', async () => {
    const { dispatcher, emit } = setup({ maxDeliveriesPerAccount: 3 });
    for (const n of [1, 2, 3, 4, 5]) await emit(A, 'COMPLETED', n);
    const log = dispatcher.deliveries(A);
    expect(log).toHaveLength(3);
    expect(log.map((d) => d.event_id.slice(-2))).toEqual(['07', '08', '09']);
  });

  it('never evicts a pending delivery: a new event is refused, loudly, when all are pending', async () => {
    const { dispatcher, receiver, errors, emit, move } = setup({ maxDeliveriesPerAccount: 3 });
    receiver.script(URL_A, 500, 500, 500);
    for (const state of ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED', 'CANCELED']) await emit(A, state);
    expect(dispatcher.deliveries(A)).toHaveLength(3);
    expect(errors).toEqual([expect.stringMatching(/not queued: 3 deliveries pending/)]);
    await move(A, MINUTE);
    expect(receiver.states()).toEqual([
      'SUBMITTED',
      'IN_PROGRESS',
      'COMPLETED',
      'SUBMITTED',
      'IN_PROGRESS',
      'COMPLETED',
    ]);
    expect(dispatcher.deliveries(A).map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('evicts the oldest final delivery, not the older pending one', async () => {
    const { dispatcher, receiver, emit } = setup({ maxDeliveriesPerAccount: 2 });
    receiver.script(URL_A, 500, 200, 200);
    await emit(A, 'SUBMITTED');
    await emit(A, 'IN_PROGRESS');
    await emit(A, 'COMPLETED');
    expect(dispatcher.deliveries(A).map((d) => [d.state, d.attempts])).toEqual([
      ['pending', 1],
      ['delivered', 1],
    ]);
    expect(receiver.states()).toEqual(['SUBMITTED', 'IN_PROGRESS', 'COMPLETED']);
  });

  it('forgets the least recently used account past maxAccounts, and says so', async () => {
    const { dispatcher, errors } = setup({ maxAccounts: 2 });
    dispatcher.subscribe({ account: 'third', url: URL_A });
    expect(dispatcher.subscription(A)).toBeUndefined();
    expect(dispatcher.subscription(B)).toBeDefined();
    expect(errors).toEqual([expect.stringMatching(/webhooks of .*M48JWZF8 forgotten \(more than 2 accounts\)/)]);
    dispatcher.reset(B);
    expect(errors).toHaveLength(1);
  });
});

describe('one attempt at a time', () => {
  it('never attempts a delivery twice at once, however often it is pumped', async () => {
    const { dispatcher, receiver, clocks } = setup();
    receiver.hold();
    dispatcher.emit(A, 'payment.request.state-change.completed', { payment_request_id: 'x', state: 'COMPLETED' });
    await Promise.resolve();
    clocks.advance(A, HOUR);
    const pumps = [dispatcher.pump(A), dispatcher.pump(A), dispatcher.pump()];
    await Promise.resolve();
    expect(receiver.calls).toHaveLength(1);
    receiver.release();
    await Promise.all(pumps);
    await dispatcher.idle();
    expect(receiver.calls).toHaveLength(1);
    expect(receiver.maxInFlight()).toBe(1);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({ attempts: 1, state: 'delivered' });
  });

  it('sends an account’s deliveries one after another, in order', async () => {
    const { dispatcher, receiver, send } = setup();
    receiver.hold();
    for (const state of ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED']) send(A, state);
    await new Promise((resolve) => setImmediate(resolve));
    expect(receiver.states()).toEqual(['SUBMITTED']);
    receiver.release();
    await dispatcher.idle();
    expect(receiver.states()).toEqual(['SUBMITTED', 'IN_PROGRESS', 'COMPLETED']);
    expect(receiver.maxInFlight()).toBe(1);
  });

  it('does not lose a clock move that arrives while an attempt is in flight', async () => {
    const { dispatcher, receiver, clocks } = setup();
    receiver.script(URL_A, 500);
    receiver.hold();
    dispatcher.emit(A, 'payment.request.state-change.completed', { payment_request_id: 'x', state: 'COMPLETED' });
    await new Promise((resolve) => setImmediate(resolve));
    clocks.advance(A, MINUTE);
    const joined = dispatcher.pump(A);
    receiver.release();
    await joined;
    expect(receiver.calls.map((call) => call.at)).toEqual([0, MINUTE]);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({ attempts: 2, state: 'delivered' });
  });

  it('still attempts deliveries of an account whose post throws synchronously', async () => {
    const errors: string[] = [];
    const dispatcher = new WebhookDispatcher({
      now: () => START,
      uuid: () => '00000000-0000-4000-8000-000000000001',
      post: () => {
        throw new Error('bad URL');
      },
      onError: (message) => errors.push(message),
    });
    dispatcher.subscribe({ account: A, url: URL_A, signing_key: KEY });
    dispatcher.emit(A, 'payment.request.state-change.completed', { payment_request_id: 'x', state: 'COMPLETED' });
    await dispatcher.idle();
    expect(dispatcher.deliveries(A)[0]).toMatchObject({ attempts: 1, state: 'pending', last_error: 'bad URL' });
    expect(errors).toEqual([]);
  });
});

describe('reset and close', () => {
  it('reset during an attempt forgets the account; the answer is not recorded and nothing more is sent', async () => {
    const { dispatcher, receiver, emit } = setup();
    receiver.hold();
    receiver.script(URL_A, 500);
    const emitted = emit(A, 'COMPLETED');
    await new Promise((resolve) => setImmediate(resolve));
    dispatcher.reset(A);
    receiver.release();
    await emitted;
    await dispatcher.pump();
    expect(receiver.calls).toHaveLength(1);
    expect(dispatcher.deliveries(A)).toEqual([]);
  });

  it('close cuts the attempt in flight short, then sends nothing more; pending deliveries stay pending', async () => {
    const { dispatcher, receiver, clocks } = setup();
    receiver.script(URL_A, 500);
    receiver.hold();
    dispatcher.emit(A, 'payment.request.state-change.submitted', { payment_request_id: 'x', state: 'SUBMITTED' });
    await new Promise((resolve) => setImmediate(resolve));
    // The receiver never answers: close must not wait for it.
    await dispatcher.close();
    expect(dispatcher.deliveries(A)[0]).toMatchObject({ attempts: 1, last_error: 'aborted: the simulator closed' });
    dispatcher.emit(A, 'payment.request.state-change.completed', { payment_request_id: 'x', state: 'COMPLETED' });
    clocks.advance(A, HOUR);
    await dispatcher.pump();
    await dispatcher.idle();
    expect(receiver.states()).toEqual(['SUBMITTED']);
    expect(dispatcher.deliveries(A).map((d) => [d.state, d.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
    ]);
  });
});
