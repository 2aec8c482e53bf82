import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KlarnaError, PaymentRequest } from '../../contracts/index.js';
import { serializeChecked } from '../check-response.js';
import type { MockConfig } from '../config.js';
import { catalogue, KlarnaHttpError } from '../error-catalogue.js';
import type { PaymentRequests } from '../payment-requests/payment-requests.js';
import { renderPaymentRequest } from '../payment-requests/render-payment-request.js';
import { parseInput } from './parse-input.js';
import { PATH_FORMS, type PathForm } from './path-forms.js';
import { sendJson } from './send-json.js';

const Id = z.object({ payment_request_id: z.string().min(1).max(255) });

/**
 * Read and cancel a payment request (https://docs.klarna.com/klarna-network-distribution/payment-authorization/cancel-payment-request/),
 * on the account path and on Klarna Direct's (the API key's account). Same credentials and account rules as
 * authorize.
 */
export function paymentRequestRoutes(
  app: FastifyInstance,
  deps: { config: MockConfig; paymentRequests: PaymentRequests },
) {
  for (const form of PATH_FORMS) paymentRequestRoutesOf(app, form, deps);
}

function paymentRequestRoutesOf(
  app: FastifyInstance,
  form: PathForm,
  deps: { config: MockConfig; paymentRequests: PaymentRequests },
) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const path = `${form.prefix}/payment/requests/:payment_request_id`;
  const schema = (summary: string, operationId: string, description: string) => ({
    operationId: `${operationId}${form.suffix}`,
    summary: form.suffix === 'Direct' ? `${summary} (Klarna Direct: the API key's account)` : summary,
    description,
    tags: ['Payment Request API'],
    security: [{ klarna_api_key: [] }],
    params: form.params.extend(Id.shape),
    response: {
      200: PaymentRequest,
      400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR (a path parameter over 255 characters)'),
      401: KlarnaError,
      403: KlarnaError,
      404: KlarnaError,
      409: KlarnaError,
    },
  });
  const find = (params: unknown, authorization: string | undefined, operation: string) =>
    findPaymentRequest(form, deps, params, authorization, operation);

  routes.get(
    path,
    {
      schema: schema(
        'Read a payment request',
        'readPaymentRequest',
        'The payment request in its current state, expired when its time is up.',
      ),
    },
    async (request, reply) => {
      const record = find(request.params, request.headers.authorization, 'read payment requests');
      return sendJson(reply, 200, serializeChecked(PaymentRequest, renderPaymentRequest(record)));
    },
  );

  routes.delete(
    path,
    {
      schema: schema(
        'Cancel a payment request',
        'cancelPaymentRequest',
        'Cancels a payment request while its state allows it (a completed one until its token is used in a final authorization); otherwise 409.',
      ),
    },
    async (request, reply) => {
      const canceled = deps.paymentRequests.act(
        find(request.params, request.headers.authorization, 'cancel payment requests'),
        'cancel',
      );
      if (canceled instanceof KlarnaHttpError) throw canceled;
      return sendJson(reply, 200, serializeChecked(PaymentRequest, renderPaymentRequest(canceled)));
    },
  );
}

/**
 * The payment request a path names, after the credentials and the account (Fastify's own validation is off,
 * build-app.ts: the parameters are checked here, as authorize checks them). An unknown id is a 404.
 */
export function findPaymentRequest(
  form: PathForm,
  deps: { config: MockConfig; paymentRequests: PaymentRequests },
  params: unknown,
  authorization: string | undefined,
  operation: string,
) {
  const account = form.account(params, authorization, deps.config, operation);
  const { payment_request_id: id } = parseInput(Id, params);
  const record = deps.paymentRequests.get(account, id);
  if (record === undefined) throw catalogue.resourceNotFound(`payment request ${id}`);
  return record;
}
