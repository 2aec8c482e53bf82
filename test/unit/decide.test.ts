import { describe, expect, it } from 'vitest';
import type { AuthorizeHeaders, AuthorizeRequest } from '../../contracts/index.js';
import { decide } from '../../mock-server/decide.js';

const payment = { amount: 11800 };
const stepUp = { customer_interaction_config: { method: 'HANDOVER' as const } };
const tokenization = { scopes: ['payment:customer_not_present' as const] };
const withEmail = (email: string) => ({ customer: { email } });

describe('the default decision (simulator-decisions §2)', () => {
  it.each<[string, AuthorizeHeaders, Omit<AuthorizeRequest, 'currency'>, string]>([
    [
      'a session token finalizes',
      { 'klarna-network-session-token': 't' },
      { request_payment_transaction: payment },
      'APPROVED',
    ],
    [
      'a session token finalizes even with step_up_config',
      { 'klarna-network-session-token': 't' },
      { request_payment_transaction: payment, step_up_config: stepUp },
      'APPROVED',
    ],
    [
      'a customer token without step_up_config charges the absent customer',
      { 'klarna-customer-token': 'c' },
      { request_payment_transaction: payment },
      'APPROVED',
    ],
    [
      'a customer token with step_up_config may step up',
      { 'klarna-customer-token': 'c' },
      { request_payment_transaction: payment, step_up_config: stepUp },
      'STEP_UP_REQUIRED',
    ],
    ['tokenization always steps up', {}, { request_customer_token: tokenization }, 'STEP_UP_REQUIRED'],
    [
      'step_up_config steps up',
      {},
      { request_payment_transaction: payment, step_up_config: stepUp },
      'STEP_UP_REQUIRED',
    ],
    ['a plain payment is approved', {}, { request_payment_transaction: payment }, 'APPROVED'],
    [
      '+denied declines',
      {},
      { request_payment_transaction: payment, supplementary_purchase_data: withEmail('customer+denied@email.us') },
      'DECLINED',
    ],
    [
      '+denied declines a final authorization too',
      { 'klarna-network-session-token': 't' },
      { request_payment_transaction: payment, supplementary_purchase_data: withEmail('customer+denied@email.us') },
      'DECLINED',
    ],
    [
      '+require_signup steps up a plain payment',
      {},
      {
        request_payment_transaction: payment,
        supplementary_purchase_data: withEmail('customer+require_signup@email.us'),
      },
      'STEP_UP_REQUIRED',
    ],
    [
      '+require_signup does not step up a final authorization',
      { 'klarna-network-session-token': 't' },
      {
        request_payment_transaction: payment,
        supplementary_purchase_data: withEmail('customer+require_signup@email.us'),
      },
      'APPROVED',
    ],
    [
      '+require_signup does not step up a customer-not-present charge',
      { 'klarna-customer-token': 'c' },
      {
        request_payment_transaction: payment,
        supplementary_purchase_data: withEmail('customer+require_signup@email.us'),
      },
      'APPROVED',
    ],
    [
      'an ordinary e-mail changes nothing',
      {},
      { request_payment_transaction: payment, supplementary_purchase_data: withEmail('customer@email.us') },
      'APPROVED',
    ],
  ])('%s', (_name, headers, body, result) => {
    expect(decide(headers, { currency: 'USD', ...body }).result).toBe(result);
  });

  it('names the rule that decided, for the request log', () => {
    expect(decide({}, { currency: 'USD', request_payment_transaction: payment }).rule).toBe('default');
  });
});
