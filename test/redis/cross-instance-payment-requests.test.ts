import { describe, expect, it, vi } from 'vitest';
import { payloadOf } from '../../mock-server/core/webhooks/outgoing-event.js';
import { klarnaClient } from '../support/klarna-client.js';
import { type Instance, threeInstances } from '../support/redis-instances.js';
import { ACCOUNT, loadSamples } from '../support/samples.js';

// The step-up journey across three simulator instances over real HTTP sharing one Redis (docs/guides/scale-out.md):
// a payment request made on one instance is read, approved, expired and reset on the others, each change made once
// and announced once, by the instance whose write won.

const STEP_UP = loadSamples()['initial-authorization-step-up']?.body;
const FINAL = {
  currency: 'USD',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'final-across-instances' },
};
const HOUR = 3_600_000;

const clientOf = (instance: Instance | undefined, account = ACCOUNT) => {
  if (!instance) throw new Error('no instance');
  return klarnaClient(instance.base, { account });
};

/** Authorize on `instance`: STEP_UP_REQUIRED with its payment request. */
async function stepUp(instance: Instance | undefined, account = ACCOUNT) {
  const request = (await clientOf(instance, account).authorize(STEP_UP)).ok().payment_request;
  if (!request) throw new Error('no payment_request');
  return request;
}

/** Counts the webhook events each instance announces, by type. */
function announced(instances: Instance[]) {
  const spies = instances.map((instance) => vi.spyOn(instance.app.webhooks, 'emit'));
  return (eventType: string, id: string) =>
    spies.map(
      (spy) =>
        spy.mock.calls.filter(
          ([, type, payload]) =>
            type === eventType && (payloadOf(payload) as { payment_request_id?: string }).payment_request_id === id,
        ).length,
    );
}

function journeyAcross(getInstances: () => Instance[]) {
  const a = () => getInstances()[0];
  const b = () => getInstances()[1];
  const c = () => getInstances()[2];
  return async () => {
    const request = await stepUp(a());
    // Read on the others, as its id and as the uuid of the hosted page's URL.
    expect((await clientOf(c()).paymentRequests.read(request.payment_request_id)).ok().state).toBe('SUBMITTED');
    const approved = (await clientOf(b()).admin.act(request.payment_request_id, 'approve')).ok();
    expect(approved.payload.state).toBe('COMPLETED');
    const token = String(approved.payload.state_context?.klarna_network_session_token);
    expect((await clientOf(a()).paymentRequests.read(request.payment_request_id)).ok()).toMatchObject({
      state: 'COMPLETED',
      state_context: { klarna_network_session_token: token },
    });
    const final = (await clientOf(c()).authorize(FINAL, { sessionToken: token })).ok();
    expect(final.payment_transaction_response?.result).toBe('APPROVED');
    const id = String(final.payment_transaction_response?.payment_transaction?.payment_transaction_id);
    for (const other of [a(), b()]) {
      expect((await clientOf(other).transactions.read(id)).ok()).toMatchObject({
        payment_transaction_id: id,
        state: 'AUTHORIZED',
        amount: 11800,
      });
    }
    return { request, id };
  };
}

