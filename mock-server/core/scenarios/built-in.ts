import type { Scenario } from '../../../contracts/index.js';

export interface BuiltInScenario extends Scenario {
  description: string;
  /** request_payment_transaction.amount that picks this scenario; never a round number, so real tests avoid it. */
  magicAmount?: number;
}

/**
 * Every outcome a client must handle, by name (`Mock-Scenario` header, admin API) and by magic amount.
 * The table "Built-in scenarios" of docs/guides/scenarios.md lists the same rows.
 */
export const BUILT_IN_SCENARIOS: readonly BuiltInScenario[] = [
  { name: 'approved', result: 'APPROVED', description: 'APPROVED, whatever the default decision says' },
  { name: 'declined', magicAmount: 9901, result: 'DECLINED', description: 'DECLINED' },
  {
    name: 'step-up',
    magicAmount: 9902,
    result: 'STEP_UP_REQUIRED',
    description: 'STEP_UP_REQUIRED with a payment_request',
  },
  {
    name: 'validation-error',
    magicAmount: 9940,
    error: 'VALIDATION_ERROR',
    description: '400 INPUT_ERROR / VALIDATION_ERROR',
  },
  { name: 'unauthorized', magicAmount: 9941, error: 'UNAUTHORIZED', description: '401 ACCESS_ERROR / UNAUTHORIZED' },
  {
    name: 'forbidden',
    magicAmount: 9943,
    error: 'OPERATION_FORBIDDEN',
    description: '403 RESOURCE_ERROR / OPERATION_FORBIDDEN',
  },
  {
    name: 'not-found',
    magicAmount: 9944,
    error: 'RESOURCE_NOT_FOUND',
    description: '404 RESOURCE_ERROR / RESOURCE_NOT_FOUND',
  },
  {
    name: 'conflict',
    magicAmount: 9949,
    error: 'RESOURCE_CONFLICT',
    description: '409 RESOURCE_ERROR / RESOURCE_CONFLICT',
  },
  {
    name: 'rate-limited',
    magicAmount: 9929,
    error: 'RATE_LIMITED',
    retry_after_seconds: 1,
    description: '429 ACCESS_ERROR / RATE_LIMITED with Retry-After: 1',
  },
  {
    name: 'internal-error',
    magicAmount: 9950,
    error: 'INTERNAL_ERROR',
    description: '500 TECHNICAL_ERROR / INTERNAL_ERROR',
  },
  {
    name: 'timeout',
    magicAmount: 9951,
    error: 'TIMEOUT',
    description: '500 TECHNICAL_ERROR / TIMEOUT (safe to retry)',
  },
  {
    name: 'unavailable',
    magicAmount: 9953,
    error: 'TEMPORARY_UNAVAILABLE',
    description: '503 TECHNICAL_ERROR / TEMPORARY_UNAVAILABLE',
  },
  { name: 'delay', magicAmount: 9970, delay_ms: 3000, description: 'Answers by the default decision after 3 seconds' },
  { name: 'hang', magicAmount: 9971, fault: 'hang', description: 'No answer until the client gives up (bounded)' },
  { name: 'reset', magicAmount: 9972, fault: 'reset', description: 'The connection is reset, nothing processed' },
  { name: 'empty-reply', magicAmount: 9973, fault: 'empty_reply', description: 'The connection closes with no reply' },
  {
    name: 'response-lost',
    magicAmount: 9974,
    fault: 'response_lost',
    description: 'Authorized and recorded, then the connection drops; a retry with the same key or token replays it',
  },
];

/**
 * The built-in scenario each magic amount picks. A lookup by amount: a search of the list read `magicAmount` of
 * objects of many shapes (a megamorphic load apiece) on every authorize.
 */
export const BY_MAGIC_AMOUNT: ReadonlyMap<number, BuiltInScenario> = new Map(
  BUILT_IN_SCENARIOS.flatMap((s) => (s.magicAmount === undefined ? [] : [[s.magicAmount, s] as const])),
);
