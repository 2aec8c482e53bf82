import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  KlarnaError,
  PaymentCaptureResource,
  PaymentRefundResource,
  PaymentTransactionResource,
} from '../../../contracts/index.js';
import type { AccountClock } from '../../core/account-clock.js';
import { andThen } from '../../core/awaitable.js';
import type { MockConfig } from '../../core/config.js';
import { renderCapture, renderRefund, renderTransaction } from '../../core/transactions/transaction-record.js';
import type { Transactions } from '../../core/transactions/transactions.js';
import { type CheckedRoutes, checkedScope } from '../checked-scope.js';
import { parseInput } from '../parse-input.js';
import { credentialsFirst, PATH_FORMS, type PathForm } from './path-forms.js';

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
  for (const form of PATH_FORMS) checkedScope(app, (routes) => readRoutesOf(routes, form, deps));
}

interface Readable {
  /** The path below `payment/`, its id parameter, and the operation as Klarna names it. */
  path: string;
  idName: string;
  operationId: string;
  summary: string;
  description: string;
  /** What the 403 says may not be done. */
  operation: string;
  schema: z.ZodType;
  /** The resource, rendered at `now`: throws the catalogue's 404 when there is none. */
  render: (deps: TransactionRouteDeps, account: string, id: string, now: number) => unknown;
}

const READABLE: Readable[] = [
  {
    path: 'transactions',
    idName: 'payment_transaction_id',
    operationId: 'readPaymentTransaction',
    summary: 'Read a payment transaction',
    description: 'With its captures, refunds and the amounts captured, refunded and left to capture.',
    operation: 'read payment transactions',
    schema: PaymentTransactionResource,
    render: (deps, account, id, now) => andThen(deps.transactions.find(account, id), (r) => renderTransaction(r, now)),
  },
  {
    path: 'captures',
    idName: 'payment_capture_id',
    operationId: 'readPaymentCapture',
    summary: 'Read a payment capture',
    description: 'The capture as its transaction records it, with the amount refunded of it so far.',
    operation: 'read payment captures',
    schema: PaymentCaptureResource,
    render: (deps, account, id) =>
      andThen(deps.transactions.capture(account, id), ({ record, capture }) => renderCapture(record, capture)),
  },
  {
    path: 'refunds',
    idName: 'payment_refund_id',
    operationId: 'readPaymentRefund',
    summary: 'Read a payment refund',
    description: 'The refund as its transaction records it, with the capture it refunds when it was made of one.',
    operation: 'read payment refunds',
    schema: PaymentRefundResource,
    render: (deps, account, id) =>
      andThen(deps.transactions.refund(account, id), ({ record, refund }) => renderRefund(record, refund)),
  },
];

function readRoutesOf(routes: CheckedRoutes, form: PathForm, deps: TransactionRouteDeps) {
  const direct = form.suffix === 'Direct' ? " (Klarna Direct: the API key's account)" : '';
  for (const readable of READABLE) {
    routes.get(
      `${form.prefix}/payment/${readable.path}/:${readable.idName}`,
      {
        schema: {
          tags: ['Payment Transaction API'],
          security: [{ klarna_api_key: [] }],
          operationId: `${readable.operationId}${form.suffix}`,
          summary: `${readable.summary}${direct}`,
          description: readable.description,
          params: form.params.extend({ [readable.idName]: Id }),
          response: { 200: readable.schema, ...readErrors },
        },
        preValidation: credentialsFirst(form, deps.config, readable.operation),
      },
      async (request) => {
        const params = request.params as Record<string, string>;
        const account = form.account(params, request.headers.authorization, deps.config, readable.operation);
        const id = params[readable.idName] ?? '';
        return readable.render(deps, account, id, deps.clock.now(account));
      },
    );
  }
}
