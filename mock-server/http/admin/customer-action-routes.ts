import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CustomerActionResult, KlarnaError } from '../../../contracts/index.js';
import { catalogue, KlarnaHttpError } from '../../core/error-catalogue.js';
import type { PaymentRequestRecord } from '../../core/payment-requests/payment-request-record.js';
import type { PaymentRequests } from '../../core/payment-requests/payment-requests.js';
import { renderPaymentRequest, stateChangeEvent } from '../../core/payment-requests/render-payment-request.js';
import { fillReturnUrl } from '../../core/payment-requests/return-url.js';
import type { CustomerAction } from '../../core/payment-requests/transition.js';
import { ADMIN_TAG, type CheckedRoutes, checkedScope } from '../checked-scope.js';

const Params = z.object({
  id: z.string().min(1).describe('payment_request_id (krn:…) or the uuid in payment_request_url'),
  action: z.enum(['approve', 'decline', 'abort']),
});

/** What the customer's action leads to: the new state, and where Klarna sends the browser. */
export function customerActionResult(record: PaymentRequestRecord) {
  const template = record.interaction?.return_url;
  return {
    event_type: stateChangeEvent(record),
    payload: renderPaymentRequest(record),
    ...(template !== undefined && { redirect_url: fillReturnUrl(template, record) }),
  };
}

/** Runs a customer action; a refused one is a catalogue error. */
export async function actAsCustomer(
  paymentRequests: PaymentRequests,
  id: string,
  action: CustomerAction,
): Promise<PaymentRequestRecord> {
  const record = await paymentRequests.find(id);
  if (record === undefined) throw catalogue.resourceNotFound(`payment request ${id}`);
  const next = await paymentRequests.act(record, action);
  if (next instanceof KlarnaHttpError) throw next;
  return next;
}

/** Acting as the customer from a test: the same as the hosted page's buttons, without a browser. */
export function customerActionRoutes(app: FastifyInstance, deps: { paymentRequests: PaymentRequests }) {
  checkedScope(app, (routes) => customerActionRoute(routes, deps));
}

function customerActionRoute(routes: CheckedRoutes, deps: { paymentRequests: PaymentRequests }) {
  routes.post(
    '/__mock/payment-requests/:id/:action',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'actOnMockPaymentRequest',
        description:
          "Plays the customer's part of a payment request without the hosted page; the answer carries the state-change event a subscribed webhook receives.",
        summary: 'Approve, decline or abort a payment request as the customer would; returns what the webhook carries',
        params: Params,
        response: { 200: CustomerActionResult, 400: KlarnaError, 404: KlarnaError, 409: KlarnaError },
      },
    },
    async (request) => {
      const { id, action } = request.params;
      return customerActionResult(await actAsCustomer(deps.paymentRequests, id, action));
    },
  );
}
