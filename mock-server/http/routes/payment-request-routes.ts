import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { KlarnaError, PaymentRequest } from '../../../contracts/index.js';
import { lazily } from '../../../contracts/lazily.js';
import { andThen } from '../../core/awaitable.js';
import type { MockConfig } from '../../core/config.js';
import { catalogue, KlarnaHttpError } from '../../core/error-catalogue.js';
import type { PaymentRequests } from '../../core/payment-requests/payment-requests.js';
import { renderPaymentRequest } from '../../core/payment-requests/render-payment-request.js';
import { type CheckedRoutes, checkedScope } from '../checked-scope.js';
import { parseInput } from '../parse-input.js';
import { credentialsFirst, PATH_FORMS, type PathForm } from './path-forms.js';

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
  for (const form of PATH_FORMS) checkedScope(app, (routes) => paymentRequestRoutesOf(routes, form, deps));
}

function paymentRequestRoutesOf(
  routes: CheckedRoutes,
  form: PathForm,
  deps: { config: MockConfig; paymentRequests: PaymentRequests },
) {
  const path = `${form.prefix}/payment/requests/:payment_request_id`;
  const schema = (summary: string, operationId: string, description: string) => ({
    operationId: `${operationId}${form.suffix}`,
    summary: form.suffix === 'Direct' ? `${summary} (Klarna Direct: the API key's account)` : summary,
    description,
    tags: ['Payment Request API'],
    security: [{ klarna_api_key: [] }],
    params: lazily(() => form.params.extend(Id.shape)),
    response: {
      200: PaymentRequest,
      400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR (a path parameter over 255 characters)'),
      401: KlarnaError,
      403: KlarnaError,
      404: KlarnaError,
      409: KlarnaError,
    },
  });
  const checks = (operation: string) => ({ preValidation: credentialsFirst(form, deps.config, operation) });
  // Fastify has checked the parameters (a form's own are typed loosely).
  const find = (request: { params: unknown; headers: { authorization?: string } }, operation: string) => {
    const params = request.params as { payment_request_id: string };
    const account = form.account(params, request.headers.authorization, deps.config, operation);
    return paymentRequestOf(deps, account, params.payment_request_id);
  };

  routes.get(
    path,
    {
      schema: schema(
        'Read a payment request',
        'readPaymentRequest',
        'The payment request in its current state, expired when its time is up.',
      ),
      ...checks('read payment requests'),
    },
    async (request) => renderPaymentRequest(await find(request, 'read payment requests')),
  );

  routes.delete(
    path,
    {
      schema: schema(
        'Cancel a payment request',
        'cancelPaymentRequest',
        'Cancels a payment request while its state allows it (a completed one until its token is used in a final authorization); otherwise 409.',
      ),
      ...checks('cancel payment requests'),
    },
    async (request) => {
      const canceled = await deps.paymentRequests.act(await find(request, 'cancel payment requests'), 'cancel');
      if (canceled instanceof KlarnaHttpError) throw canceled;
      return renderPaymentRequest(canceled);
    },
  );
}

/**
 * The payment request a path names, after the credentials and the account, for the update route, which checks its
 * own input (payment-request-write-routes.ts): the parameters are checked here, as authorize checks them. An unknown
 * id is a 404.
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
  return paymentRequestOf(deps, account, id);
}

function paymentRequestOf(deps: { paymentRequests: PaymentRequests }, account: string, id: string) {
  return andThen(deps.paymentRequests.get(account, id), (record) => {
    if (record === undefined) throw catalogue.resourceNotFound(`payment request ${id}`);
    return record;
  });
}
