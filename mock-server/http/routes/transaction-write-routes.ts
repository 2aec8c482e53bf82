import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CaptureBody,
  KlarnaError,
  PaymentCaptureResource,
  PaymentRefundResource,
  PaymentTransactionResource,
  ReauthorizeBody,
  RefundCaptureBody,
  RefundTransactionBody,
  TransactionWriteHeaders,
  UpdateTransactionBody,
} from '../../../contracts/index.js';
import { lazily } from '../../../contracts/lazily.js';
import { type Awaitable, andThen } from '../../core/awaitable.js';
import { serializeChecked } from '../../core/check-response.js';
import type { AnswerStore } from '../../core/store/answer-store.js';
import { capture, reauthorize, refund, update, voidTransaction } from '../../core/transactions/lifecycle.js';
import {
  renderCapture,
  renderRefund,
  renderTransaction,
  type TransactionRecord,
} from '../../core/transactions/transaction-record.js';
import { parseInput } from '../parse-input.js';
import { jsonAfterAuth } from '../text-body.js';
import { type Answer, answerOnce } from './answer-once.js';
import { PATH_FORMS, type PathForm } from './path-forms.js';
import { readErrors, type TransactionRouteDeps, transactionTarget } from './transaction-routes.js';

type Deps = TransactionRouteDeps & { answerStore: AnswerStore };

const writeErrors = {
  ...readErrors,
  400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR or INVALID_CONTENT_TYPE'),
  403: KlarnaError.describe('RESOURCE_ERROR: OPERATION_FORBIDDEN (credentials, an amount above what is left, a limit)'),
  409: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_CONFLICT (idempotency, or the state refuses the operation)'),
};

/**
 * The writes of Klarna's Payment Transaction API at the collection's paths (capture, refund by transaction and by
 * capture, void, reauthorize, update), each with Klarna-Idempotency-Key as on authorize (answerOnce). The rules are
 * lifecycle.ts's; docs/simulator-choices.md#transaction-lifecycle. Checked by hand, as authorize is: the body is read
 * after the credentials (a 401 whatever the body), its raw form is the idempotency fingerprint, and an answer is
 * serialized once so that a replay sends the same bytes.
 */
export async function transactionWriteRoutes(app: FastifyInstance, deps: Deps) {
  await app.register(async (scope) => {
    const parseBody = jsonAfterAuth(scope);
    for (const form of PATH_FORMS) writeRoutesOf(scope, form, deps, parseBody);
  });
}

interface Write<B extends z.ZodType> {
  method: 'POST' | 'PATCH';
  /** After the account prefix: `/payment/transactions/:payment_transaction_id/capture`. */
  path: string;
  idName: 'payment_transaction_id' | 'payment_capture_id';
  operationId: string;
  summary: string;
  description: string;
  /** What a 403 for the key says it may not do. */
  privilege: string;
  body: B | undefined;
  status: 200 | 201;
  response: z.ZodType;
  act: (account: string, id: string, body: z.output<B>) => Awaitable<Answer>;
}

