import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  KlarnaError,
  PaymentCaptureResource,
  PaymentRefundResource,
  PaymentTransactionResource,
} from '../../contracts/index.js';
import type { AccountClock } from '../account-clock.js';
import { serializeChecked } from '../check-response.js';
import type { MockConfig } from '../config.js';
import { renderCapture, renderRefund, renderTransaction } from '../transactions/transaction-record.js';
import type { Transactions } from '../transactions/transactions.js';
import { parseInput } from './parse-input.js';
import { PATH_FORMS, type PathForm } from './path-forms.js';
import { sendJson } from './send-json.js';

export interface TransactionRouteDeps {
  config: MockConfig;
  transactions: Transactions;
  clock: AccountClock;
}

const Id = z.string().min(1).max(255);
export const readErrors = {
  400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR (a path parameter)'),
  401: KlarnaError,
  403: KlarnaError,
  404: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_NOT_FOUND'),
};

/**
 * The account a transaction operation acts on and its id parameter, after the credentials: 401, 404, 403, then a
 * bad parameter (as authorize checks them). Shared by every transaction, capture and refund route.
 */
export function transactionTarget<K extends string>(
  form: PathForm,
  params: unknown,
  authorization: string | undefined,
  deps: Pick<TransactionRouteDeps, 'config'>,
  operation: string,
  idName: K,
): { account: string; id: string } {
  const account = form.account(params, authorization, deps.config, operation);
  const parsed = parseInput(z.object({ [idName]: Id }), params) as Record<string, string>;
  return { account, id: parsed[idName] ?? '' };
}

/**
 * Read a payment transaction, a capture and a refund (Klarna's request collection: "Read Payment Transaction",
 * "Read Payment Capture", "Read Payment Refund"), with the transaction's state on the account's clock;
 * https://docs.klarna.com/klarna-network-distribution/manage-payments/payment-transaction-lifecycle/.
 */
export function transactionRoutes(app: FastifyInstance, deps: TransactionRouteDeps) {
  for (const form of PATH_FORMS) readRoutesOf(app, form, deps);
}

function readRoutesOf(app: FastifyInstance, form: PathForm, deps: TransactionRouteDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const direct = form.suffix === 'Direct' ? " (Klarna Direct: the API key's account)" : '';
  const common = { tags: ['Payment Transaction API'], security: [{ klarna_api_key: [] }] };

  routes.get(
    `${form.prefix}/payment/transactions/:payment_transaction_id`,
    {
      schema: {
        ...common,
        operationId: `readPaymentTransaction${form.suffix}`,
        summary: `Read a payment transaction${direct}`,
        description: 'With its captures, refunds and the amounts captured, refunded and left to capture.',
        params: form.params.extend({ payment_transaction_id: Id }),
        response: { 200: PaymentTransactionResource, ...readErrors },
      },
    },
    async (request, reply) => {
      const { account, id } = transactionTarget(
        form,
        request.params,
        request.headers.authorization,
        deps,
        'read payment transactions',
        'payment_transaction_id',
      );
      const record = deps.transactions.find(account, id);
      const body = renderTransaction(record, deps.clock.now(account));
      return sendJson(reply, 200, serializeChecked(PaymentTransactionResource, body));
    },
  );

  routes.get(
    `${form.prefix}/payment/captures/:payment_capture_id`,
    {
      schema: {
        ...common,
        operationId: `readPaymentCapture${form.suffix}`,
        summary: `Read a payment capture${direct}`,
        params: form.params.extend({ payment_capture_id: Id }),
        response: { 200: PaymentCaptureResource, ...readErrors },
      },
    },
    async (request, reply) => {
      const { account, id } = transactionTarget(
        form,
        request.params,
        request.headers.authorization,
        deps,
        'read payment captures',
        'payment_capture_id',
      );
      const { record, capture } = deps.transactions.capture(account, id);
      return sendJson(reply, 200, serializeChecked(PaymentCaptureResource, renderCapture(record, capture)));
    },
  );

  routes.get(
    `${form.prefix}/payment/refunds/:payment_refund_id`,
    {
      schema: {
        ...common,
        operationId: `readPaymentRefund${form.suffix}`,
        summary: `Read a payment refund${direct}`,
        params: form.params.extend({ payment_refund_id: Id }),
        response: { 200: PaymentRefundResource, ...readErrors },
      },
    },
    async (request, reply) => {
      const { account, id } = transactionTarget(
        form,
        request.params,
        request.headers.authorization,
        deps,
        'read payment refunds',
        'payment_refund_id',
      );
      const { record, refund } = deps.transactions.refund(account, id);
      return sendJson(reply, 200, serializeChecked(PaymentRefundResource, renderRefund(record, refund)));
    },
  );
}