describe('the step-up journey across three instances sharing one Redis', () => {
  const { all: instances } = threeInstances('single');
  const at = (index: number) => instances()[index];

  it('steps up on A, is approved on B and finalized on C; the request and the transaction read alike on all', async () => {
    await journeyAcross(instances)();
  });

  it('opens the hosted page on B for a request made on A, by the uuid of its URL alone, and approves it there on C', async () => {
    const request = await stepUp(at(0));
    const uuid = request.payment_request_id.slice(request.payment_request_id.lastIndexOf(':') + 1);
    const page = await fetch(`${at(1)?.base}/pay/requests/${uuid}/start`);
    expect(page.status).toBe(200);
    expect((await clientOf(at(2)).paymentRequests.read(request.payment_request_id)).ok().state).toBe('IN_PROGRESS');
    // The page's approve button, pressed on C: the browser goes on to return_url, and A reads it COMPLETED.
    const approved = await fetch(`${at(2)?.base}/pay/requests/${uuid}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'consent=yes',
      redirect: 'manual',
    });
    expect(approved.status).toBe(303);
    expect((await clientOf(at(0)).paymentRequests.read(request.payment_request_id)).ok().state).toBe('COMPLETED');
  });

  it('lets one of concurrent approvals on every instance win, announced once, by the instance that won', async () => {
    const request = await stepUp(at(0));
    const count = announced(instances());
    const answers = await Promise.all(
      [0, 1, 2, 0, 1, 2].map((i) => clientOf(at(i)).admin.act(request.payment_request_id, 'approve')),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    for (const refused of answers.filter((answer) => answer.status === 409)) {
      expect(refused.error().error_message).toBe(
        `Payment request ${request.payment_request_id} is COMPLETED; it cannot be approved any more`,
      );
    }
    const winner = [0, 1, 2, 0, 1, 2][answers.findIndex((answer) => answer.status === 200)];
    const events = count('payment.request.state-change.completed', request.payment_request_id);
    expect(events).toEqual([0, 1, 2].map((i) => (i === winner ? 1 : 0)));
    // One session token, the winner's.
    const token = answers.find((answer) => answer.status === 200)?.ok().payload.state_context;
    expect((await clientOf(at(2)).paymentRequests.read(request.payment_request_id)).ok().state_context).toEqual(token);
  });

  it('cancels once against a concurrent approval on another instance, whichever of the two came first', async () => {
    const request = await stepUp(at(0));
    const count = announced(instances());
    const [approve, cancel] = await Promise.all([
      clientOf(at(1)).admin.act(request.payment_request_id, 'approve'),
      clientOf(at(2)).paymentRequests.cancel(request.payment_request_id),
    ]);
    // Approved first (a COMPLETED request may still be canceled) or canceled first (the approval then refused).
    expect(cancel.status).toBe(200);
    expect([200, 409]).toContain(approve.status);
    expect((await clientOf(at(0)).paymentRequests.read(request.payment_request_id)).ok().state).toBe('CANCELED');
    expect(count('payment.request.state-change.canceled', request.payment_request_id)).toEqual([0, 0, 1]);
  });

  it("expires a request made on A when B's clock passes its expiry, announced by B, read EXPIRED on C", async () => {
    const account = 'krn:partner:global:account:test:EXPIRY01';
    const request = await stepUp(at(0), account);
    const count = announced(instances());
    (await clientOf(at(1), account).admin.moveClock({ advance_ms: 4 * HOUR }, account)).ok();
    expect(count('payment.request.state-change.expired', request.payment_request_id)).toEqual([0, 1, 0]);
    expect((await clientOf(at(2), account).paymentRequests.read(request.payment_request_id)).ok().state).toBe(
      'EXPIRED',
    );
  });

  it('applies concurrent captures on two instances one after the other, never capturing more than authorized', async () => {
    const id = await clientOf(at(0)).approve(FINAL);
    const captures = await Promise.all(
      [1, 2].map((i) => clientOf(at(i)).transactions.capture(id, { capture_amount: 7000 })),
    );
    expect(captures.map((capture) => capture.status).sort()).toEqual([201, 403]);
    expect((await clientOf(at(0)).transactions.read(id)).ok()).toMatchObject({
      captured_amount: 7000,
      remaining_authorized_amount: 4800,
    });
  });

  it("forgets an account's payment requests and transactions on every instance when one resets it", async () => {
    const account = 'krn:partner:global:account:test:RESET001';
    const request = await stepUp(at(0), account);
    const id = await clientOf(at(0), account).approve(FINAL);
    (await clientOf(at(1), account).admin.reset(account)).ok();
    // The shared store forgets in the background: asked again until it has.
    await expect
      .poll(async () => [
        (await clientOf(at(2), account).paymentRequests.read(request.payment_request_id, undefined, account)).status,
        (await clientOf(at(2), account).transactions.read(id, account)).status,
      ])
      .toEqual([404, 404]);
  });
});

describe('the step-up journey across three instances sharing one Redis Cluster', () => {
  const { all: instances } = threeInstances('cluster');

  it('steps up on A, is approved on B and finalized on C; the request and the transaction read alike on all', async () => {
    await journeyAcross(instances)();
  });
});
