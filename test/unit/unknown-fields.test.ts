import { describe, expect, it } from 'vitest';
import { AuthorizeRequest, PaymentRequest } from '../../contracts/index.js';
import { unknownFields } from '../../mock-server/core/unknown-fields.js';

describe('unknown fields (docs/simulator-choices.md#unknown-fields)', () => {
  it('finds a typo with its path', () => {
    const body = { currency: 'USD', request_payment_transaction: { amount: 1, paymnet_transaction_reference: 'x' } };
    expect(unknownFields(AuthorizeRequest, body)).toEqual([
      'request_payment_transaction.paymnet_transaction_reference',
    ]);
  });

  it('knows every key of a free-form object (an echo of what the partner sent), and still the keys around it', () => {
    const body = {
      payment_request_id: 'krn:payment:eu1:request:1',
      state: 'SUBMITTED',
      supplementary_purchase_data: { purchase_reference: 'r', line_items: [{ name: 'a' }] },
      colour: 'red',
    };
    expect(unknownFields(PaymentRequest, body)).toEqual(['colour']);
  });

  it('walks into arrays and optional objects', () => {
    const body = {
      currency: 'USD',
      extra: 1,
      supplementary_purchase_data: {
        line_items: [
          { name: 'a', quantity: 1, total_amount: 1 },
          { name: 'b', quantity: 1, total_amount: 1, colour: 'red' },
        ],
        customer: { address: { city: 'x', country: 'SE', street_address: 'y', flat: 2 } },
      },
    };
    expect(unknownFields(AuthorizeRequest, body)).toEqual([
      'extra',
      'supplementary_purchase_data.line_items[1].colour',
      'supplementary_purchase_data.customer.address.flat',
    ]);
  });

  it('finds nothing in a documented request', () => {
    const body = {
      currency: 'USD',
      request_payment_transaction: { amount: 1, payment_transaction_reference: 'r', capture: 'NOW' },
    };
    expect(unknownFields(AuthorizeRequest, body)).toEqual([]);
  });

  it('never throws on values of the wrong shape', () => {
    expect(unknownFields(AuthorizeRequest, [1, 2])).toEqual([]);
    expect(unknownFields(AuthorizeRequest, { supplementary_purchase_data: { line_items: 'x' } })).toEqual([]);
  });
});
