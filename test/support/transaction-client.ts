import { AuthorizeResponse } from '../../contracts/index.js';
import { ACCOUNT, AUTHORIZE_URL } from './samples.js';

const AUTH = { authorization: 'Basic klarna_test_api_k', 'content-type': 'application/json' };
export const PAYMENT = {
  currency: 'EUR',
  request_payment_transaction: { amount: 4000, payment_transaction_reference: 'order-7' },
  supplementary_purchase_data: {
    purchase_reference: 'order-7',
    line_items: [{ name: 'Shoe', quantity: 1, total_amount: 4000 }],
  },
};
export const LINE_ITEMS = [{ name: 'Shoe', quantity: 1, total_amount: 4000 }];

/** A small client of the Payment Transaction API for tests: every answer as status, headers and parsed JSON. */
export function transactionClient(base: () => string, account = ACCOUNT) {
  const prefix = `/v2/accounts/${encodeURIComponent(account)}/payment`;
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: { ...AUTH, ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> & {
        error_code?: string;
        error_message?: string;
        state?: string;
      },
    };
  }
  const tx = (id: string) => `${prefix}/transactions/${encodeURIComponent(id)}`;
  return {
    call,
    async approve(body: unknown = PAYMENT): Promise<string> {
      const response = await call('POST', AUTHORIZE_URL(account), body);
      const transaction = AuthorizeResponse.parse(response.json).payment_transaction_response?.payment_transaction;
      if (!transaction) throw new Error(`not approved: ${JSON.stringify(response.json)}`);
      return transaction.payment_transaction_id;
    },
    read: (id: string) => call('GET', tx(id)),
    update: (id: string, body: unknown) => call('PATCH', tx(id), body),
    capture: (id: string, body: unknown, headers?: Record<string, string>) =>
      call('POST', `${tx(id)}/capture`, body, headers),
    refund: (id: string, body: unknown, headers?: Record<string, string>) =>
      call('POST', `${tx(id)}/refund`, body, headers),
    refundCapture: (captureId: string, body: unknown) =>
      call('POST', `${prefix}/captures/${encodeURIComponent(captureId)}/refund`, body),
    void: (id: string, headers?: Record<string, string>) => call('POST', `${tx(id)}/void`, undefined, headers),
    reauthorize: (id: string, body: unknown) => call('POST', `${tx(id)}/authorize`, body),
    readCapture: (id: string) => call('GET', `${prefix}/captures/${encodeURIComponent(id)}`),
    readRefund: (id: string) => call('GET', `${prefix}/refunds/${encodeURIComponent(id)}`),
    advance: async (ms: number) => {
      const response = await fetch(`${base()}/__mock/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ account, advance_ms: ms }),
      });
      if (response.status !== 200) throw new Error(`clock: ${response.status}`);
    },
  };
}
