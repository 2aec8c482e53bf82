import type { ErrorType } from '../contracts/index.js';
import { documentedRequest, sampleNamed } from './documented-requests.js';
import { expectContractBody, expectEqual, expectHeader, expectStatus } from './expect-exchange.js';
import type { Interaction } from './interaction.js';
import { ERROR_CASE_SAMPLE } from './portable-interactions.js';

// The simulator's built-in error scenarios and the answer each must give; statuses, types and codes follow Klarna's
// error-handling page: https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/error-handling/

interface ErrorScenario {
  scenario: string;
  status: number;
  type: ErrorType;
  code: string;
}

export const ERROR_SCENARIOS: readonly ErrorScenario[] = [
  { scenario: 'validation-error', status: 400, type: 'INPUT_ERROR', code: 'VALIDATION_ERROR' },
  { scenario: 'unauthorized', status: 401, type: 'ACCESS_ERROR', code: 'UNAUTHORIZED' },
  { scenario: 'forbidden', status: 403, type: 'RESOURCE_ERROR', code: 'OPERATION_FORBIDDEN' },
  { scenario: 'not-found', status: 404, type: 'RESOURCE_ERROR', code: 'RESOURCE_NOT_FOUND' },
  { scenario: 'conflict', status: 409, type: 'RESOURCE_ERROR', code: 'RESOURCE_CONFLICT' },
  { scenario: 'rate-limited', status: 429, type: 'ACCESS_ERROR', code: 'RATE_LIMITED' },
  { scenario: 'internal-error', status: 500, type: 'TECHNICAL_ERROR', code: 'INTERNAL_ERROR' },
  { scenario: 'timeout', status: 500, type: 'TECHNICAL_ERROR', code: 'TIMEOUT' },
  { scenario: 'unavailable', status: 503, type: 'TECHNICAL_ERROR', code: 'TEMPORARY_UNAVAILABLE' },
];

export function errorScenarioInteractions(): Interaction[] {
  return ERROR_SCENARIOS.map(({ scenario, status, type, code }) => {
    const rateLimited = code === 'RATE_LIMITED';
    return {
      name: `Mock-Scenario ${scenario}: ${status} ${type} / ${code}${rateLimited ? ' with Retry-After' : ''}`,
      part: 'simulator',
      async run(ctx) {
        const request = documentedRequest(ctx, sampleNamed(ctx, ERROR_CASE_SAMPLE), {
          headers: { 'mock-scenario': scenario },
        });
        const exchange = await ctx.send(request);
        return [
          ...expectStatus(exchange, status),
          ...expectContractBody(exchange),
          ...expectEqual(exchange, ['error_type'], type),
          ...expectEqual(exchange, ['error_code'], code),
          ...(rateLimited ? expectHeader(exchange, 'Retry-After', /^\d+$/, 'a whole number of seconds') : []),
        ];
      },
    };
  });
}
