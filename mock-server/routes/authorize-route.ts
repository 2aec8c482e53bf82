import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AuthorizeHeaders,
  AuthorizeParams,
  AuthorizeRequest,
  AuthorizeResponse,
  KlarnaError,
} from '../../contracts/index.js';
import { type AuthorizeDeps, authorize } from '../authorize-service.js';
import { catalogue } from '../error-catalogue.js';
import { sendJson } from './send-json.js';

export const AUTHORIZE_PATH = '/v2/accounts/:partner_account_id/payment/authorize';

/** https://docs.klarna.com/api/kn/klarna-product-api-payment/klarna-product-api-payment-v2-r6 (authorizePayment) */
export function authorizeRoute(app: FastifyInstance, deps: AuthorizeDeps) {
  app.withTypeProvider<ZodTypeProvider>().post(
    AUTHORIZE_PATH,
    {
      schema: {
        operationId: 'authorizePayment',
        tags: ['Payment Authorize API'],
        summary: 'Authorize a payment transaction, request a customer token, or both',
        security: [{ klarna_api_key: [] }],
        params: AuthorizeParams,
        headers: AuthorizeHeaders,
        body: AuthorizeRequest,
        response: {
          200: AuthorizeResponse.describe('APPROVED, DECLINED or STEP_UP_REQUIRED'),
          400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR or INVALID_CONTENT_TYPE'),
          401: KlarnaError.describe('ACCESS_ERROR: UNAUTHORIZED'),
          403: KlarnaError.describe('RESOURCE_ERROR: OPERATION_FORBIDDEN'),
          404: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_NOT_FOUND'),
          409: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_CONFLICT (idempotency)'),
          413: KlarnaError.describe('INPUT_ERROR: PAYLOAD_TOO_LARGE'),
          500: KlarnaError.describe('TECHNICAL_ERROR: INTERNAL_ERROR'),
        },
      },
    },
    async (request, reply) => {
      // An absent body (no content type, nothing sent) is not JSON either.
      if (request.body === undefined || request.body === null) throw catalogue.invalidJson();
      const outcome = authorize(
        {
          account: request.params.partner_account_id,
          headers: request.headers,
          body: request.body,
          origin: origin(request),
        },
        deps,
      );
      request.authorizeOutcome = outcome;
      if (outcome.replayed) reply.header('Idempotent-Replayed', 'true');
      return sendJson(reply, outcome.status, outcome.body);
    },
  );
}

function origin(request: FastifyRequest): string {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return 'http://127.0.0.1:4747';
  }
}
