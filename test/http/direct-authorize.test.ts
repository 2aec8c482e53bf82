import { describe, expect, it } from 'vitest';
import { AuthorizeResponse, PaymentRequest } from '../../contracts/index.js';
import { pactum } from '../support/pactum-contract.js';
import { ACCOUNT, loadSamples } from '../support/samples.js';
import { servedApp } from '../support/test-app.js';

const samples = loadSamples();
const STEP_UP = samples['initial-authorization-step-up']?.body ?? {};
const served = servedApp({
  config: { apiKeys: [{ key: 'klarna_test_api_k' }, { key: 'klarna_test_api_bound', accounts: [ACCOUNT] }] },
});
const DIRECT = '/v2/payment/authorize';
const DEFAULT_ACCOUNT = 'krn:partner:global:account:test:DEFAULT';

const authorizeDirect = (body: object, headers: Record<string, string>) =>
  pactum.spec().post(`${served.base}${DIRECT}`).withHeaders(headers).withJson(body);

describe('authorizePaymentDirect: POST /v2/payment/authorize on the API key’s account', () => {
  it('steps up like the account path, and the payment request is the default account’s', async () => {
    const body = AuthorizeResponse.parse(
      await authorizeDirect(STEP_UP, { authorization: 'Basic klarna_test_api_k' })
        .expectStatus(200)
        .expect('contract', AuthorizeResponse)
        .returns('res.body'),
    );
    expect(body.payment_transaction_response).toEqual({ result: 'STEP_UP_REQUIRED' });
    const id = String(body.payment_request?.payment_request_id);
    const read = await pactum
      .spec()
      .get(`${served.base}/v2/payment/requests/${id}`)
      .withHeaders({ authorization: 'Basic klarna_test_api_k' })
      .expectStatus(200)
      .returns('res.body');
    expect(PaymentRequest.parse(read)).toEqual(body.payment_request);
    await pactum
      .spec()
      .get(`${served.base}/v2/accounts/${encodeURIComponent(DEFAULT_ACCOUNT)}/payment/requests/${id}`)
      .withHeaders({ authorization: 'Basic klarna_test_api_k' })
      .expectStatus(200);
  });

  it('acts on the one account a key is bound to, and journals the request under it', async () => {
    const headers = { authorization: 'Basic klarna_test_api_bound', 'partner-correlation-id': 'direct-bound-1' };
    await authorizeDirect({ currency: 'USD', request_payment_transaction: { amount: 1000 } }, headers)
      .expectStatus(200)
      .expectJsonMatch({ payment_transaction_response: { result: 'APPROVED' } });
    const journal = await pactum
      .spec()
      .get(`${served.base}/__mock/requests`)
      .withQueryParams('account', ACCOUNT)
      .expectStatus(200)
      .returns('res.body');
    expect((journal as { requests: { path: string; status: number }[] }).requests).toEqual([
      expect.objectContaining({ path: DIRECT, status: 200 }),
    ]);
  });

  it('replays under its idempotency key exactly as the account path does', async () => {
    const headers = { authorization: 'Basic klarna_test_api_k', 'klarna-idempotency-key': 'direct-key' };
    const first = await authorizeDirect(STEP_UP, headers).expectStatus(200).toss();
    const again = await authorizeDirect(STEP_UP, headers)
      .expectStatus(200)
      .expectHeader('idempotent-replayed', 'true')
      .toss();
    expect(again.body).toEqual(first.body);
  });

  it('answers 401 in Klarna’s shape to a key it does not know', async () => {
    const body = await authorizeDirect(STEP_UP, { authorization: 'Basic unknown' })
      .expectStatus(401)
      .returns('res.body');
    expect(body).toEqual({
      error_id: expect.any(String),
      error_type: 'ACCESS_ERROR',
      error_code: 'UNAUTHORIZED',
      error_message: 'The presented credentials failed authentication',
    });
  });
});
