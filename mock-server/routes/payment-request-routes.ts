import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuthorizeParams, KlarnaError, PaymentRequest } from '../../contracts/index.js';
import { authenticate } from '../authenticate.js';
import { serializeChecked } from '../check-response.js';
import type { MockConfig } from '../config.js';
import { catalogue, KlarnaHttpError } from '../error-catalogue.js';
import type { PaymentRequests } from '../payment-requests/payment-requests.js';
import { renderPaymentRequest } from '../payment-requests/render-payment-request.js';
import { accountIdIssues } from '../validate-authorize.js';
import { parseInput } from './parse-input.js';
import { sendJson } from './send-json.js';

const Params = AuthorizeParams.extend({ payment_request_id: z.string().min(1).max(255) });
const PATH = '/v2/accounts/:partner_account_id/payment/requests/:payment_request_id';

/**
 * Read and cancel a payment request (https://docs.klarna.com/klarna-network-distribution/payment-authorization/cancel-payment-request/).
 * Same credentials and account rules as authorize.
 */
export function paymentRequestRoutes(
  app: FastifyInstance,
  deps: { config: MockConfig; paymentRequests: PaymentRequests },
) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const schema = (summary: string, operationId: string) => ({
    operationId,
    summary,
    tags: ['Payment Request API'],
    security: [{ klarna_api_key: [] }],
    params: Params,
    response: {
      200: PaymentRequest,
      400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR (a path parameter over 255 characters)'),
      401: KlarnaError,
      403: KlarnaError,
      404: KlarnaError,
      409: KlarnaError,
    },
  });
  // Fastify's own validation is off (build-app.ts): the parameters are checked here, after the credentials, as
  // authorize checks them.
  const find = (
    params: { partner_account_id: string; payment_request_id: string },
    authorization: string | undefined,
    operation: string,
  ) => {
    const denied = authenticate(authorization, params.partner_account_id, deps.config, operation);
    if (denied) throw denied;
    const { partner_account_id: account, payment_request_id: id } = parseInput(Params, params);
    const accountIssues = accountIdIssues(account, deps.config.accountIds);
    if (accountIssues.length > 0) throw catalogue.validation(accountIssues);
    const record = deps.paymentRequests.get(account, id);
    if (record === undefined) throw catalogue.resourceNotFound(`payment request ${id}`);
    return record;
  };

  routes.get(PATH, { schema: schema('Read a payment request', 'readPaymentRequest') }, async (request, reply) => {
    const record = find(request.params, request.headers.authorization, 'read payment requests');
    return sendJson(reply, 200, serializeChecked(PaymentRequest, renderPaymentRequest(record)));
  });

  routes.delete(
    PATH,
    { schema: schema('Cancel a payment request', 'cancelPaymentRequest') },
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
