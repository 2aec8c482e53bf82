import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreatePaymentRequestBody,
  KlarnaError,
  PaymentRequest,
  PaymentRequestHeaders,
  UpdatePaymentRequestBody,
} from '../../../contracts/index.js';
import type { AccountClock } from '../../core/account-clock.js';
import { type Awaitable, andThen } from '../../core/awaitable.js';
import { serializeChecked } from '../../core/check-response.js';
import type { MockConfig } from '../../core/config.js';
import { KlarnaHttpError } from '../../core/error-catalogue.js';
import { tokenHashes } from '../../core/idempotency.js';
import {
  fieldsOfPaymentRequestBody,
  type PaymentRequestFields,
  type PaymentRequestRecord,
} from '../../core/payment-requests/payment-request-record.js';
import type { PaymentRequests } from '../../core/payment-requests/payment-requests.js';
import { renderPaymentRequest } from '../../core/payment-requests/render-payment-request.js';
import { validatePaymentRequest } from '../../core/payment-requests/validate-payment-request.js';
import type { AnswerStore } from '../../core/store/answer-store.js';
import { requestOrigin } from '../request-origin.js';
import { jsonAfterAuth } from '../text-body.js';
import { answerOnce } from './answer-once.js';
import { PATH_FORMS, type PathForm } from './path-forms.js';
import { findPaymentRequest } from './payment-request-routes.js';

interface Deps {
  config: MockConfig;
  paymentRequests: PaymentRequests;
  answerStore: AnswerStore;
  clock: AccountClock;
}

const DocumentedHeaders = PaymentRequestHeaders.unwrap().omit({ authorization: true });

const errors = {
  400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR or INVALID_CONTENT_TYPE'),
  401: KlarnaError.describe('ACCESS_ERROR: UNAUTHORIZED'),
  403: KlarnaError.describe('RESOURCE_ERROR: OPERATION_FORBIDDEN'),
  404: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_NOT_FOUND'),
  409: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_CONFLICT (idempotency, or the request is not SUBMITTED)'),
};

/**
 * Checked by hand, as authorize is: the body is read after the credentials, its rules depend on the settings
 * (validatePaymentRequest), and an answer is serialized once so that a replay sends the same bytes.
 *
 * createPaymentRequest and updatePaymentRequest (https://docs.klarna.com/acquirer/klarna-direct/payment-authorization/authorization-resources/payment-request/),
 * on the account path and on Klarna Direct's. The payment request they make is the one authorize's step-up makes:
 * the same hosted page, customer actions, webhooks and final authorization.
 */
export async function paymentRequestWriteRoutes(app: FastifyInstance, deps: Deps) {
  await app.register(async (scope) => {
    // As on authorize, the body arrives as text and is parsed after the credentials: a request without them is a
    // 401 whatever its body.
    const parseBody = jsonAfterAuth(scope);
    for (const form of PATH_FORMS) writeRoutesOf(scope, form, deps, parseBody);
  });
}

function writeRoutesOf(app: FastifyInstance, form: PathForm, deps: Deps, parseBody: (received: unknown) => unknown) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const direct = form.suffix === 'Direct' ? " (Klarna Direct: the API key's account)" : '';
  routes.post(
    `${form.prefix}/payment/requests`,
    {
      schema: {
        operationId: `createPaymentRequest${form.suffix}`,
        summary: `Create a payment request${direct}`,
        description:
          'Answers 201 with the payment request in state SUBMITTED. `amount` may be left out when only a customer token is requested.',
        tags: ['Payment Request API'],
        security: [{ klarna_api_key: [] }],
        params: form.params,
        headers: DocumentedHeaders,
        body: CreatePaymentRequestBody,
        response: { 201: PaymentRequest, ...errors },
      },
    },
    async (request, reply) => {
      const account = form.account(
        request.params,
        request.headers.authorization,
        deps.config,
        'create payment requests',
      );
      const rawBody = parseBody(request.body);
      const body = validatePaymentRequest('create', request.headers, rawBody, deps.config);
      const fields = fieldsOfPaymentRequestBody(body) as PaymentRequestFields;
      return idempotent(deps, reply, {
        account,
        path: 'payment/requests',
        key: request.headers['klarna-idempotency-key'],
        headers: request.headers,
        rawBody,
        status: 201,
        act: () => deps.paymentRequests.submit(account, fields, deps.config.publicUrl ?? requestOrigin(request)),
      });
    },
  );

  routes.patch(
    `${form.prefix}/payment/requests/:payment_request_id`,
    {
      schema: {
        operationId: `updatePaymentRequest${form.suffix}`,
        summary: `Update a payment request in state SUBMITTED${direct}`,
        description: 'The fields sent replace the payment request’s; any state but SUBMITTED answers 409.',
        tags: ['Payment Request API'],
        security: [{ klarna_api_key: [] }],
        params: form.params.extend({ payment_request_id: z.string().min(1).max(255) }),
        headers: DocumentedHeaders,
        body: UpdatePaymentRequestBody,
        response: { 200: PaymentRequest, ...errors },
      },
    },
    async (request, reply) => {
      const { authorization } = request.headers;
      const record = await findPaymentRequest(form, deps, request.params, authorization, 'update payment requests');
      const rawBody = parseBody(request.body);
      const body = validatePaymentRequest('update', request.headers, rawBody, deps.config);
      return idempotent(deps, reply, {
        account: record.account,
        path: `payment/requests/${record.uuid}`,
        key: request.headers['klarna-idempotency-key'],
        headers: request.headers,
        rawBody,
        status: 200,
        act: () => deps.paymentRequests.update(record, fieldsOfPaymentRequestBody(body)),
      });
    },
  );
}

/**
 * Klarna-Idempotency-Key as on authorize (answerOnce): the path is part of the fingerprint, so one key sent to two
 * operations conflicts; the token headers are too.
 */
function idempotent(
  deps: Deps,
  reply: FastifyReply,
  op: {
    account: string;
    path: string;
    key: string | undefined;
    headers: Record<string, unknown>;
    rawBody: unknown;
    status: number;
    act: () => Awaitable<PaymentRequestRecord | KlarnaHttpError>;
  },
) {
  const method = op.status === 201 ? 'POST' : 'PATCH';
  const operation = {
    account: op.account,
    key: op.key,
    method,
    path: op.path,
    body: op.rawBody,
    tokens: tokenHashes(op.headers),
  };
  return answerOnce(reply, operation, deps, () =>
    andThen(op.act(), (record) => {
      if (record instanceof KlarnaHttpError) throw record;
      return {
        status: op.status,
        body: serializeChecked(PaymentRequest, renderPaymentRequest(record)),
        result: record.state,
      };
    }),
  );
}
