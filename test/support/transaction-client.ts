import { type ClientRequest, klarnaClient } from './klarna-client.js';
import { ACCOUNT } from './samples.js';

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

/**
 * The Payment Transaction API for the transaction tests, on the typed client's transport: every answer as status,
 * headers and parsed JSON, any body sent as given (these tests send bodies the contract refuses).
 */
export function transactionClient(base: () => string, account = ACCOUNT) {
  const client = klarnaClient(base, { account });
  const prefix = `/v2/accounts/${encodeURIComponent(account)}/payment`;
  async function call(
    method: ClientRequest['method'],
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const answer = await client.send({
      method,
      path,
      headers: { ...AUTH, ...headers },
      ...(body !== undefined && { body }),
    });
    return {
      status: answer.status,
      headers: answer.headers,
      json: answer.body as Record<string, unknown> & { error_code?: string; error_message?: string; state?: string },
    };
  }
  const tx = (id: string) => `${prefix}/transactions/${encodeURIComponent(id)}`;
  return {
    call,
    approve: (body: unknown = PAYMENT): Promise<string> => client.approve(body),
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
      const answer = await client.admin.moveClock({ advance_ms: ms });
      if (answer.status !== 200) throw new Error(`clock: ${answer.status}`);
    },
  };
}
