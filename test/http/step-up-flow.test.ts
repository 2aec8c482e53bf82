import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { klarnaClient } from '../support/klarna-client.js';
import { ACCOUNT, loadSamples } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const samples = loadSamples();
const STEP_UP = samples['initial-authorization-step-up']?.body;
const TOKENIZATION = samples.tokenization?.body;
const AUTH = { authorization: 'Basic klarna_test_api_k', 'content-type': 'application/json' };
const MINUTE = 60_000;

let app: MockApp;
let base: string;
beforeEach(async () => {
  ({ app } = await testApp());
  base = await listening(app);
});
afterEach(() => app.close());

const client = klarnaClient(() => base);
async function stepUp(body: unknown = STEP_UP) {
  const request = (await client.authorize(body)).ok().payment_request;
  if (!request) throw new Error('no payment_request');
  return request;
}
const paymentRequestPath = (id: string) =>
  `/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/requests/${encodeURIComponent(id)}`;
const approve = async (id: string) => (await client.admin.act(id, 'approve')).ok();
/** A step-up approved by the customer: the payment request's id and the session token it issued. */
async function approvedToken() {
  const id = (await stepUp()).payment_request_id;
  const token = String((await approve(id)).payload.state_context?.klarna_network_session_token);
  return { id, token };
}
async function expectTokenRefused(token: string, reason: string) {
  const answer = await client.authorize(finalBody, { headers: { 'klarna-network-session-token': token } });
  expect(answer.status).toBe(400);
  expect(answer.error().validation_errors).toEqual([{ parameter: 'Klarna-Network-Session-Token', reason }]);
}
const finalBody = {
  currency: 'USD',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'final-1' },
};

