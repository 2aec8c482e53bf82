// The request every bench run sends: Klarna's documented initial authorization (fixtures/samples/
// initial-authorization-step-up.json) without step_up_config, so that the default decision is APPROVED, and with the
// customer and shipping details a shop usually sends, which brings it to about 1 KB.

export const ACCOUNT = 'krn:partner:global:account:test:M48JWZF8';
export const AUTHORIZE_PATH = `/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/authorize`;

export const HEADERS = {
  authorization: 'Basic klarna_test_api_made_up_key',
  'content-type': 'application/json',
} as const;

const address = {
  street_address: '800 N. High St',
  street_address2: 'Apartment 4',
  postal_code: '43215',
  city: 'Columbus',
  region: 'OH',
  country: 'US',
};

export const AUTHORIZE_BODY = {
  currency: 'USD',
  request_payment_transaction: {
    amount: 11800,
    payment_transaction_reference: 'acquiring-partner-transaction-reference-1234',
  },
  supplementary_purchase_data: {
    purchase_reference: 'order-1234',
    line_items: [
      {
        name: 'Running shoes',
        quantity: 1,
        unit_price: 8000,
        total_amount: 8000,
        total_tax_amount: 1600,
        product_url: 'https://example.com/products/running-shoes',
      },
      { name: 'Socks', quantity: 2, unit_price: 1500, total_amount: 3000, total_tax_amount: 600 },
      { name: 'Shipping', quantity: 1, unit_price: 800, total_amount: 800, total_tax_amount: 160 },
    ],
    customer: { given_name: 'Jane', family_name: 'Doe', email: 'customer@email.us', phone: '+16145550100', address },
    shipping: [
      {
        recipient: { given_name: 'Jane', family_name: 'Doe', email: 'customer@email.us' },
        address,
        shipping_option: { shipping_carrier: 'UPS', shipping_type: 'TO_DOOR' },
      },
    ],
  },
};

/** A float amount: the simulator answers 400 VALIDATION_ERROR. */
export const INVALID_BODY = {
  ...AUTHORIZE_BODY,
  request_payment_transaction: { ...AUTHORIZE_BODY.request_payment_transaction, amount: 118.5 },
};

/**
 * What the bare server answers: the simulator's APPROVED answer to AUTHORIZE_BODY, field for field, with fixed ids
 * and times of the same length, so both send the same number of bytes.
 */
export const APPROVED_ANSWER = JSON.stringify({
  payment_transaction_response: {
    result: 'APPROVED',
    payment_transaction: {
      payment_transaction_id: 'krn:payment:eu1:transaction:00000000-0000-4000-8000-000000000001',
      payment_transaction_reference: AUTHORIZE_BODY.request_payment_transaction.payment_transaction_reference,
      amount: AUTHORIZE_BODY.request_payment_transaction.amount,
      currency: AUTHORIZE_BODY.currency,
      payment_funding: { type: 'GUARANTEED', state: 'PENDING' },
      expires_at: '2026-12-24T12:00:00.000Z',
    },
  },
});
