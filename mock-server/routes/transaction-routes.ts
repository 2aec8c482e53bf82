import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuthorizeParams, KlarnaError, PaymentTransactionResource } from '../../contracts/index.js';
import type { AccountClock } from '../account-clock.js';
import { authenticate } from '../authenticate.js';
import { serializeChecked } from '../check-response.js';
import type { MockConfig } from '../config.js';
import { catalogue } from '../error-catalogue.js';
import type { Store } from '../store.js';
import { renderTransaction } from '../transactions/transaction-record.js';
import { accountIdIssues } from '../validate-authorize.js';
import { parseInput } from './parse-input.js';
import { sendJson } from './send-json.js';

const Params = AuthorizeParams.extend({ payment_transaction_id: z.string().min(1).max(255) });
const PATH = '/v2/accounts/:partner_account_id/payment/transactions/:payment_transaction_id';

/**
 * Read a payment transaction an approval made, with its state on the account's clock (AUTHORIZED, COMPLETED after
 * capture NOW, EXPIRED past `expires_at`, CLOSED 7 days later). Klarna's request collection: "Read Payment
 * Transaction"; https://docs.klarna.com/klarna-network-distribution/manage-payments/payment-transaction-lifecycle/.
 */
export function transactionRoutes(
  app: FastifyInstance,
  deps: { config: MockConfig; store: Store; clock: AccountClock },
) {
  app.withTypeProvider<ZodTypeProvider>().get(
    PATH,
    {
      schema: {
        operationId: 'readPaymentTransaction',
        summary: 'Read a payment transaction',
        tags: ['Payment Transaction API'],
        security: [{ klarna_api_key: [] }],
        params: Params,
        response: {
          200: PaymentTransactionResource,
          400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR (a path parameter)'),
          401: KlarnaError,
          403: KlarnaError,
          404: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const params = request.params;
      const denied = authenticate(
        request.headers.authorization,
        params.partner_account_id,
        deps.config,
        'read payment transactions',
      );
      if (denied) throw denied;
      const { partner_account_id: account, payment_transaction_id: id } = parseInput(Params, params);
      const accountIssues = accountIdIssues(account, deps.config.accountIds);
      if (accountIssues.length > 0) throw catalogue.validation(accountIssues);
      const record = deps.store.transaction(account, id);
      if (record === undefined) throw catalogue.resourceNotFound(`payment transaction ${id}`);
      const body = renderTransaction(record, deps.clock.now(account));
      return sendJson(reply, 200, serializeChecked(PaymentTransactionResource, body));
    },
  );
}
