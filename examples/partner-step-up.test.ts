// The step-up example of docs/guides/testing-your-client.md, run as part of this project's tests
// (test/docs/guide-examples.test.ts checks that the guide's text is this file's).

import { type RunningMock, startMock } from 'klarna-mock';
import { AuthorizeResponse, CustomerActionResult } from 'klarna-mock/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ACCOUNT = 'krn:partner:global:account:test:MYSHOP02';
let mock: RunningMock;

beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());

async function authorize(body: object, headers: Record<string, string> = {}) {
  const response = await fetch(mock.authorizeUrl(ACCOUNT), {
    method: 'POST',
    headers: {
      Authorization: 'Basic klarna_test_api_anything',
      'Content-Type': 'application/json',
      'Klarna-Idempotency-Key': crypto.randomUUID(),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return AuthorizeResponse.parse(await response.json());
}

it('my checkout finishes a step-up', async () => {
  const payment = { currency: 'EUR', request_payment_transaction: { amount: 2500 } };
  const initial = await authorize({
    ...payment,
    step_up_config: { customer_interaction_config: { method: 'HANDOVER', return_url: 'https://shop.example/back' } },
  });
  const id = initial.payment_request?.payment_request_id ?? '';

  // The customer approves: what a browser would do on the hosted page.
  const approved = await fetch(`${mock.url}/__mock/payment-requests/${id}/approve`, { method: 'POST' });
  const { payload } = CustomerActionResult.parse(await approved.json());
  const token = payload.state_context?.klarna_network_session_token ?? '';

  const final = await authorize(payment, { 'Klarna-Network-Session-Token': token });
  expect(final.payment_transaction_response?.result).toBe('APPROVED');
});