function writeRoutesOf(app: FastifyInstance, form: PathForm, deps: Deps, parseBody: (received: unknown) => unknown) {
  const { transactions, clock } = deps;
  const TX = '/payment/transactions/:payment_transaction_id';
  const transactionAnswer = (record: TransactionRecord, status = 200): Answer => ({
    status,
    body: serializeChecked(PaymentTransactionResource, renderTransaction(record, clock.now(record.account))),
    result: record.announced,
  });
  const lastRefund = (record: TransactionRecord) => record.refunds[record.refunds.length - 1];

  const writes = [
    write({
      method: 'POST',
      path: `${TX}/capture`,
      idName: 'payment_transaction_id',
      operationId: 'capturePaymentTransaction',
      summary: 'Capture all or part of what is left of the authorization',
      description:
        'A capture of at most the amount left to capture of an AUTHORIZED transaction; its answer is the new capture.',
      privilege: 'capture payment transactions',
      body: CaptureBody,
      status: 201,
      response: PaymentCaptureResource,
      act: (account, id, body) => {
        const changed = transactions.change(account, id, (r, now) =>
          capture(
            r,
            {
              amount: body.capture_amount,
              reference: body.payment_capture_reference,
              release: body.remaining_authorization === 'RELEASE',
              data: body.supplementary_capture_data,
              purchaseData: body.supplementary_purchase_data,
            },
            now,
          ),
        );
        return andThen(changed, (record) => captureAnswer(record, body.supplementary_capture_data));
      },
    }),
    write({
      method: 'POST',
      path: `${TX}/refund`,
      idName: 'payment_transaction_id',
      operationId: 'refundPaymentTransaction',
      summary: 'Refund part or all of what was captured; line items are required',
      description: 'A refund of at most what was captured of the transaction, with the line items refunded.',
      privilege: 'refund payment transactions',
      body: RefundTransactionBody,
      status: 201,
      response: PaymentRefundResource,
      act: (account, id, body) =>
        andThen(
          transactions.change(account, id, (r, now) =>
            refund(
              r,
              { amount: body.refund_amount, reference: body.refund_reference, data: body.supplementary_refund_data },
              now,
            ),
          ),
          (record) => refundAnswer(record, lastRefund(record)),
        ),
    }),
    write({
      method: 'POST',
      path: '/payment/captures/:payment_capture_id/refund',
      idName: 'payment_capture_id',
      operationId: 'refundPaymentCapture',
      summary: 'Refund part or all of one capture',
      description: 'A refund of at most what is left of one capture; its answer is the new refund.',
      privilege: 'refund payment captures',
      body: RefundCaptureBody,
      status: 201,
      response: PaymentRefundResource,
      act: (account, id, body) =>
        andThen(transactions.capture(account, id), (found) =>
          andThen(
            transactions.apply(found.record, (r, now) =>
              refund(
                r,
                {
                  amount: body.refund_amount,
                  reference: body.payment_refund_reference,
                  capture: found.capture.n,
                  data: body.supplementary_refund_data,
                },
                now,
              ),
            ),
            (record) => refundAnswer(record, lastRefund(record)),
          ),
        ),
    }),
    write({
      method: 'POST',
      path: `${TX}/void`,
      idName: 'payment_transaction_id',
      operationId: 'voidPaymentTransaction',
      summary: 'Void what is left of the authorization (no body)',
      description: 'Releases what is left to capture; the transaction can then no longer be captured.',
      privilege: 'void payment transactions',
      body: undefined,
      status: 200,
      response: PaymentTransactionResource,
      act: (account, id) =>
        andThen(
          transactions.change(account, id, (r, now) => voidTransaction(r, now)),
          (r) => transactionAnswer(r),
        ),
    }),
    write({
      method: 'POST',
      path: `${TX}/authorize`,
      idName: 'payment_transaction_id',
      operationId: 'reauthorizePaymentTransaction',
      summary: 'Reauthorize: extend expires_at by extension_days, change the amount',
      description: "Extends the authorization's expiry by `extension_days` and may change its amount.",
      privilege: 'reauthorize payment transactions',
      body: ReauthorizeBody,
      status: 200,
      response: PaymentTransactionResource,
      act: (account, id, body) =>
        andThen(
          transactions.change(account, id, (r, now) =>
            reauthorize(
              r,
              {
                extensionDays: body.extension_days,
                amount: body.amount,
                purchaseData: body.supplementary_purchase_data,
              },
              now,
            ),
          ),
          (r) => transactionAnswer(r),
        ),
    }),
    write({
      method: 'PATCH',
      path: TX,
      idName: 'payment_transaction_id',
      operationId: 'updatePaymentTransaction',
      summary: 'Update the references and purchase data of an AUTHORIZED transaction',
      description:
        'Replaces the references and supplementary purchase data given; only an AUTHORIZED transaction can be updated.',
      privilege: 'update payment transactions',
      body: UpdateTransactionBody,
      status: 200,
      response: PaymentTransactionResource,
      act: (account, id, body) =>
        andThen(
          transactions.change(account, id, (r, now) =>
            update(
              r,
              { reference: body.payment_transaction_reference, purchaseData: body.supplementary_purchase_data },
              now,
            ),
          ),
          (r) => transactionAnswer(r),
        ),
    }),
  ];
  for (const route of writes) register(app, form, deps, parseBody, route);
}

/** The new capture; the answer echoes the capture data sent, kept or not (Klarna's collection reads its shipments back). */
function captureAnswer(record: TransactionRecord, data: unknown): Answer {
  const entry = record.captures[record.captures.length - 1];
  if (entry === undefined) throw new Error('a capture made no capture');
  const rendered = { ...renderCapture(record, entry), ...(data !== undefined && { supplementary_capture_data: data }) };
  return { status: 201, body: serializeChecked(PaymentCaptureResource, rendered), result: record.announced };
}

function refundAnswer(record: TransactionRecord, entry: TransactionRecord['refunds'][number] | undefined): Answer {
  if (entry === undefined) throw new Error('a refund made no refund');
  return {
    status: 201,
    body: serializeChecked(PaymentRefundResource, renderRefund(record, entry)),
    result: record.announced,
  };
}

/** Typed by its body schema. */
const write = <B extends z.ZodType>(route: Write<B>) => route as unknown as Write<z.ZodType>;

function register(
  app: FastifyInstance,
  form: PathForm,
  deps: Deps,
  parseBody: (received: unknown) => unknown,
  route: Write<z.ZodType>,
) {
  const direct = form.suffix === 'Direct' ? " (Klarna Direct: the API key's account)" : '';
  app.withTypeProvider<ZodTypeProvider>().route({
    method: route.method,
    url: `${form.prefix}${route.path}`,
    schema: {
      operationId: `${route.operationId}${form.suffix}`,
      summary: `${route.summary}${direct}`,
      description: `${route.description} Safe to retry with the same Klarna-Idempotency-Key.`,
      tags: ['Payment Transaction API'],
      security: [{ klarna_api_key: [] }],
      // For the OpenAPI document only (transactionTarget checks the parameters): built when it is asked for.
      params: lazily(() => form.params.extend({ [route.idName]: z.string().min(1).max(255) })),
      headers: TransactionWriteHeaders,
      ...(route.body !== undefined && { body: route.body }),
      response: { [route.status]: route.response, ...writeErrors },
    },
    handler: async (request, reply: FastifyReply) => {
      const { account, id } = transactionTarget(
        form,
        request.params,
        request.headers.authorization,
        deps,
        route.privilege,
        route.idName,
      );
      const headers = parseInput(TransactionWriteHeaders, request.headers);
      const rawBody = parseBody(request.body);
      const body = route.body === undefined ? undefined : parseInput(route.body, rawBody);
      const operation = {
        account,
        key: headers['klarna-idempotency-key'],
        method: route.method,
        // The operation and its id: one key sent to two operations, or two transactions, is a conflict.
        path: route.path.replace(`:${route.idName}`, id),
        body: rawBody ?? null,
      };
      return answerOnce(reply, operation, deps, () => route.act(account, id, body));
    },
  });
}
