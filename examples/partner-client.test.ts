// The example of docs/guides/testing-your-client.md ("Use it from your own tests"), run as part of this project's tests.

import { type RunningMock, startMock } from 'klarna-mock';
import { AuthorizeResponse } from 'klarna-mock/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ACCOUNT = 'krn:partner:global:account:test:MYSHOP01';
let mock: RunningMock;

beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());

it('my checkout handles a decline', async () => {
  mock.arm({ account: ACCOUNT, name: 'declined' });

  // In your test, this is where your own client calls the authorize URL.
  const response = await fetch(mock.authorizeUrl(ACCOUNT), {
    method: 'POST',
    headers: {
      Authorization: 'Basic klarna_test_api_anything',
      'Content-Type': 'application/json',
      'Klarna-Idempotency-Key': crypto.randomUUID(),
    },
    body: JSON.stringify({ currency: 'EUR', request_payment_transaction: { amount: 2500 } }),
  });

  const body = AuthorizeResponse.parse(await response.json());
  expect(body.payment_transaction_response?.result).toBe('DECLINED');
  expect(mock.report(ACCOUNT).errors).toBe(0);
});
