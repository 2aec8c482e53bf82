import { randomUUID } from 'node:crypto';
import {
  ClockState,
  KlarnaError,
  PaymentCaptureResource,
  PaymentRefundResource,
  PaymentTransactionResource,
} from '../contracts/index.js';
import { schemaViolations } from '../contracts/schema-violations.js';
import type { Violation } from '../contracts/violation.js';
import { violation } from '../contracts/violation.js';
import { documentedRequest, providerUrl, sampleNamed } from './documented-requests.js';
import { expectContractBody, expectEqual, expectStatus } from './expect-exchange.js';
import type { Interaction, SuiteContext } from './interaction.js';
import type { Exchange, ProviderRequest } from './provider-client.js';

// Klarna's request collection, "Payment Transaction API": capture, refund, read, and the lifecycle on the clock
// (https://docs.klarna.com/klarna-network-distribution/manage-payments/payment-transaction-lifecycle/).

const APPROVED_SAMPLE = 'final-authorization';
const DAY = 24 * 60 * 60 * 1000;
const TRANSACTIONS = '/v2/accounts/{partner_account_id}/payment/transactions';

const call = (ctx: SuiteContext, method: 'GET' | 'POST', path: string, body?: unknown) =>
  ctx.send({
    method,
    url: path.startsWith('/__mock/') ? `${ctx.baseUrl}${path}` : providerUrl(ctx, path),
    headers: {
      authorization: `Basic ${ctx.apiKey}`,
      'klarna-idempotency-key': randomUUID(),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body }),
  });

const shaped = (exchange: Exchange, schema: Parameters<typeof schemaViolations>[0]) =>
  exchange.json === undefined ? [] : schemaViolations(schema, exchange.json);
const field = (exchange: Exchange, name: string) => (exchange.json as Record<string, unknown> | undefined)?.[name];

/** An approval on the simulator's default decision: its transaction id and amount, or the violations. */
async function approve(ctx: SuiteContext): Promise<{ id: string; amount: number } | Violation[]> {
  const approved = await ctx.send(documentedRequest(ctx, sampleNamed(ctx, APPROVED_SAMPLE)));
  const transaction = (
    approved.json as {
      payment_transaction_response?: { payment_transaction?: { payment_transaction_id?: unknown; amount?: unknown } };
    }
  )?.payment_transaction_response?.payment_transaction;
  const id = transaction?.payment_transaction_id;
  const amount = transaction?.amount;
  if (typeof id === 'string' && typeof amount === 'number') return { id, amount };
  return [
    ...expectStatus(approved, 200),
    violation('payment_transaction_response.payment_transaction', 'an approval', id),
  ];
}

/** Portable: Klarna answers an unknown transaction with its error body and 404, as any unknown resource. */
export const unknownTransaction: Interaction = {
  name: 'read a payment transaction that does not exist: 404 with Klarna’s error body',
  part: 'portable',
  async run(ctx) {
    const read = await call(ctx, 'GET', `${TRANSACTIONS}/krn:payment:eu1:transaction:${randomUUID()}`);
    return [...expectStatus(read, 404), ...expectContractBody(read, KlarnaError)];
  },
};

/** Simulator: authorize → partial capture → refund of part of it → read the capture, the refund and the transaction. */
export const captureRefundRead: Interaction = {
  name: 'capture part of an approval (201), refund part of the capture (201), read all three (200)',
  part: 'simulator',
  async run(ctx) {
    const approved = await approve(ctx);
    if (Array.isArray(approved)) return approved;
    const half = Math.max(1, Math.floor(approved.amount / 2));
    const tx = `${TRANSACTIONS}/${encodeURIComponent(approved.id)}`;
    const captured = await call(ctx, 'POST', `${tx}/capture`, {
      capture_amount: half,
      payment_capture_reference: `partner-capture-reference-${randomUUID()}`,
    });
    const captureId = field(captured, 'payment_capture_id');
    const violations = [...expectStatus(captured, 201), ...shaped(captured, PaymentCaptureResource)];
    if (typeof captureId !== 'string') return violations;
    const refunded = await call(
      ctx,
      'POST',
      `/v2/accounts/{partner_account_id}/payment/captures/${encodeURIComponent(captureId)}/refund`,
      {
        refund_amount: 1,
        payment_refund_reference: `partner-refund-reference-${randomUUID()}`,
      },
    );
    violations.push(...expectStatus(refunded, 201), ...shaped(refunded, PaymentRefundResource));
    const refundId = field(refunded, 'payment_refund_id');
    const capture = await call(
      ctx,
      'GET',
      `/v2/accounts/{partner_account_id}/payment/captures/${encodeURIComponent(captureId)}`,
    );
    violations.push(...expectStatus(capture, 200), ...expectEqual(capture, ['amount'], half));
    if (typeof refundId === 'string') {
      const refund = await call(
        ctx,
        'GET',
        `/v2/accounts/{partner_account_id}/payment/refunds/${encodeURIComponent(refundId)}`,
      );
      violations.push(...expectStatus(refund, 200), ...expectEqual(refund, ['amount'], 1));
    }
    const read = await call(ctx, 'GET', tx);
    violations.push(
      ...expectStatus(read, 200),
      ...shaped(read, PaymentTransactionResource),
      ...expectEqual(read, ['captured_amount'], half),
      ...expectEqual(read, ['refunded_amount'], 1),
    );
    return violations;
  },
};

/**
 * Simulator: the account clock moves a transaction to EXPIRED at expires_at and to CLOSED 7 days later; the clock is
 * set back afterwards, so that the rest of the run (and a rerun) sees the time it expects.
 */
export const expiryOnTheClock: Interaction = {
  name: 'an approval is EXPIRED at expires_at and CLOSED 7 days later on the account clock (/__mock/clock)',
  part: 'simulator',
  async run(ctx) {
    const approved = await approve(ctx);
    if (Array.isArray(approved)) return approved;
    const before = await ctx.send({
      method: 'GET',
      url: `${ctx.baseUrl}/__mock/clock?account=${encodeURIComponent(ctx.account)}`,
      headers: {},
    });
    const start = ClockState.safeParse(before.json);
    if (!start.success) return [...expectStatus(before, 200), violation('now', 'the account clock', before.json)];
    const read = () => call(ctx, 'GET', `${TRANSACTIONS}/${encodeURIComponent(approved.id)}`);
    const violations: Violation[] = [];
    try {
      const first = await read();
      const expiresAt = Date.parse(String(field(first, 'expires_at')));
      await ctx.send(clockSet(ctx, expiresAt));
      violations.push(...expectEqual(await read(), ['state'], 'EXPIRED'));
      await ctx.send(clockSet(ctx, expiresAt + 7 * DAY));
      violations.push(...expectEqual(await read(), ['state'], 'CLOSED'));
    } finally {
      await ctx.send(clockSet(ctx, Date.parse(start.data.now)));
    }
    return violations;
  },
};

function clockSet(ctx: SuiteContext, at: number): ProviderRequest {
  return {
    method: 'POST',
    url: `${ctx.baseUrl}/__mock/clock`,
    headers: { 'content-type': 'application/json' },
    body: { account: ctx.account, set: new Date(at).toISOString() },
  };
}
