import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ScenarioOperation } from '../../../contracts/index.js';
import { catalogue } from '../../core/error-catalogue.js';
import type { Scenarios } from '../../core/scenarios/scenario-engine.js';
import { scenarioError } from '../../core/scenarios/scenario-error.js';
import type { Sleep } from '../../io/sleep.js';
import { carryOutFault } from './carry-out-fault.js';

export interface OperationScenarioDeps {
  scenarios: Scenarios;
  sleep: Sleep;
  hangMaxMs: number;
  /** Fires when the app starts closing: delays and hangs let go. */
  closing: AbortSignal;
}

/**
 * `Mock-Scenario` on the operations beside authorize (payment requests, transactions, webhook management): an
 * error answers instead of the operation, a fault drops the connection before it runs, a delay holds it first. A
 * result (APPROVED, DECLINED, STEP_UP_REQUIRED) is authorize's alone and is refused here, and so is
 * `response_lost`, which needs an answer recorded first (docs/simulator-choices.md#scenarios). The payment
 * transaction writes also take scenarios armed for their operation and magic amounts (selectForOperation).
 */
export async function operationScenario(
  request: FastifyRequest,
  reply: FastifyReply,
  account: string,
  deps: OperationScenarioDeps,
): Promise<void> {
  const header = request.headers['mock-scenario'];
  const name = typeof header === 'string' ? header : undefined;
  const operation = transactionOperation(request);
  const selected = await (operation !== undefined
    ? deps.scenarios.selectForOperation(account, operation.name, amountOf(request.body, operation.amount), name)
    : name !== undefined
      ? deps.scenarios.forOperation(name, account)
      : undefined);
  if (selected === undefined) return;
  const { scenario, delayMs } = selected;
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

const isCapture = (request: FastifyRequest) => transactionOperation(request)?.name === 'capture';

type TransactionOperation = { name: Exclude<ScenarioOperation, 'authorize'>; amount: string | undefined };

const TX = '/payment/transactions/:payment_transaction_id';
/** The payment transaction writes by method and path suffix, with the body field that holds their amount. */
const TRANSACTION_OPERATIONS: [method: string, suffix: string, operation: TransactionOperation][] = [
  ['POST', `${TX}/capture`, { name: 'capture', amount: 'capture_amount' }],
  ['POST', `${TX}/refund`, { name: 'refund', amount: 'refund_amount' }],
  ['POST', '/payment/captures/:payment_capture_id/refund', { name: 'refund', amount: 'refund_amount' }],
  ['POST', `${TX}/void`, { name: 'void', amount: undefined }],
  ['POST', `${TX}/authorize`, { name: 'reauthorize', amount: 'amount' }],
  ['PATCH', TX, { name: 'update', amount: undefined }],
];

/** The payment transaction write a request is, if it is one. */
export function transactionOperation(request: FastifyRequest): TransactionOperation | undefined {
  const url = request.routeOptions.url;
  if (url === undefined || !url.startsWith('/v2/')) return undefined;
  for (const [method, suffix, operation] of TRANSACTION_OPERATIONS) {
    if (request.method === method && url.endsWith(suffix)) return operation;
  }
  return undefined;
}

/**
 * The operation's amount, for magic amounts. These routes take their JSON body as text and parse it in the handler,
 * after the credentials (text-body.ts), so it is a string here: a body that is not JSON, or has no integer there,
 * has no magic amount (the handler answers it as it would anyway).
 */
function amountOf(body: unknown, field: string | undefined): number | undefined {
  if (field === undefined || body === undefined || body === null) return undefined;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, field)) return undefined;
  const amount = (parsed as Record<string, unknown>)[field];
  return Number.isSafeInteger(amount) ? (amount as number) : undefined;
}
