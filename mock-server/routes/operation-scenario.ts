import type { FastifyReply, FastifyRequest } from 'fastify';
import { catalogue } from '../error-catalogue.js';
import type { ScenarioEngine } from '../scenarios/scenario-engine.js';
import { scenarioError } from '../scenarios/scenario-error.js';
import type { Sleep } from '../sleep.js';
import { carryOutFault } from './carry-out-fault.js';

export interface OperationScenarioDeps {
  scenarios: ScenarioEngine;
  sleep: Sleep;
  hangMaxMs: number;
  /** Fires when the app starts closing: delays and hangs let go. */
  closing: AbortSignal;
}

/**
 * `Mock-Scenario` on the operations beside authorize (payment requests, transactions, webhook management): an
 * error answers instead of the operation, a fault drops the connection before it runs, a delay holds it first. A
 * result (APPROVED, DECLINED, STEP_UP_REQUIRED) is authorize's alone and is refused here, and so is
 * `response_lost`, which needs an answer recorded first (docs/simulator-choices.md#scenarios).
 */
export async function operationScenario(
  request: FastifyRequest,
  reply: FastifyReply,
  account: string,
  deps: OperationScenarioDeps,
): Promise<void> {
  const name = request.headers['mock-scenario'];
  if (typeof name !== 'string') return;
  const { scenario, delayMs } = deps.scenarios.forOperation(name, account);
  // A capture can be declined (docs/simulator-choices.md#capture-declined): the one result outside authorize.
  const declinedCapture = scenario.result === 'DECLINED' && isCapture(request);
  const authorizeOnly = (scenario.result !== undefined && !declinedCapture) || scenario.fault === 'response_lost';
  if (authorizeOnly && scenario.error === undefined) {
    throw catalogue.validation([
      { parameter: 'Mock-Scenario', reason: `scenario "${scenario.name}" applies to authorize only` },
    ]);
  }
  if (delayMs > 0) await deps.sleep(delayMs, deps.closing);
  if (declinedCapture && scenario.error === undefined) {
    const id = (request.params as { payment_transaction_id?: string }).payment_transaction_id ?? '';
    throw catalogue.captureDeclined(id, scenario.name, scenario.result_reason);
  }
  if (scenario.error !== undefined) {
    throw scenarioError(scenario.error, {
      account,
      scenario: scenario.name,
      retryAfterSeconds: scenario.retry_after_seconds,
    });
  }
  if (scenario.fault !== undefined) {
    await carryOutFault(scenario.fault, request, reply, () => deps.sleep(deps.hangMaxMs, deps.closing));
  }
}

const isCapture = (request: FastifyRequest) =>
  request.method === 'POST' &&
  (request.routeOptions.url ?? '').endsWith('/payment/transactions/:payment_transaction_id/capture');
