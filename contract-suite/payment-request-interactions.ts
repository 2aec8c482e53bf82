import { randomUUID } from 'node:crypto';
import { PaymentRequest, type PaymentRequestSample } from '../contracts/index.js';
import { type Violation, violation } from '../contracts/violation.js';
import { providerUrl } from './documented-requests.js';
import { expectAbsent, expectContractBody, expectEqual, expectStatus } from './expect-exchange.js';
import type { Interaction, SuiteContext } from './interaction.js';
import type { Exchange, ProviderRequest } from './provider-client.js';

// createPaymentRequest and updatePaymentRequest as Klarna's request collection (r2512) tests them: 201 on create,
// 200 on update, the payment request at the top level, a krn:payment id, state SUBMITTED.
// https://docs.klarna.com/acquirer/klarna-direct/payment-authorization/authorization-resources/payment-request/

const ACCOUNT_REQUESTS = '/v2/accounts/{partner_account_id}/payment/requests';
const DIRECT_REQUESTS = '/v2/payment/requests';

/** Portable: each documented create, and each update of a request created from the create sample it names. */
export function paymentRequestInteractions(samples: Readonly<Record<string, PaymentRequestSample>>): Interaction[] {
  return Object.entries(samples).map(([name, sample]) => ({
    name: `payment request sample ${name}: ${sample.method} ${sample.expected_status} ${sample.expected_state}`,
    part: 'portable',
    async run(ctx) {
      if (sample.method === 'POST') {
        return expectPaymentRequest(await ctx.send(sent(ctx, sample, ACCOUNT_REQUESTS)), sample);
      }
      const base = sample.updates === undefined ? undefined : ctx.paymentRequestSamples[sample.updates];
      if (base === undefined) throw new Error(`payment request sample ${name} updates no create sample`);
      const created = await ctx.send(sent(ctx, base, ACCOUNT_REQUESTS));
      const id = idOf(created);
      if (id === undefined) return [...expectStatus(created, 201), ...expectContractBody(created, PaymentRequest)];
      return expectPaymentRequest(await ctx.send(sent(ctx, sample, `${ACCOUNT_REQUESTS}/${id}`)), sample);
    },
  }));
}

/** Simulator only: the Klarna Direct forms on the API key's account, and the route-level 404. */
export function simulatorPaymentRequestInteractions(
  samples: Readonly<Record<string, PaymentRequestSample>>,
): Interaction[] {
  const create = Object.values(samples).find((sample) => sample.method === 'POST');
  return [
    ...(create === undefined ? [] : [directCreateAndRead(create)]),
    {
      name: 'a Klarna route the simulator does not simulate: 404 NOT_FOUND without error_type',
      part: 'simulator',
      async run(ctx) {
        const exchange = await ctx.send({
          method: 'GET',
          url: providerUrl(ctx, '/v2/accounts/{partner_account_id}/payment/chargebacks/krn:payment:eu1:chargeback:0'),
          headers: { authorization: `Basic ${ctx.apiKey}` },
        });
        return [
          ...expectStatus(exchange, 404),
          ...expectContractBody(exchange),
          ...expectEqual(exchange, ['error_code'], 'NOT_FOUND'),
          ...expectAbsent(exchange, ['error_type']),
        ];
      },
    },
  ];
}

function directCreateAndRead(sample: PaymentRequestSample): Interaction {
  return {
    name: 'Klarna Direct: POST /v2/payment/requests 201 SUBMITTED, then GET it 200',
    part: 'simulator',
    async run(ctx) {
      const created = await ctx.send(sent(ctx, sample, DIRECT_REQUESTS));
      const violations = expectPaymentRequest(created, sample);
      const id = idOf(created);
      if (id === undefined) return violations;
      const read = await ctx.send({
        method: 'GET',
        url: providerUrl(ctx, `${DIRECT_REQUESTS}/${id}`),
        headers: { authorization: `Basic ${ctx.apiKey}` },
      });
      return [
        ...violations,
        ...expectStatus(read, 200),
        ...expectContractBody(read, PaymentRequest),
        ...expectEqual(read, ['payment_request_id'], id),
      ];
    },
  };
}

/** The sample as this run sends it: the caller's key, a fresh idempotency key, to `path` (the account filled in). */
function sent(ctx: SuiteContext, sample: PaymentRequestSample, path: string): ProviderRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(sample.headers)) if (typeof value === 'string') headers[name] = value;
  headers.authorization = `Basic ${ctx.apiKey}`;
  headers['klarna-idempotency-key'] = randomUUID();
  return { method: sample.method, url: providerUrl(ctx, path), headers, body: sample.body };
}

function expectPaymentRequest(exchange: Exchange, sample: PaymentRequestSample): Violation[] {
  const checks = [...expectStatus(exchange, sample.expected_status), ...expectContractBody(exchange, PaymentRequest)];
  if (exchange.status === sample.expected_status) {
    const id = (exchange.json as { payment_request_id?: unknown } | undefined)?.payment_request_id;
    if (typeof id !== 'string' || !id.startsWith('krn:payment')) {
      checks.push(violation('payment_request_id', 'a krn:payment… id', id));
    }
    checks.push(...expectEqual(exchange, ['state'], sample.expected_state));
  }
  return checks;
}

function idOf(exchange: Exchange): string | undefined {
  const parsed = PaymentRequest.safeParse(exchange.json);
  return exchange.status === 201 && parsed.success ? parsed.data.payment_request_id : undefined;
}
