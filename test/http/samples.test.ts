import { describe, expect, it } from 'vitest';
import { loadPaymentRequestSamples } from '../../contract-suite/documented-requests.js';
import { AuthorizeRequest, AuthorizeResponse, KlarnaError, PaymentRequest } from '../../contracts/index.js';
import { unknownFields } from '../../mock-server/core/unknown-fields.js';
import { pactum } from '../support/pactum-contract.js';
import { ACCOUNT, AUTHORIZE_URL, loadSamples } from '../support/samples.js';
import { servedApp } from '../support/test-app.js';

const samples = loadSamples();
const paymentRequestSamples = loadPaymentRequestSamples();
const served = servedApp();

const send = (name: string) => {
  const sample = samples[name];
  if (!sample) throw new Error(`no sample ${name}`);
  return pactum
    .spec()
    .post(`${served.base}${sample.path === '/v2/payment/authorize' ? sample.path : AUTHORIZE_URL()}`)
    .withHeaders({ ...(sample.headers as Record<string, string>), 'content-type': 'application/json' })
    .withJson(sample.body);
};

describe("Klarna's documented requests over HTTP", () => {
  it('has documented authorize and payment request samples to send (the tables below are not empty)', () => {
    expect(Object.keys(samples).length).toBeGreaterThan(0);
    expect(Object.keys(paymentRequestSamples).length).toBeGreaterThan(0);
  });

  it.each(Object.entries(samples))('%s gives the outcome of the default decision', async (name, sample) => {
    const body = await send(name).expectStatus(200).expect('contract', AuthorizeResponse).returns('res.body');
    const response = AuthorizeResponse.parse(body);
    const result = response.payment_transaction_response?.result ?? response.customer_token_response?.result;
    expect(result).toBe(sample.expected_result);
  });

  it.each(Object.entries(samples))('%s carries no field the contract does not document', (_name, sample) => {
    expect(unknownFields(AuthorizeRequest, sample.body)).toEqual([]);
  });

  it.each(Object.entries(paymentRequestSamples))(
    'payment request sample %s answers its documented status and state',
    async (_name, sample) => {
      const create = sample.method === 'POST' ? sample : paymentRequestSamples[String(sample.updates)];
      if (create === undefined) throw new Error(`${_name} updates no create sample`);
      const created = await pactum
        .spec()
        .post(`${served.base}/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/requests`)
        .withHeaders(create.headers as Record<string, string>)
        .withJson(create.body)
        .expectStatus(201)
        .expect('contract', PaymentRequest)
        .returns('res.body');
      const id = PaymentRequest.parse(created).payment_request_id;
      const body =
        sample.method === 'POST'
          ? created
          : await pactum
              .spec()
              .patch(`${served.base}/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/requests/${id}`)
              .withHeaders(sample.headers as Record<string, string>)
              .withJson(sample.body)
              .expectStatus(sample.expected_status)
              .expect('contract', PaymentRequest)
              .returns('res.body');
      expect(PaymentRequest.parse(body)).toMatchObject({
        payment_request_id: id,
        state: sample.expected_state,
        supplementary_purchase_data: sample.body.supplementary_purchase_data,
      });
    },
  );

  it('final authorization returns a payment_transaction with a krn transaction id and the request echoed', async () => {
    const body = AuthorizeResponse.parse(await send('final-authorization').expectStatus(200).returns('res.body'));
    const transaction = body.payment_transaction_response?.payment_transaction;
    expect(transaction?.payment_transaction_id).toMatch(/^krn:payment:eu1:transaction:[0-9a-f-]{36}$/);
    expect(transaction).toMatchObject({
      payment_transaction_reference: 'acquiring-partner-transaction-reference-1234',
      amount: 11800,
      currency: 'USD',
      payment_funding: { type: 'GUARANTEED', state: 'PENDING' },
      expires_at: '2026-12-24T12:00:00.000Z',
    });
    expect(transaction?.payment_captures).toBeUndefined();
  });

  it('initial authorization with step_up_config returns a top-level SUBMITTED payment_request', async () => {
    const body = AuthorizeResponse.parse(
      await send('initial-authorization-step-up').expectStatus(200).returns('res.body'),
    );
    expect(body.payment_transaction_response).toEqual({ result: 'STEP_UP_REQUIRED' });
    const request = body.payment_request;
    expect(request).toMatchObject({
      payment_request_reference: 'acquiring-partner-request-reference-1234',
      state: 'SUBMITTED',
      amount: 11800,
      currency: 'USD',
      created_at: '2026-11-26T12:00:00.000Z',
      updated_at: '2026-11-26T12:00:00.000Z',
      state_expires_at: '2026-11-26T15:00:00.000Z',
      expires_at: '2026-11-27T13:00:00.000Z',
      supplementary_purchase_data: samples['initial-authorization-step-up']?.body.supplementary_purchase_data,
    });
    expect(request?.payment_request_id).toMatch(/^krn:payment:eu1:request:/);
    const interaction = request?.state_context?.customer_interaction;
    expect(interaction?.method).toBe('HANDOVER');
    expect(interaction?.payment_request_id).toBe(request?.payment_request_id);
    expect(interaction?.payment_request_url).toMatch(new RegExp(`^${served.base}/pay/requests/[0-9a-f-]{36}/start$`));
  });

  it("tokenization steps up with a customer_token_response, and the payment_transaction_response Klarna's collection reads", async () => {
    const body = AuthorizeResponse.parse(await send('tokenization').expectStatus(200).returns('res.body'));
    expect(body.customer_token_response).toEqual({ result: 'STEP_UP_REQUIRED' });
    expect(body.payment_transaction_response).toEqual({ result: 'STEP_UP_REQUIRED' });
    expect(body.payment_request?.state).toBe('SUBMITTED');
    expect(body.payment_request?.amount).toBeUndefined();
  });

  it('a tokenization carrying a session token never issued here still asks for consent: the token is context', async () => {
    const tokenization = samples.tokenization;
    const body = AuthorizeResponse.parse(
      await pactum
        .spec()
        .post(`${served.base}${AUTHORIZE_URL()}`)
        .withHeaders({
          authorization: 'Basic k',
          'klarna-network-session-token': 'krn:payment:eu1:klarna-network-session-token:t1',
        })
        .withJson({
          currency: 'EUR',
          request_customer_token: tokenization?.body.request_customer_token,
          supplementary_purchase_data: tokenization?.body.supplementary_purchase_data,
        })
        .expectStatus(200)
        .expect('contract', AuthorizeResponse)
        .returns('res.body'),
    );
    expect(body.customer_token_response).toEqual({ result: 'STEP_UP_REQUIRED' });
    expect(body.payment_request?.state).toBe('SUBMITTED');
  });

  it('capture NOW returns the transaction with one capture of the whole amount', async () => {
    const body = AuthorizeResponse.parse(
      await pactum
        .spec()
        .post(`${served.base}${AUTHORIZE_URL()}`)
        .withHeaders({ authorization: 'Basic k' })
        .withJson({ currency: 'SEK', request_payment_transaction: { amount: 5000, capture: 'NOW' } })
        .expectStatus(200)
        .returns('res.body'),
    );
    const transaction = body.payment_transaction_response?.payment_transaction;
    expect(transaction?.payment_captures).toEqual([
      {
        payment_capture_id: `${transaction?.payment_transaction_id}:capture:1`,
        amount: 5000,
        captured_at: '2026-11-26T12:00:00.000Z',
      },
    ]);
  });

  it('the playground pattern +denied declines with no transaction', async () => {
    const body = await pactum
      .spec()
      .post(`${served.base}${AUTHORIZE_URL()}`)
      .withHeaders({ authorization: 'Basic k' })
      .withJson({
        currency: 'USD',
        request_payment_transaction: { amount: 100 },
        supplementary_purchase_data: { customer: { email: 'customer+denied@email.us' } },
      })
      .expectStatus(200)
      .expect('contract', AuthorizeResponse)
      .returns('res.body');
    expect(body).toEqual({ payment_transaction_response: { result: 'DECLINED' } });
  });

  it('an error over HTTP is a Klarna error body with Klarna-Correlation-Id', async () => {
    const res = await pactum
      .spec()
      .post(`${served.base}${AUTHORIZE_URL()}`)
      .withJson({ currency: 'USD', request_payment_transaction: { amount: 1 } })
      .expectStatus(401)
      .expect('contract', KlarnaError)
      .toss();
    expect(res.headers['klarna-correlation-id']).toBe(res.body.error_id);
  });
});