describe('the step-up journey through the admin API', () => {
  it('steps up, completes on approval with a session token, and finalizes to APPROVED', async () => {
    const request = await stepUp();
    expect((await client.paymentRequests.read(request.payment_request_id)).ok().state).toBe('SUBMITTED');

    const approved = await approve(request.payment_request_id);
    expect(approved.event_type).toBe('payment.request.state-change.completed');
    expect(approved.payload).toMatchObject({ state: 'COMPLETED', previous_state: 'SUBMITTED' });
    const token = approved.payload.state_context?.klarna_network_session_token;
    expect(token).toMatch(/^krn:payment:eu1:klarna-network-session-token:/);
    expect(approved.payload.state_context?.payment_token).toBe(token);
    expect(
      (await client.paymentRequests.read(request.payment_request_id)).ok().state_context?.klarna_network_session_token,
    ).toBe(token);

    const final = await client.authorize(finalBody, { headers: { 'klarna-network-session-token': String(token) } });
    expect(final.status).toBe(200);
    expect(final.ok().payment_transaction_response?.result).toBe('APPROVED');
  });

  it('refuses the step-up key sent again with the session token instead of replaying the stale step-up', async () => {
    const key = { 'klarna-idempotency-key': 'initial-key' };
    const first = await client.authorize(STEP_UP, { headers: key });
    const request = first.ok().payment_request;
    const token = String(
      (await approve(String(request?.payment_request_id))).payload.state_context?.klarna_network_session_token,
    );
    // The same key and body with the token: another request (the tokens are part of the fingerprint), never a replay.
    const again = await client.authorize(STEP_UP, { headers: { ...key, 'klarna-network-session-token': token } });
    expect(again.status).toBe(409);
    expect(again.error().error_message).toBe(
      'Idempotent operation on initial-key failed: the Klarna-Network-Session-Token header differs from the first one sent with this key',
    );
    const final = await client.authorize(finalBody, {
      headers: {
        'klarna-idempotency-key': 'final-key',
        'klarna-network-session-token': token,
      },
    });
    expect(final.ok().payment_transaction_response?.result).toBe('APPROVED');
  });

  it('binds a token that came along as context to the transaction approved with it: it never gets a second one', async () => {
    const token = { 'klarna-network-session-token': 'krn:payment:eu1:klarna-network-session-token:made-up' };
    const first = await client.authorize(finalBody, { headers: { 'klarna-idempotency-key': 'k1', ...token } });
    expect(first.ok().payment_transaction_response?.result).toBe('APPROVED');
    expect((await client.authorize(finalBody, { headers: { 'klarna-idempotency-key': 'k2', ...token } })).body).toEqual(
      first.body,
    );
    expect((await client.authorize(finalBody, { headers: { 'klarna-idempotency-key': 'k1' } })).status).toBe(409);
  });

  it('answers a final authorization for another amount or currency with 409 RESOURCE_CONFLICT', async () => {
    const request = await stepUp();
    const token = String(
      (await approve(request.payment_request_id)).payload.state_context?.klarna_network_session_token,
    );
    for (const body of [
      { ...finalBody, request_payment_transaction: { amount: 11801 } },
      { ...finalBody, currency: 'EUR' },
    ]) {
      const answer = await client.authorize(body, { headers: { 'klarna-network-session-token': token } });
      expect(answer.status).toBe(409);
      expect(answer.error().error_code).toBe('RESOURCE_CONFLICT');
    }
  });

  it('lets the session token expire 60 minutes after completion, on the account clock', async () => {
    const { token } = await approvedToken();
    await client.admin.moveClock({ advance_ms: 60 * MINUTE });
    await expectTokenRefused(token, 'expired');
  });

  it('declines, aborts back to SUBMITTED, and refuses actions on a final state with 409', async () => {
    const first = await stepUp();
    expect((await client.admin.act(first.payment_request_id, 'abort')).ok().payload.state).toBe('SUBMITTED');
    expect((await client.admin.act(first.payment_request_id, 'decline')).ok().payload.state).toBe('DECLINED');
    const again = await client.admin.act(first.payment_request_id, 'approve');
    expect(again.status).toBe(409);
    expect(again.error().error_message).toContain('is DECLINED');
  });

  it('cancels with DELETE, then refuses approval', async () => {
    const request = await stepUp();
    const response = await client.paymentRequests.cancel(request.payment_request_id);
    expect(response.status).toBe(200);
    const canceled = response.ok();
    expect(canceled).toMatchObject({
      state: 'CANCELED',
      previous_state: 'SUBMITTED',
      canceled_at: '2026-11-26T12:00:00.000Z',
    });
    expect((await client.admin.act(request.payment_request_id, 'approve')).status).toBe(409);
    expect((await client.paymentRequests.cancel(request.payment_request_id)).status).toBe(409);
  });

  it('cancels a COMPLETED request while its token is unused, and then refuses the token', async () => {
    const { id, token } = await approvedToken();
    const cancel = await client.paymentRequests.cancel(id);
    expect(cancel.status).toBe(200);
    const canceled = cancel.ok();
    expect(canceled).toMatchObject({ state: 'CANCELED', previous_state: 'COMPLETED' });
    // Withdrawn, so no longer shown.
    expect(canceled.state_context?.klarna_network_session_token).toBeUndefined();
    await expectTokenRefused(token, 'canceled');
  });

  it('refuses to cancel a COMPLETED tokenization alone: it was final when the customer approved', async () => {
    const id = (await stepUp(TOKENIZATION)).payment_request_id;
    await approve(id);
    const cancel = await client.paymentRequests.cancel(id);
    expect(cancel.status).toBe(409);
    expect(cancel.error().error_message).toBe(`Payment request ${id} is COMPLETED; it cannot be canceled any more`);
  });

  it('remembers a used token on the token itself: the cancel is refused after its answer left a full store', async () => {
    await app.close();
    ({ app } = await testApp({ config: { maxStoredResponses: 2 } }));
    base = await listening(app);
    const { id, token } = await approvedToken();
    expect((await client.authorize(finalBody, { headers: { 'klarna-network-session-token': token } })).status).toBe(
      200,
    );
    // Two more tokens' answers push the first out of the token store (capped at 2).
    for (const other of ['t1', 't2']) {
      await client.authorize(finalBody, {
        headers: {
          'klarna-network-session-token': `krn:payment:eu1:klarna-network-session-token:${other}`,
        },
      });
    }
    expect(app.store.tokenRecord(ACCOUNT, token)).toBeUndefined();
    expect((await client.paymentRequests.cancel(id)).status).toBe(409);
  });

  it('refuses to cancel a COMPLETED request once its token has been used in a final authorization', async () => {
    const { id, token } = await approvedToken();
    expect((await client.authorize(finalBody, { headers: { 'klarna-network-session-token': token } })).status).toBe(
      200,
    );
    const cancel = await client.paymentRequests.cancel(id);
    expect(cancel.status).toBe(409);
    expect(cancel.error().error_message).toBe(
      `Payment request ${id} is COMPLETED and its session token has been used in a final authorization; ` +
        'it cannot be canceled any more',
    );
    expect((await client.paymentRequests.read(id)).ok().state).toBe('COMPLETED');
  });

  it('refuses to move a clock past what dates can show, and the account keeps working', async () => {
    const far = await client.admin.moveClock({ advance_ms: Number.MAX_SAFE_INTEGER });
    expect(far.status).toBe(400);
    const set = await client.admin.moveClock({ set: '9999-12-31T00:00:00Z' });
    expect(set.status).toBe(400);
    expect((await client.authorize(finalBody)).status).toBe(200);
  });

  it('expires the payment request after 3 hours on the account clock', async () => {
    const request = await stepUp();
    await client.admin.moveClock({ advance_ms: 3 * 60 * MINUTE - 1 });
    expect((await client.paymentRequests.read(request.payment_request_id)).ok().state).toBe('SUBMITTED');
    await client.admin.moveClock({ advance_ms: 1 });
    expect((await client.paymentRequests.read(request.payment_request_id)).ok().state).toBe('EXPIRED');
    expect((await client.admin.act(request.payment_request_id, 'approve')).status).toBe(409);
  });

  it('gives a tokenization alone its customer token on approval, and no session token: no further call', async () => {
    const approved = await approve((await stepUp(TOKENIZATION)).payment_request_id);
    expect(approved.payload.state_context?.klarna_customer).toMatchObject({
      customer_token: expect.stringMatching(/^krn:customer-token:eu1:/),
      customer_token_reference: 'subscription-user-12345',
      scopes: ['payment:customer_not_present'],
    });
    expect(approved.payload.state_context?.klarna_network_session_token).toBeUndefined();
  });

  it('returns the customer token of a tokenization with a first payment again on the final authorization', async () => {
    const firstPayment = { request_payment_transaction: { amount: 999 } };
    const approved = await approve((await stepUp({ ...TOKENIZATION, ...firstPayment })).payment_request_id);
    const customerToken = approved.payload.state_context?.klarna_customer as
      | { customer_token: string; customer_token_reference: string; scopes: string[] }
      | undefined;
    expect(customerToken?.scopes).toEqual(['payment:customer_not_present']);
    const token = String(approved.payload.state_context?.klarna_network_session_token);
    const { step_up_config: _stepUp, ...final } = { ...TOKENIZATION, ...firstPayment };
    const answer = (await client.authorize(final, { headers: { 'klarna-network-session-token': token } })).ok();
    expect(answer.payment_transaction_response?.result).toBe('APPROVED');
    expect(answer.customer_token_response).toEqual({ result: 'APPROVED', ...customerToken });
  });

  it('fills the return_url placeholders', async () => {
    const withPlaceholders = {
      ...STEP_UP,
      step_up_config: {
        payment_request_reference: 'ref 1',
        customer_interaction_config: {
          method: 'HANDOVER',
          return_url:
            'https://shop.example/return?id={klarna.payment_request.id}&state={klarna.payment_request.state}&token={klarna.payment_request.klarna_network_session_token}&ref={klarna.payment_request.payment_request_reference}',
        },
      },
    };
    const request = await stepUp(withPlaceholders);
    const approved = await approve(request.payment_request_id);
    const url = new URL(String(approved.redirect_url));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      id: request.payment_request_id,
      state: 'COMPLETED',
      token: approved.payload.state_context?.klarna_network_session_token,
      ref: 'ref 1',
    });
  });

  it('needs the same credentials as authorize to read a payment request, and 404s an unknown one', async () => {
    const request = await stepUp();
    expect((await client.send({ method: 'GET', path: paymentRequestPath(request.payment_request_id) })).status).toBe(
      401,
    );
    expect(
      (await client.paymentRequests.read('krn:payment:eu1:request:00000000-0000-4000-8000-0000000000ff')).status,
    ).toBe(404);
    const other = 'krn:partner:global:account:test:OTHER';
    expect((await client.paymentRequests.read(request.payment_request_id, {}, other)).status).toBe(404);
  });

  it('checks the path parameters after the credentials, as authorize does', async () => {
    const tooLong = `/v2/accounts/${'a'.repeat(256)}/payment/requests/x`;
    expect((await client.send({ method: 'GET', path: tooLong })).status).toBe(401);
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await client.send({ method, path: tooLong, headers: AUTH });
      expect(response.status).toBe(400);
      expect(response.error().validation_errors).toEqual([
        { parameter: 'partner_account_id', reason: 'Too big: expected string to have <=255 characters' },
      ]);
    }
  });
});

