import { describe, expect, it } from 'vitest';
import type { AuthorizeRequest } from '../../contracts/index.js';
import { decide, NO_TOKENS, stepUpPossible, type TokenFacts } from '../../mock-server/core/authorize/decide.js';

const payment = { amount: 11800 };
const stepUp = { customer_interaction_config: { method: 'HANDOVER' as const } };
const tokenization = { scopes: ['payment:customer_not_present' as const] };
const withEmail = (email: string) => ({ customer: { email } });
const FINAL: TokenFacts = { ...NO_TOKENS, final: true };
const NOT_PRESENT: TokenFacts = { ...NO_TOKENS, customerToken: 'not_present' };
const PRESENT: TokenFacts = { ...NO_TOKENS, customerToken: 'present' };
const INTEROPERABILITY: TokenFacts = { ...NO_TOKENS, interoperability: true };

describe('the default decision', () => {
  it.each<[string, TokenFacts, Omit<AuthorizeRequest, 'currency'>, string]>([
    ['a final authorization is approved', FINAL, { request_payment_transaction: payment }, 'APPROVED'],
    [
      'a final authorization is approved even with step_up_config',
      FINAL,
      { request_payment_transaction: payment, step_up_config: stepUp },
      'APPROVED',
    ],
    [
      'a customer token without step_up_config charges the absent customer',
      NOT_PRESENT,
      { request_payment_transaction: payment },
      'APPROVED',
    ],
    [
      'a customer-present token charge forwarding step_up_config is approved',
      PRESENT,
      { request_payment_transaction: payment, step_up_config: stepUp },
      'APPROVED',
    ],
    [
      'an interoperability token charge forwarding step_up_config is approved',
      INTEROPERABILITY,
      { request_payment_transaction: payment, step_up_config: stepUp },
      'APPROVED',
    ],
    ['tokenization always steps up', NO_TOKENS, { request_customer_token: tokenization }, 'STEP_UP_REQUIRED'],
    [
      'step_up_config steps up',
      NO_TOKENS,
      { request_payment_transaction: payment, step_up_config: stepUp },
      'STEP_UP_REQUIRED',
    ],
    ['a plain payment is approved', NO_TOKENS, { request_payment_transaction: payment }, 'APPROVED'],
    [
      '+denied declines',
      NO_TOKENS,
      { request_payment_transaction: payment, supplementary_purchase_data: withEmail('customer+denied@email.us') },
      'DECLINED',
    ],
    [
      '+denied declines a final authorization too',
      FINAL,
      { request_payment_transaction: payment, supplementary_purchase_data: withEmail('customer+denied@email.us') },
      'DECLINED',
    ],
    [
      '+require_signup steps up a plain payment',
      NO_TOKENS,
      {
        request_payment_transaction: payment,
        supplementary_purchase_data: withEmail('customer+require_signup@email.us'),
      },
      'STEP_UP_REQUIRED',
    ],
    [
      '+require_signup does not step up a final authorization',
      FINAL,
      {
        request_payment_transaction: payment,
        supplementary_purchase_data: withEmail('customer+require_signup@email.us'),
      },
      'APPROVED',
    ],
    [
      '+require_signup does not step up a customer-not-present charge',
      NOT_PRESENT,
      {
        request_payment_transaction: payment,
        supplementary_purchase_data: withEmail('customer+require_signup@email.us'),
      },
      'APPROVED',
    ],
    [
      'an ordinary e-mail changes nothing',
      NO_TOKENS,
      { request_payment_transaction: payment, supplementary_purchase_data: withEmail('customer@email.us') },
      'APPROVED',
    ],
  ])('%s', (_name, tokens, body, result) => {
    expect(decide({ currency: 'USD', ...body }, tokens).result).toBe(result);
  });

  it('names the rule that decided, for the request log', () => {
    expect(decide({ currency: 'USD', request_payment_transaction: payment }, NO_TOKENS).rule).toBe('default');
  });

  it.each<[string, TokenFacts, boolean]>([
    ['a request without tokens', NO_TOKENS, true],
    ['a final authorization', FINAL, false],
    ['a customer-present token charge', PRESENT, true],
    ['a customer-not-present token charge', NOT_PRESENT, false],
    ['an interoperability token charge', INTEROPERABILITY, true],
  ])('a step-up is possible for %s: %s', (_name, tokens, possible) => {
    expect(stepUpPossible(tokens)).toBe(possible);
  });
});
