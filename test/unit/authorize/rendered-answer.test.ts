import { describe, expect, it } from 'vitest';
import type { TransactionResult } from '../../../contracts/index.js';
import { ACCOUNT, authorizeDeps, BODY, checked, record, rendered } from './authorize-deps.js';

const TOKENIZE = {
  currency: 'USD',
  request_customer_token: { scopes: ['payment:customer_present'], customer_token_reference: 'ref-1' },
  supplementary_purchase_data: { ondemand_service: { average_amount: 2000 } },
};

describe('the answer to a decision', () => {
  it.each<[string, TransactionResult, unknown, string]>([
    [
      'approves with a transaction',
      'APPROVED',
      BODY,
      'APPROVED, transaction yes, payment request no, customer token no',
    ],
    [
      'declines with no transaction',
      'DECLINED',
      BODY,
      'DECLINED, transaction no, payment request no, customer token no',
    ],
    [
      'steps up with a payment request to complete',
      'STEP_UP_REQUIRED',
      BODY,
      'STEP_UP_REQUIRED, transaction no, payment request yes, customer token no',
    ],
    [
      'issues a customer token when it approves a tokenization outright',
      'APPROVED',
      TOKENIZE,
      'APPROVED, transaction no, payment request no, customer token issued',
    ],
  ])('%s', async (_name, result, body, expected) => {
    const deps = authorizeDeps();
    const request = checked(deps, body);
    const decision = { result, rule: 'test' };
    const answer = rendered(request, decision, () => 'http://127.0.0.1:1', deps);
    // A customer token the answer issues is remembered when the answer is recorded.
    await record(request, decision, answer, deps);
    const { response, serialized } = answer;
    const transactionResponse = response.payment_transaction_response;
    const stepUp = JSON.stringify(response).includes('payment_request_id');
    const token = response.payment_transaction_response?.payment_transaction;
    const customerToken = response.customer_token_response?.customer_token;
    const issued = typeof customerToken === 'string' && deps.store.issuedCustomerToken(ACCOUNT, customerToken);
    expect(JSON.parse(serialized)).toEqual(response);
    expect(
      [
        transactionResponse?.result ?? response.customer_token_response?.result,
        `transaction ${token === undefined ? 'no' : 'yes'}`,
        `payment request ${stepUp ? 'yes' : 'no'}`,
        `customer token ${issued ? 'issued' : 'no'}`,
      ].join(', '),
    ).toBe(expected);
  });
});
