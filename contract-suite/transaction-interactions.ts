import { PaymentTransactionResource } from '../contracts/index.js';
import { schemaViolations } from '../contracts/schema-violations.js';
import { violation } from '../contracts/violation.js';
import { documentedRequest, sampleNamed } from './documented-requests.js';
import { expectEqual, expectStatus } from './expect-exchange.js';
import type { Interaction } from './interaction.js';

/** The documented request the simulator approves by default: a token never issued there, no step_up_config. */
const APPROVED_SAMPLE = 'final-authorization';

/**
 * Read the transaction an approval made (Klarna's request collection, "Read Payment Transaction"). Simulator only:
 * Klarna's test environment approves nothing without a real customer journey.
 */
export const readTransaction: Interaction = {
  name: 'read the payment transaction an approval made: 200 AUTHORIZED',
  part: 'simulator',
  async run(ctx) {
    const approved = await ctx.send(documentedRequest(ctx, sampleNamed(ctx, APPROVED_SAMPLE)));
    const id = (
      approved.json as { payment_transaction_response?: { payment_transaction?: { payment_transaction_id?: unknown } } }
    )?.payment_transaction_response?.payment_transaction?.payment_transaction_id;
    if (typeof id !== 'string') {
      return [
        ...expectStatus(approved, 200),
        violation('payment_transaction_response.payment_transaction.payment_transaction_id', 'a krn', id),
      ];
    }
    const account = encodeURIComponent(ctx.account).replace(/%3A/gi, ':');
    const read = await ctx.send({
      method: 'GET',
      url: `${ctx.baseUrl}/v2/accounts/${account}/payment/transactions/${encodeURIComponent(id)}`,
      headers: { authorization: `Basic ${ctx.apiKey}` },
    });
    return [
      ...expectStatus(read, 200),
      ...(read.json === undefined ? [] : schemaViolations(PaymentTransactionResource, read.json)),
      ...expectEqual(read, ['payment_transaction_id'], id),
      ...expectEqual(read, ['state'], 'AUTHORIZED'),
    ];
  },
};
