import type { ScenarioError } from '../../../contracts/index.js';
import { catalogue, type KlarnaHttpError } from '../error-catalogue.js';

/** The catalogue entry a scenario's `error` names; the account appears where Klarna names the resource. */
export function scenarioError(
  code: ScenarioError,
  context: { account: string; scenario: string; retryAfterSeconds: number | undefined },
): KlarnaHttpError {
  switch (code) {
    case 'VALIDATION_ERROR':
      return catalogue.validation([
        { parameter: 'request_payment_transaction', reason: `rejected by scenario "${context.scenario}"` },
      ]);
    case 'UNAUTHORIZED':
      return catalogue.unauthorized();
    case 'OPERATION_FORBIDDEN':
      return catalogue.forbidden(context.account);
    case 'RESOURCE_NOT_FOUND':
      return catalogue.resourceNotFound(context.account);
    case 'RESOURCE_CONFLICT':
      return catalogue.idempotencyConflict('Klarna-Idempotency-Key');
    case 'RATE_LIMITED':
      return catalogue.rateLimited(context.retryAfterSeconds ?? 1);
    case 'INTERNAL_ERROR':
      return catalogue.internal();
    case 'TIMEOUT':
      return catalogue.timeout();
    case 'TEMPORARY_UNAVAILABLE':
      return catalogue.unavailable();
  }
}
