import type { SampleRequest, TransactionResult } from '../contracts/index.js';
import type { Violation } from '../contracts/violation.js';
import { documentedRequest, sampleNamed } from './documented-requests.js';
import { errorScenarioInteractions } from './error-scenarios.js';
import {
  expectAbsent,
  expectContractBody,
  expectEqual,
  expectPresent,
  expectStatus,
  firstDifference,
} from './expect-exchange.js';
import type { Interaction } from './interaction.js';
import { notificationInteractions } from './notification-interactions.js';
import { ERROR_CASE_SAMPLE } from './portable-interactions.js';
import type { Exchange } from './provider-client.js';
import { readTransaction } from './transaction-interactions.js';

// Outcomes Klarna's test environment cannot produce on demand: the simulator's default decision
// (docs/simulator-choices.md#default-decision), results and errors picked with `Mock-Scenario`, and idempotent replay (docs/simulator-choices.md#idempotency).

export function simulatorInteractions(samples: Readonly<Record<string, SampleRequest>>): Interaction[] {
  return [
    ...Object.entries(samples).map(([name, sample]) => defaultDecision(name, sample)),
    resultScenario('approved', 'APPROVED'),
    resultScenario('declined', 'DECLINED'),
    resultScenario('step-up', 'STEP_UP_REQUIRED'),
    ...errorScenarioInteractions(),
    idempotentReplay,
    idempotencyConflict,
    readTransaction,
    ...notificationInteractions(),
  ];
}

/** Where the result sits: the payment transaction's, or the customer token's when only a token was requested. */
function expectResult(exchange: Exchange, sample: SampleRequest, result: TransactionResult): Violation[] {
  const response = sample.body.request_payment_transaction ? 'payment_transaction_response' : 'customer_token_response';
  const checks = [...expectStatus(exchange, 200), ...expectContractBody(exchange)];
  checks.push(...expectEqual(exchange, [response, 'result'], result));
  if (result === 'APPROVED' && response === 'payment_transaction_response') {
    checks.push(...expectPresent(exchange, [response, 'payment_transaction'], 'object (an APPROVED transaction)'));
  }
  if (result === 'DECLINED') checks.push(...expectAbsent(exchange, [response, 'payment_transaction']));
  if (result === 'STEP_UP_REQUIRED') {
    checks.push(...expectPresent(exchange, ['payment_request'], 'object (the payment request to step up with)'));
  }
  return checks;
}

function defaultDecision(name: string, sample: SampleRequest): Interaction {
  return {
    name: `sample ${name}: default decision ${sample.expected_result}`,
    part: 'simulator',
    async run(ctx) {
      const exchange = await ctx.send(documentedRequest(ctx, sample));
      return expectResult(exchange, sample, sample.expected_result);
    },
  };
}

function resultScenario(scenario: string, result: TransactionResult): Interaction {
  return {
    name: `Mock-Scenario ${scenario}: 200 ${result}`,
    part: 'simulator',
    async run(ctx) {
      const sample = sampleNamed(ctx, ERROR_CASE_SAMPLE);
      const exchange = await ctx.send(documentedRequest(ctx, sample, { headers: { 'mock-scenario': scenario } }));
      return expectResult(exchange, sample, result);
    },
  };
}

const idempotentReplay: Interaction = {
  name: 'same Klarna-Idempotency-Key twice: the identical body again',
  part: 'simulator',
  async run(ctx) {
    const request = documentedRequest(ctx, sampleNamed(ctx, ERROR_CASE_SAMPLE));
    const first = await ctx.send(request);
    const replay = await ctx.send(request);
    const violations = [...expectStatus(first, 200), ...expectContractBody(first), ...expectStatus(replay, 200)];
    if (replay.text !== first.text) {
      const difference = firstDifference(first.json, replay.json);
      violations.push(
        difference ?? { path: '(body)', expected: 'the first body byte for byte', received: 'a re-encoding' },
      );
    }
    return violations;
  },
};

const idempotencyConflict: Interaction = {
  name: 'same Klarna-Idempotency-Key, different request: 409 RESOURCE_ERROR / RESOURCE_CONFLICT',
  part: 'simulator',
  async run(ctx) {
    const sample = sampleNamed(ctx, ERROR_CASE_SAMPLE);
    const request = documentedRequest(ctx, sample);
    const first = await ctx.send(request);
    const transaction = sample.body.request_payment_transaction;
    const changed = {
      ...sample.body,
      request_payment_transaction: { ...transaction, payment_transaction_reference: 'changed' },
    };
    const second = await ctx.send({ ...request, body: changed });
    return [
      ...expectStatus(first, 200),
      ...expectStatus(second, 409),
      ...expectContractBody(second),
      ...expectEqual(second, ['error_type'], 'RESOURCE_ERROR'),
      ...expectEqual(second, ['error_code'], 'RESOURCE_CONFLICT'),
    ];
  },
};