describe('the hosted purchase page', () => {
  it('shows the purchase and moves the request to IN_PROGRESS', async () => {
    const request = await stepUp();
    const url = String(request.state_context?.customer_interaction?.payment_request_url);
    expect(url.startsWith(base)).toBe(true);
    const page = await fetch(url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('acquiring-partner-request-reference-1234');
    expect(html).toContain('$118.00');
    expect(html).toContain('Running shoes');
    expect((await client.paymentRequests.read(request.payment_request_id)).ok().state).toBe('IN_PROGRESS');
  });

  it('is not opened by a HEAD request (a link checker or a chat preview)', async () => {
    const request = await stepUp();
    const url = String(request.state_context?.customer_interaction?.payment_request_url);
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(404);
    expect((await client.paymentRequests.read(request.payment_request_id)).ok().state).toBe('SUBMITTED');
  });

  it('approves from the form and sends the browser to return_url', async () => {
    const request = await stepUp();
    const uuid = request.payment_request_id.split(':').pop();
    const response = await fetch(`${base}/pay/requests/${uuid}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://example.com/klarna/return');
    expect((await client.paymentRequests.read(request.payment_request_id)).ok().state).toBe('COMPLETED');
  });

  it('asks for consent before approving a tokenization', async () => {
    const request = await stepUp(TOKENIZATION);
    const uuid = request.payment_request_id.split(':').pop();
    const post = (body: string) =>
      fetch(`${base}/pay/requests/${uuid}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
      });
    const refused = await post('');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('consent');
    expect((await post('consent=yes')).status).toBe(303);
  });

  it('shows the state, not the consent form, for a request that can no longer be approved', async () => {
    const request = await stepUp(TOKENIZATION);
    await client.admin.act(request.payment_request_id, 'decline');
    const uuid = request.payment_request_id.split(':').pop();
    const response = await fetch(`${base}/pay/requests/${uuid}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('DECLINED');
  });

  it('answers an unknown page with a 404 page, and escapes what it shows', async () => {
    expect((await fetch(`${base}/pay/requests/nope/start`)).status).toBe(404);
    const sneaky = {
      ...STEP_UP,
      step_up_config: { payment_request_reference: '<script>alert(1)</script>', customer_interaction_config: {} },
    };
    const request = await stepUp(sneaky);
    const html = await (await fetch(String(request.state_context?.customer_interaction?.payment_request_url))).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
