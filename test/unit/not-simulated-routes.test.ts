import { describe, expect, it } from 'vitest';
import { NOT_SIMULATED, notSimulatedOperation } from '../../mock-server/http/routes/not-simulated-routes.js';

const ACCOUNT = 'krn:partner:global:account:test:M48JWZF8';
const TX = 'krn:payment:eu1:transaction:6d5b4a3f';

describe('notSimulatedOperation', () => {
  it.each([
    [
      'GET',
      `/v2/accounts/${ACCOUNT}/payment/chargebacks/cb1`,
      "GET /v2/accounts/{partner_account_id}/payment/chargebacks/{payment_chargeback_id} is Klarna's readPaymentChargeback",
    ],
    [
      'GET',
      '/v2/payment/chargebacks/cb1',
      "GET /v2/payment/chargebacks/{payment_chargeback_id} is Klarna's readPaymentChargeback",
    ],
    [
      'DELETE',
      `/v2/accounts/${ACCOUNT}/payment/tokens/t1`,
      "DELETE /v2/accounts/{partner_account_id}/payment/tokens/{payment_token} is Klarna's cancelPaymentToken",
    ],
    [
      'GET',
      `/v2/accounts/${ACCOUNT}/payment/presentation?locale=en-US&amount=12336`,
      "GET /v2/accounts/{partner_account_id}/payment/presentation is Klarna's getPaymentPresentation",
    ],
    [
      'POST',
      `/v2/accounts/${ACCOUNT}/payment/disputes/d1/accept-loss`,
      "POST /v2/accounts/{partner_account_id}/payment/disputes/{payment_dispute_id}/accept-loss is Klarna's acceptDisputeLoss",
    ],
    [
      'POST',
      `/v2/accounts/${ACCOUNT}/interoperability/test-tokens`,
      "POST /v2/accounts/{partner_account_id}/interoperability/test-tokens is Klarna's generateTestInteroperabilityToken",
    ],
    [
      'POST',
      `/v2/accounts/${ACCOUNT}/identity/customer-token/revoke`,
      "POST /v2/accounts/{partner_account_id}/identity/customer-token/revoke is Klarna's revokeCustomerToken",
    ],
  ])('names %s %s as a Klarna operation', (method, url, expected) => {
    expect(notSimulatedOperation(method, url)).toBe(expected);
  });

  it.each([
    ['GET', `/v2/accounts/${ACCOUNT}/payment/transactions/${TX}`, 'a transaction read is simulated now'],
    ['POST', `/v2/accounts/${ACCOUNT}/payment/transactions/${TX}/capture`, 'so is a capture'],
    ['GET', '/v2/payment/refunds/r1', 'and a refund read'],
    ['GET', `/v2/accounts/${ACCOUNT}/payment/transactions/${TX}/capture`, 'capture is a POST'],
    ['POST', `/v2/accounts/${ACCOUNT}/payment/transactions/${TX}/captures`, 'the plural is no Klarna path'],
    ['POST', '/v2/interoperability/tokens', 'interoperability has no Direct form'],
    ['GET', '/v2/nothing/here', 'no Klarna route at all'],
    ['POST', `/v2/accounts/${ACCOUNT}/payment/transactions/a/b/capture`, 'an id is one segment'],
  ])('knows nothing of %s %s (%s)', (method, url) => {
    expect(notSimulatedOperation(method, url)).toBeUndefined();
  });

  it('lists each operation once per method and path', () => {
    const keys = NOT_SIMULATED.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
