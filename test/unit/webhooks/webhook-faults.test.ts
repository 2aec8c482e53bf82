import { describe, expect, it } from 'vitest';
import type { WebhookFaultRequestInput } from '../../../contracts/index.js';
import { verifyKlarnaSignature } from '../../../mock-server/core/webhooks/sign.js';
import { A, B, HOUR, KEY, MINUTE, SECOND, START, setup, URL_A } from './harness.js';

const iso = (offset: number) => new Date(START + offset).toISOString();
const EVENTS = ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED'];
type Fault = Omit<WebhookFaultRequestInput, 'account'>;

describe('delivery faults', () => {
  it.each<{ name: string; fault: Fault | undefined; arrive: string[] }>([
    { name: 'no fault', fault: undefined, arrive: ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED'] },
    { name: 'drop once', fault: { fault: 'drop' }, arrive: ['IN_PROGRESS', 'COMPLETED'] },
    { name: 'drop twice', fault: { fault: 'drop', times: 2 }, arrive: ['COMPLETED'] },
    {
      name: 'duplicate once',
      fault: { fault: 'duplicate' },
      arrive: ['SUBMITTED', 'SUBMITTED', 'IN_PROGRESS', 'COMPLETED'],
    },
    {
      name: 'duplicate three times',
      fault: { fault: 'duplicate', times: 3 },
      arrive: ['SUBMITTED', 'SUBMITTED', 'IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED', 'COMPLETED'],
    },
    { name: 'out_of_order once', fault: { fault: 'out_of_order' }, arrive: ['IN_PROGRESS', 'SUBMITTED', 'COMPLETED'] },
    {
      name: 'out_of_order twice',
      fault: { fault: 'out_of_order', times: 2 },
      arrive: ['COMPLETED', 'IN_PROGRESS', 'SUBMITTED'],
    },
    {
      name: 'delay once',
      fault: { fault: 'delay', delay_ms: MINUTE },
      arrive: ['IN_PROGRESS', 'COMPLETED', 'SUBMITTED'],
    },
    {
      name: 'delay on every event',
      fault: { fault: 'delay', delay_ms: MINUTE, times: 3 },
      arrive: ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED'],
    },
  ])('with $name, three events arrive as $arrive', async ({ fault, arrive }) => {
    const { dispatcher, receiver, emit, move } = setup();
    if (fault !== undefined) dispatcher.setFault({ account: A, ...fault });
    for (const state of EVENTS) await emit(A, state);
    await move(A, 10 * MINUTE);
    expect(receiver.states()).toEqual(arrive);
  });

  it('delay: the first attempt is due delay_ms later on the account clock', async () => {
    const { dispatcher, receiver, emit, move } = setup();
    dispatcher.setFault({ account: A, fault: 'delay', delay_ms: 90 * MINUTE });
    await emit(A, 'COMPLETED');
    expect(receiver.calls).toEqual([]);
    expect(dispatcher.deliveries(A)[0]).toMatchObject({
      attempts: 0,
      state: 'pending',
      fault: 'delay',
      next_attempt_at: iso(90 * MINUTE),
    });
    await move(A, 90 * MINUTE - 1);
    expect(receiver.calls).toEqual([]);
    await move(A, 1);
    expect(receiver.calls.map((call) => call.at)).toEqual([90 * MINUTE]);
    expect(JSON.parse(receiver.calls[0]?.body ?? '').metadata.occurred_at).toBe(iso(0));
    expect(dispatcher.deliveries(A)[0]).toMatchObject({
      attempts: 1,
      state: 'delivered',
      first_attempt_at: iso(90 * MINUTE),
    });
  });

  it('delay: retries count from the delayed first attempt', async () => {
    const { dispatcher, receiver, emit, move } = setup();
    receiver.script(URL_A, 500);
    dispatcher.setFault({ account: A, fault: 'delay', delay_ms: HOUR });
    await emit(A, 'COMPLETED');
    await move(A, HOUR);
    expect(dispatcher.deliveries(A)[0]?.next_attempt_at).toBe(iso(HOUR + 30 * SECOND));
  });

  it('duplicate: the same envelope, event id and signature arrive twice, logged as two deliveries', async () => {
    const { dispatcher, receiver, emit } = setup();
    dispatcher.setFault({ account: A, fault: 'duplicate' });
    await emit(A, 'COMPLETED');
    const [first, second] = receiver.calls;
    expect(second?.body).toBe(first?.body);
    expect(second?.headers).toEqual(first?.headers);
    expect(verifyKlarnaSignature(second?.body ?? '', second?.headers['Klarna-Signature'], KEY)).toBe(true);
    expect(dispatcher.deliveries(A).map((d) => [d.event_id, d.state, d.fault])).toEqual([
      [first?.eventId, 'delivered', 'duplicate'],
      [first?.eventId, 'delivered', 'duplicate'],
    ]);
  });

  it('duplicate: each copy retries on its own', async () => {
    const { dispatcher, receiver, emit, move } = setup();
    receiver.script(URL_A, 200, 500);
    dispatcher.setFault({ account: A, fault: 'duplicate' });
    await emit(A, 'COMPLETED');
    expect(dispatcher.deliveries(A).map((d) => d.state)).toEqual(['delivered', 'pending']);
    await move(A, 30 * SECOND);
    expect(dispatcher.deliveries(A).map((d) => [d.state, d.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 2],
    ]);
  });

  it('drop: logged as dropped, never sent, not even when the clock moves', async () => {
    const { dispatcher, receiver, emit, move } = setup();
    dispatcher.setFault({ account: A, fault: 'drop' });
    await emit(A, 'COMPLETED');
    await move(A, 24 * HOUR);
    expect(receiver.calls).toEqual([]);
    expect(dispatcher.deliveries(A)).toEqual([
      {
        event_id: expect.any(String),
        event_type: 'payment.request.state-change.completed',
        url: URL_A,
        attempts: 0,
        state: 'dropped',
        fault: 'drop',
      },
    ]);
  });

  it('out_of_order: the event waits, pending, until the next one, then follows it', async () => {
    const { dispatcher, receiver, emit } = setup();
    dispatcher.setFault({ account: A, fault: 'out_of_order' });
    await emit(A, 'IN_PROGRESS');
    expect(receiver.calls).toEqual([]);
    expect(dispatcher.deliveries(A)).toEqual([expect.objectContaining({ state: 'pending', fault: 'out_of_order' })]);
    expect(dispatcher.deliveries(A)[0]?.next_attempt_at).toBeUndefined();
    await emit(A, 'COMPLETED');
    expect(receiver.states()).toEqual(['COMPLETED', 'IN_PROGRESS']);
    expect(dispatcher.deliveries(A).map((d) => [d.event_type.split('.').at(-1), d.state])).toEqual([
      ['in-progress', 'delivered'],
      ['completed', 'delivered'],
    ]);
  });

  it('out_of_order: a held event follows a delayed next event, not overtaking it', async () => {
    const { dispatcher, receiver, emit, move } = setup();
    dispatcher.setFault({ account: A, fault: 'out_of_order' });
    await emit(A, 'IN_PROGRESS');
    dispatcher.setFault({ account: A, fault: 'delay', delay_ms: MINUTE });
    await emit(A, 'COMPLETED');
    expect(receiver.calls).toEqual([]);
    await move(A, MINUTE);
    expect(receiver.states()).toEqual(['COMPLETED', 'IN_PROGRESS']);
  });

  it('out_of_order: a dropped event does not release a held one', async () => {
    const { dispatcher, receiver, emit } = setup();
    dispatcher.setFault({ account: A, fault: 'out_of_order' });
    await emit(A, 'SUBMITTED');
    dispatcher.setFault({ account: A, fault: 'drop' });
    await emit(A, 'IN_PROGRESS');
    expect(receiver.calls).toEqual([]);
    await emit(A, 'COMPLETED');
    expect(receiver.states()).toEqual(['COMPLETED', 'SUBMITTED']);
  });

  it('a new fault replaces the one armed before', async () => {
    const { dispatcher, receiver, emit } = setup();
    dispatcher.setFault({ account: A, fault: 'drop', times: 5 });
    dispatcher.setFault({ account: A, fault: 'duplicate' });
    for (const state of EVENTS) await emit(A, state);
    expect(receiver.states()).toEqual(['SUBMITTED', 'SUBMITTED', 'IN_PROGRESS', 'COMPLETED']);
  });

  it('is not used up by events of an account without a subscription', async () => {
    const { dispatcher, receiver, emit } = setup();
    dispatcher.unsubscribe(A);
    dispatcher.setFault({ account: A, fault: 'drop' });
    await emit(A, 'SUBMITTED');
    dispatcher.subscribe({ account: A, url: URL_A });
    await emit(A, 'IN_PROGRESS');
    await emit(A, 'COMPLETED');
    expect(receiver.states()).toEqual(['COMPLETED']);
  });

  it('applies to its own account only', async () => {
    const { dispatcher, receiver, emit } = setup();
    dispatcher.setFault({ account: A, fault: 'duplicate', times: 10 });
    await emit(B, 'COMPLETED');
    expect(receiver.calls).toHaveLength(1);
  });

  it.each<[string, WebhookFaultRequestInput]>([
    ['delay without delay_ms', { account: A, fault: 'delay' }],
    ['delay_ms with drop', { account: A, fault: 'drop', delay_ms: 5 }],
    ['times 0', { account: A, fault: 'duplicate', times: 0 }],
  ])('refuses a fault request with %s', (_case, request) => {
    expect(() => setup().dispatcher.setFault(request)).toThrow();
  });
});
