import type { SampleRequest } from '../contracts/index.js';
import { type Violation, violation } from '../contracts/violation.js';
import { documentedRequest, sampleNamed } from './documented-requests.js';
import {
  expectContractBody,
  expectPresent,
  expectStatus,
  isClientError,
  isSuccess,
  statusViolation,
} from './expect-exchange.js';
import type { Interaction } from './interaction.js';
import type { Exchange } from './provider-client.js';

// Checks Klarna surely passes: the status class and the shape of the body (contracts/ schemas), nothing that
// depends on the outcome Klarna picks. https://docs.klarna.com/api/kn/klarna-product-api-payment/klarna-product-api-payment-v2-r6

/** The request the error cases start from: a documented initial authorization, no tokens involved. */
export const ERROR_CASE_SAMPLE = 'initial-authorization-step-up';

export function portableInteractions(samples: Readonly<Record<string, SampleRequest>>): Interaction[] {
  return [
    // A Klarna Direct sample needs a Direct partner's key: the simulator-only part sends it.
    ...Object.entries(samples)
      .filter(([, sample]) => sample.path !== '/v2/payment/authorize')
      .map(([name, sample]) => sampleInteraction(name, sample)),
    missingAuthorization,
    invalidBody,
    malformedJson,
  ];
}

/**
 * A documented request. One that carries a made-up session or customer token cannot be approved by Klarna's test
 * environment, so a 4xx Klarna error is as good an answer there as a 2xx authorize response.
 */
function sampleInteraction(name: string, sample: SampleRequest): Interaction {
  const madeUp =
    sample.headers['klarna-network-session-token'] || sample.headers['klarna-payment-token']
      ? 'session'
      : sample.headers['klarna-customer-token']
        ? 'customer'
        : sample.headers['klarna-interoperability-token']
          ? 'interoperability'
          : undefined;
  return {
    name: madeUp
      ? `sample ${name}: 2xx authorize response, or 4xx Klarna error (made-up ${madeUp} token)`
      : `sample ${name}: 2xx authorize response`,
    part: 'portable',
    async run(ctx) {
      const exchange = await ctx.send(documentedRequest(ctx, sample));
      if (madeUp && isClientError(exchange)) return expectContractBody(exchange);
      const expected = madeUp ? '2xx, or 4xx with a Klarna error' : '2xx';
      const status = isSuccess(exchange) ? [] : [statusViolation(exchange, expected)];
      return [...status, ...expectContractBody(exchange), ...requestedAnswers(exchange, sample)];
    },
  };
}

/** A 2xx answers what was asked: a payment transaction, a customer token, or both. A body that is not JSON has
 * been reported already, once. */
function requestedAnswers(exchange: Exchange, sample: SampleRequest): Violation[] {
  if (!isSuccess(exchange) || exchange.json === undefined) return [];
  return [
    ...(sample.body.request_payment_transaction
      ? expectPresent(exchange, ['payment_transaction_response'], 'object (a payment transaction was requested)')
      : []),
    ...(sample.body.request_customer_token
      ? expectPresent(exchange, ['customer_token_response'], 'object (a customer token was requested)')
      : []),
  ];
}

const missingAuthorization: Interaction = {
  name: 'no Authorization header: 401 Klarna error',
  part: 'portable',
  async run(ctx) {
    const request = documentedRequest(ctx, sampleNamed(ctx, ERROR_CASE_SAMPLE), { omitAuthorization: true });
    const exchange = await ctx.send(request);
    return [...expectStatus(exchange, 401), ...expectContractBody(exchange)];
  },
};

const invalidBody: Interaction = {
  name: 'amount sent as a string: 400 Klarna error with validation_errors',
  part: 'portable',
  async run(ctx) {
    const sample = sampleNamed(ctx, ERROR_CASE_SAMPLE);
    const transaction = sample.body.request_payment_transaction;
    const body = {
      ...sample.body,
      request_payment_transaction: { ...transaction, amount: String(transaction?.amount) },
    };
    const exchange = await ctx.send(documentedRequest(ctx, sample, { body }));
    const listed = (exchange.json as { validation_errors?: unknown } | undefined)?.validation_errors;
    // Only a 400 Klarna error is expected to list them; any other answer is reported by its status already.
    const validation =
      exchange.status === 400 && exchange.json !== undefined && !(Array.isArray(listed) && listed.length > 0)
        ? [violation('validation_errors', 'a non-empty array of { parameter, reason }', listed)]
        : [];
    return [...expectStatus(exchange, 400), ...expectContractBody(exchange), ...validation];
  },
};

const malformedJson: Interaction = {
  name: 'malformed JSON: 400 Klarna error',
  part: 'portable',
  async run(ctx) {
    const request = documentedRequest(ctx, sampleNamed(ctx, ERROR_CASE_SAMPLE));
    // The documented body cut short before its closing brace.
    const rawBody = JSON.stringify(request.body).slice(0, -1);
    const exchange = await ctx.send({
      ...request,
      body: undefined,
      rawBody,
      headers: { ...request.headers, 'content-type': 'application/json' },
    });
    return [...expectStatus(exchange, 400), ...expectContractBody(exchange)];
  },
};
